/**
 * `npm run test:production`: the built app started as a deployment starts it and walked end to end
 * (test/production). One process at a time: the walk's steps follow each other.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test/production'], testPathIgnorePatterns: ['/node_modules/'], maxWorkers: 1, globalSetup: undefined };
