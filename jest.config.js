/** Unit specs beside the code; end-to-end specs in test/ against real PostgreSQL. */
/** Dependencies shipped as ECMAScript modules only, transpiled for Jest (test/support/esm-transform.js). */
const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose'];
const transform = {
  '^.+\\.ts$': ['ts-jest', {}],
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: '<rootDir>/test/support/esm-transform.js',
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];

/** @type {import('jest').Config} */
module.exports = {
  // Global, not per project: end-to-end specs start servers and child processes.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
