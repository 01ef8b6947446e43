/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^rxrpcx$': '<rootDir>/lib/index.ts',
    '^rxrpcx/node$': '<rootDir>/lib/node/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 20000,
};
