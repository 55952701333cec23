/** Jest runs the TypeScript tests as native ESM (the @actions/* packages are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // A fake GitHub's violations fail the test that caused them (tests/harness/fake-github/guard.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/harness/fake-github/guard.ts'],
  testTimeout: 60000,
};
