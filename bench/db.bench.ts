/**
 * Database benches (npm run bench -- db):
 * - backup-db throughput on a generated database of at least 1 GiB, against `pg_dump -Fc`
 *   run directly on the same database in the same run (target: at least 0.9 of it);
 * - migrate on 200 trivial migrations, against psql -f of the same files.
 * The 1 GiB database lives only here, never in the tests. `npm run bench -- db:migrate`
 * (or db:backup) runs one part only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction } from '../tests/harness/runner.js';
import { type Postgres, startPostgres } from '../src/db/postgres.js';
import type { BenchTable } from './run.js';
import { bareEnv } from './measure.js';
import { size as scaled } from './scale.js';

const GiB = 1024 ** 3;
const FILES = scaled(200, 10);
const ROUNDS = scaled(5, 1);
const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
const rate = (bytes: number, ms: number) => `${(bytes / 1024 ** 2 / (ms / 1000)).toFixed(1)} MB/s`;

function timed<T>(fn: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = fn();
  return { result, ms: performance.now() - started };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

/** Grows a table in batches until the database is at least `bytes` big. */
async function generate(pg: Postgres, database: string, bytes: number): Promise<number> {
  await pg.query(
    `CREATE TABLE events (id bigint, at timestamptz, kind text, actor text, payload text, amount numeric(12,2))`,
    [],
    database,
  );
  let size = 0;
  for (let batch = 0; size < bytes; batch++) {
    const from = batch * 1_000_000 + 1;
    // Text that compresses like real rows do (hex digests and repeats), not all-zero pages.
    await pg.query(
      `INSERT INTO events
         SELECT g, now() - g * interval '1 second', (ARRAY['signup','login','order','refund'])[1 + g % 4],
                'user' || (g % 50000), md5(g::text) || ' ' || md5((g % 977)::text) || ' ' || repeat('ab', (g % 40)::int),
                (g % 100000) / 100.0
           FROM generate_series($1::bigint, $1::bigint + 999999) g`,
      [from],
      database,
    );
    size = Number(
      (await pg.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n', [], database)).rows[0]?.n,
    );
  }
  return size;
}

async function backupBench(): Promise<BenchTable> {
  const pg = await startPostgres({ major: 15 });
  try {
    const url = await pg.createDatabase('bench_backup');
    const { result: size, ms: genMs } = await timedAsync(() =>
      generate(pg, 'bench_backup', scaled(GiB, 4 * 1024 ** 2)),
    );
    const out = mkdtempSync(path.join(tmpdir(), 'dk-bench-backup-'));
    const rows: BenchTable['rows'] = [];
    const direct: number[] = [];
    const action: number[] = [];
    for (let round = 1; round <= 2; round++) {
      const file = path.join(out, `direct-${round}.dump`);
      const run = timed(() =>
        spawnSync(path.join(pg.bin, 'pg_dump'), ['-Fc', `--dbname=${url}`, '-f', file], { encoding: 'utf8' }),
      );
      if (run.result.status !== 0) throw new Error(`pg_dump failed: ${run.result.stderr}`);
      direct.push(run.ms);
      rows.push({
        run: `pg_dump -Fc -f (round ${round})`,
        'dump time': `${(run.ms / 1000).toFixed(1)} s`,
        'database MB/s': rate(size, run.ms),
        'dump size MB': mb(statSync(file).size),
      });
      rmSync(file);

      const folder = path.join(out, `action-${round}`);
      const step = await timedAsync(() =>
        runAction('backup-db', { inputs: { 'database-url': url, path: folder, upload: 'none' }, timeoutMs: 1_800_000 }),
      );
      if (step.result.exitCode !== 0) throw new Error(`backup-db failed:\n${step.result.log.slice(-2000)}`);
      const dumpMs = Number(step.result.outputs['duration-ms']);
      action.push(dumpMs);
      rows.push({
        run: `backup-db (round ${round})`,
        'dump time': `${(dumpMs / 1000).toFixed(1)} s (whole step with verify: ${(step.ms / 1000).toFixed(1)} s)`,
        'database MB/s': rate(size, dumpMs),
        'dump size MB': mb(Number(step.result.outputs['size-bytes'])),
      });
      rmSync(folder, { recursive: true, force: true });
    }
    const ratio = Math.min(...direct) / Math.min(...action);
    return {
      title: `backup-db vs pg_dump -Fc on a ${(size / GiB).toFixed(2)} GiB database (PostgreSQL 15)`,
      rows,
      notes: [
        `throughput ratio backup-db / pg_dump (best of 2 each): ${ratio.toFixed(2)} — target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'}`,
        `backup-db streams pg_dump's stdout through sha256 into the file; pg_dump -f writes the file itself (no checksum).`,
        `generating the database took ${(genMs / 1000).toFixed(0)} s (fsync off).`,
      ],
    };
  } finally {
    await pg.stop();
  }
}

async function migrateBench(): Promise<BenchTable> {
  const pg = await startPostgres({ major: 15 });
  try {
    const project = mkdtempSync(path.join(tmpdir(), 'dk-bench-migrate-'));
    const dir = path.join(project, 'migrations');
    mkdirSync(dir);
    const files: string[] = [];
    for (let i = 1; i <= FILES; i++) {
      const file = path.join(dir, `${String(i).padStart(4, '0')}_t${i}.sql`);
      writeFileSync(
        file,
        `CREATE TABLE t${i} (id int PRIMARY KEY, name text);\nINSERT INTO t${i} VALUES (1, 'one');\n`,
      );
      files.push(file);
    }
    const psql = path.join(pg.bin, 'psql');
    // The floor for any node program: node starts, pg connects, one query per file
    // (BEGIN; the file; COMMIT) — no history, no lock, no checks. Started with the runner's
    // few variables, like the action (issue 17: the bench's own environment costs node ~55 ms).
    const floorScript = path.join(project, 'node-floor.mjs');
    writeFileSync(
      floorScript,
      `import { readFileSync } from 'node:fs';
       import pg from ${JSON.stringify(path.resolve('node_modules/pg/lib/index.js'))};
       const [url, ...files] = process.argv.slice(2);
       const c = new pg.Client({ connectionString: url });
       await c.connect();
       for (const f of files) await c.query('BEGIN;\\n' + readFileSync(f, 'utf8') + '\\n;COMMIT');
       await c.end();`,
    );
    const floorEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const rows: BenchTable['rows'] = [];
    const perMigration = (ms: number) => `${(ms / FILES).toFixed(1)} ms`;
    const times = (all: number[]) =>
      `${Math.min(...all).toFixed(0)} ms${all.length > 1 ? ` (best of ${all.map((t) => t.toFixed(0)).join(', ')})` : ''}`;

    // Interleaved rounds, each on a fresh database: the machine's load moves between them.
    const one: number[] = [];
    const step: number[] = [];
    const engine: number[] = [];
    const noLint: number[] = [];
    const floor: number[] = [];
    let url = '';
    for (let round = 1; round <= ROUNDS; round++) {
      const oneProcess = await pg.createDatabase(`bench_psql_one_${round}`);
      const run = timed(() =>
        spawnSync(psql, [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          `--dbname=${oneProcess}`,
          ...files.flatMap((f) => ['-f', f]),
        ]),
      );
      if (run.result.status !== 0) throw new Error(`psql failed: ${run.result.stderr}`);
      one.push(run.ms);

      url = await pg.createDatabase(`bench_migrate_${round}`);
      const migrated = await timedAsync(() =>
        runAction('migrate', { cwd: project, env: bareEnv(), inputs: { 'database-url': url, tool: 'sql' } }),
      );
      if (migrated.result.exitCode !== 0 || migrated.result.outputs.applied !== String(FILES))
        throw new Error(`migrate failed:\n${migrated.result.log.slice(-2000)}`);
      step.push(migrated.ms);
      const summary = /in ([\d.]+) (ms|s)\./.exec(migrated.result.summary);
      engine.push(summary ? Number(summary[1]) * (summary[2] === 's' ? 1000 : 1) : NaN);

      const bare = await pg.createDatabase(`bench_migrate_nolint_${round}`);
      const unlinted = await timedAsync(() =>
        runAction('migrate', {
          cwd: project,
          env: bareEnv(),
          inputs: { 'database-url': bare, tool: 'sql', lint: 'off' },
        }),
      );
      if (unlinted.result.exitCode !== 0) throw new Error(`migrate failed:\n${unlinted.result.log.slice(-2000)}`);
      noLint.push(unlinted.ms);

      const floorDb = await pg.createDatabase(`bench_node_floor_${round}`);
      const floorRun = timed(() =>
        spawnSync(process.execPath, [floorScript, floorDb, ...files], { env: floorEnv, encoding: 'utf8' }),
      );
      if (floorRun.result.status !== 0) throw new Error(`node floor failed: ${floorRun.result.stderr}`);
      floor.push(floorRun.ms);
    }
    rows.push({
      run: `psql -f × ${FILES} in one psql process (autocommit)`,
      time: times(one),
      'per migration': perMigration(Math.min(...one)),
    });

    const perFile = await pg.createDatabase('bench_psql_each');
    const each = timed(() => {
      for (const f of files) {
        const r = spawnSync(psql, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', `--dbname=${perFile}`, '-f', f]);
        if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      }
    });
    rows.push({
      run: 'psql -1 -f, one process per file',
      time: times([each.ms]),
      'per migration': perMigration(each.ms),
    });
    rows.push({
      run: `migrate tool: sql (whole step: node start, connect, lint, lock, table, ${FILES} transactions + records)`,
      time: times(step),
      'per migration': perMigration(Math.min(...step)),
    });
    rows.push({
      run: 'migrate: engine time only (from its summary; lint included)',
      time: times(engine),
      'per migration': perMigration(Math.min(...engine)),
    });
    rows.push({
      run: 'migrate tool: sql, lint: off (whole step)',
      time: times(noLint),
      'per migration': perMigration(Math.min(...noLint)),
    });
    rows.push({
      run: 'floor: node + pg, one query per file (BEGIN; file; COMMIT), no history, lock or checks',
      time: times(floor),
      'per migration': perMigration(Math.min(...floor)),
    });

    const again = await timedAsync(() =>
      runAction('migrate', { cwd: project, env: bareEnv(), inputs: { 'database-url': url, tool: 'sql' } }),
    );
    rows.push({
      run: `migrate again, nothing pending (${FILES} checksums compared)`,
      time: times([again.ms]),
      'per migration': '—',
    });
    const ratio = (of: number[], to: number[]) => (Math.min(...of) / Math.min(...to)).toFixed(2);
    const toFloor = ratio(noLint, floor);
    return {
      title: `migrate: ${FILES} trivial migrations vs psql -f (PostgreSQL 15)`,
      rows,
      notes: [
        `ratio migrate step / one psql process: ${ratio(step, one)} (lint: off: ${ratio(noLint, one)}); / psql per file: ${ratio(step, [each.ms])} — best of ${ROUNDS} each`,
        `ratio migrate step, lint: off / the node + pg floor: ${toFloor} — target ≤ 1.20: ${Number(toFloor) <= 1.2 ? 'met' : 'NOT met'}; the floor / one psql process: ${ratio(floor, one)} (node's start and pg's load, which no node action avoids)`,
        'migrate does per file what psql -1 does, plus recording version, checksum and duration in the same transaction, under one advisory lock; up to 100 consecutive files that run in a transaction go in one round trip (src/migrate/batch.ts).',
        'lint (default warn) runs squawk over the pending files while they run and annotates its findings after them: psql does nothing of the kind.',
      ],
    };
  } finally {
    await pg.stop();
  }
}

const PARTS = { migrate: migrateBench, backup: backupBench };

export default async function bench(parts: string[] = []): Promise<BenchTable[]> {
  const unknown = parts.filter((part) => !(part in PARTS));
  if (unknown.length)
    throw new Error(`db bench: no part ${unknown.join(', ')} (parts: ${Object.keys(PARTS).join(', ')})`);
  const tables: BenchTable[] = [];
  for (const [name, run] of Object.entries(PARTS))
    if (parts.length === 0 || parts.includes(name)) tables.push(await run());
  return tables;
}
