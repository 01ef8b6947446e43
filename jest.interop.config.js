/**
 * The interop suite (npm run test:interop): rxrpcx against the reference
 * aiorpcX 0.22.1 (Debian's python3-aiorpcx and python3-websockets under
 * /usr/bin/python3), both directions, over TCP and WebSocket.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/spec/interop'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30000,
};
