/**
 * Throwaway PostgreSQL servers for tests and benches. The implementation lives in
 * src/db/postgres.ts because `deploy-kit demo` starts one too (tests/ is not shipped).
 */
export * from '../../src/db/postgres.js';
