#!/usr/bin/env node
/**
 * A fake `prisma` CLI for the migrate tests: `prisma migrate deploy` only, against
 * DATABASE_URL, as prisma/prisma-engines' schema-engine does it on PostgreSQL:
 * - `_prisma_migrations` (id, checksum, finished_at, migration_name, logs, rolled_back_at,
 *   started_at, applied_steps_count) is created when missing;
 * - each prisma/migrations/<name>/migration.sql without a finished row, in name order, gets
 *   a row (finished_at NULL), runs as one script, then finished_at is set: a failing one
 *   keeps its unfinished row (P3018), exit 1, and the ones before it stay applied;
 * - output: `Applying migration \`<name>\``, then "All migrations have been successfully applied.".
 * The real CLI needs its engines downloaded, which the tests cannot do.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

const args = process.argv.slice(2);
if (args[0] !== 'migrate' || args[1] !== 'deploy') {
  console.error(`fake prisma: only "migrate deploy" (got ${args.join(' ')})`);
  process.exit(2);
}
const dir = path.join(process.cwd(), 'prisma/migrations');
const names = existsSync(dir)
  ? readdirSync(dir)
      .filter((n) => existsSync(path.join(dir, n, 'migration.sql')))
      .sort()
  : [];
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
const done = new Set(
  (
    await client.query(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
  ).rows.map((r) => r.migration_name),
);
console.log(`${names.length} migrations found in prisma/migrations\n`);
for (const name of names.filter((n) => !done.has(n))) {
  const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
  const id = randomUUID();
  await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)', [
    id,
    createHash('sha256').update(sql).digest('hex'),
    name,
  ]);
  console.log(`Applying migration \`${name}\``);
  try {
    await client.query(sql);
  } catch (error) {
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, error.message]);
    console.error(`Error: P3018\n\nA migration failed to apply.\n\nMigration name: ${name}\n\n${error.message}`);
    await client.end();
    process.exit(1);
  }
  await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
    id,
  ]);
}
await client.end();
console.log('\nAll migrations have been successfully applied.');
