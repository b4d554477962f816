/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The production walk starts the built app as its own process: `npm run test:production` runs it (jest.production.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/production/'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // strip-bom (used by @microsoft/app-manifest) ships only as an ES module, which Node 20 can require
  // but jest cannot: it alone among node_modules is compiled.
  transformIgnorePatterns: ['^(?!.*/strip-bom/).*/node_modules/'],
  // The ESM build of adaptivecards cannot be required; its UMD bundle parses and validates without a DOM.
  // Lazily loaded modules are imported as `./name.js`, the compiled file's name, as Node needs; jest finds the source.
  moduleNameMapper: { '^adaptivecards$': 'adaptivecards/dist/adaptivecards.min.js', '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
  // The longest suites mostly wait on a paced or failing connector, not the CPU: two workers halve
  // the wall time even on a 2-core machine (jest would otherwise pick cores - 1 = 1).
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/fast-check-setup.ts'],
};
