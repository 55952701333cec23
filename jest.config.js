/** Jest runs the TypeScript tests as native ESM (the @actions/* packages are ESM-only). */
import { availableParallelism } from 'node:os';

export default {
  // At least 2 workers: most suites wait on child processes, servers and PostgreSQL rather than
  // compute, so on a 2-core machine (jest's default there is 1 worker) 2 halve the wall time:
  // 957 tests in 7m47s with 2 workers against about 14.5 min with 1.
  maxWorkers: Math.max(2, availableParallelism() - 1),
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
