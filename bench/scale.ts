/**
 * `npm run bench -- --quick` (part of `npm test`, so a broken bench fails CI): every bench
 * at a tiny size, to prove it still runs end to end. Its figures mean nothing; the full
 * sizes are for `npm run bench`. Benches never import test-only modules (@jest/globals
 * exists only inside jest): tests/support/postgres.ts does, src/db/postgres.ts does not.
 *
 * (Its own module: a bench importing run.ts, the entry, would wait on run.ts's top-level
 * await and deadlock.)
 */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
export const size = <T>(full: T, quick: T): T => (QUICK ? quick : full);
