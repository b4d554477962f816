/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // The ESM build of adaptivecards cannot be required; its UMD bundle parses and validates without a DOM.
  moduleNameMapper: { '^adaptivecards$': 'adaptivecards/dist/adaptivecards.min.js' },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.ts',
};
