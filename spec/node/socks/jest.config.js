/**
 * The SOCKS suite on its own, for `scripts/loopback-netns.sh`: the project's jest
 * configuration, limited to spec/node/socks.
 */
const path = require('node:path');
const base = require('../../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..', '..', '..'),
  roots: ['<rootDir>/spec/node/socks'],
  testPathIgnorePatterns: ['/node_modules/'],
};
