#!/usr/bin/env node
/**
 * A fake `supabase` CLI for the migrate tests: `supabase db push --db-url <url> --yes` only,
 * as supabase/cli's pkg/migration does it: `supabase_migrations.schema_migrations` (version
 * text primary key, statements text[], name text; history.go) is created when missing; each
 * supabase/migrations/<version>_<name>.sql whose version it lacks runs, in version order,
 * in a transaction with its history row (file.go ExecBatch): a failing one leaves nothing,
 * exit 1, and the ones before it stay applied. The password comes from PGPASSWORD, as the
 * CLI's driver (pgx) reads it. Output: `Applying migration <file>...`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const args = process.argv.slice(2);
const url = args[args.indexOf('--db-url') + 1];
if (args[0] !== 'db' || args[1] !== 'push' || !args.includes('--db-url') || !url || !args.includes('--yes')) {
  console.error(`fake supabase: only "db push --db-url <url> --yes" (got ${args.join(' ')})`);
  process.exit(2);
}
const dir = path.join(process.cwd(), 'supabase/migrations');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /^\d+_.*\.sql$/.test(f))
      .sort()
  : [];
const client = new pg.Client({ connectionString: url, password: process.env.PGPASSWORD });
await client.connect();
await client.query(`CREATE SCHEMA IF NOT EXISTS supabase_migrations;
  CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
  ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
  ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;`);
const done = new Set(
  (await client.query('SELECT version FROM supabase_migrations.schema_migrations')).rows.map((r) => r.version),
);
for (const file of files) {
  const [, version, name] = /^(\d+)_(.*)\.sql$/.exec(file);
  if (done.has(version)) continue;
  console.error(`Applying migration ${file}...`);
  const sql = readFileSync(path.join(dir, file), 'utf8');
  try {
    await client.query('BEGIN');
    await client.query(sql);
    await client.query(
      'INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ($1, $2, $3)',
      [version, name, [sql]],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    console.error(
      `ERROR: ${error.message}\nAt statement: 0\nTry rerunning the command with --debug to troubleshoot the error.`,
    );
    await client.end();
    process.exit(1);
  }
}
await client.end();
console.error('Finished supabase db push.');
