/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // The interop suite against the reference aiorpcX runs on its own: npm run test:interop.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/spec/interop/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^rxrpcx$': '<rootDir>/lib/index.ts',
    '^rxrpcx/node$': '<rootDir>/lib/node/index.ts',
    // lib/ imports its own files as ES modules do, by their emitted `.js` name.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Sessions log handler exceptions to console by default; the suite's are on purpose.
  setupFiles: ['<rootDir>/spec/helpers/quietDefaultLogger.ts'],
  testTimeout: 20000,
};
