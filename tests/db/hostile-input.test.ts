/**
 * backup-db with hostile or unusual input (issue 16): a password in the database URL's
 * query (`?password=`, which libpq reads) is masked and kept out of pg_dump's argv like
 * the one in the authority, and a backup `name` that names a folder (`..`) or holds what
 * the artifact service refuses is rejected before anything runs. Real PostgreSQL 15.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDatabaseUrl, type DatabaseUrl } from '../../src/db/connection.js';
import { maskSecret } from '../../src/lib/action-spec.js';
import { type Postgres, startPostgres } from '../../src/db/postgres.js';
import { expectSecretKept, runAction } from '../harness/runner.js';
import pg from 'pg';
import type { ChildProcess } from 'node:child_process';

let server: Postgres;
beforeAll(async () => {
  server = await startPostgres({ major: 15 });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/** Every pg_dump command line seen in /proc while `during` runs. */
async function pgDumpArgvDuring<T>(during: Promise<T>): Promise<{ result: T; argv: string[] }> {
  const argv = new Set<string>();
  let done = false;
  const watch = (async () => {
    while (!done) {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
          if (/pg_dump/.test(cmdline) && !/jest/.test(cmdline)) argv.add(cmdline);
        } catch {
          // gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const result = await during;
  done = true;
  await watch;
  return { result, argv: [...argv] };
}

describe('a password in the database URL query', () => {
  it('is the password, and the URL for argv has none (other query options kept)', () => {
    const db = parseDatabaseUrl(
      'postgres://app@db.internal:5432/shop?sslmode=disable&password=qu3ry-s3cret',
    ) as DatabaseUrl;
    expect(db.password).toBe('qu3ry-s3cret');
    expect(db.urlWithoutPassword).toBe('postgres://app@db.internal:5432/shop?sslmode=disable');
    const masked: string[] = [];
    maskSecret('postgres://app@db.internal:5432/shop?password=qu3ry-s3cret', (v) => masked.push(v));
    expect(masked).toContain('qu3ry-s3cret');
  });

  it('backup-db dumps with it, masks it, and pg_dump never gets it in argv', async () => {
    const url = new URL(await server.createDatabase());
    url.password = '';
    url.searchParams.set('password', server.password);
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const { result: run, argv } = await pgDumpArgvDuring(
      runAction('backup-db', {
        inputs: { 'database-url': url.toString(), path: folder, upload: 'none' },
        timeoutMs: 120_000,
      }),
    );
    expect(run.exitCode).toBe(0);
    expectSecretKept(run, server.password);
    expect(argv.length).toBeGreaterThan(0); // pg_dump was seen running
    for (const line of argv) expect(line).not.toContain(server.password);
    expect(readdirSync(folder)).toHaveLength(1);
  });
});

describe('a backup name', () => {
  it.each([
    ['..', '".." is not a file name: it names a folder'],
    ['.', '"." is not a file name: it names a folder'],
    ['backup:{timestamp}.dump', 'must not contain ":" (workflow artifact names cannot)'],
    ['what?.dump', 'must not contain "?" (workflow artifact names cannot)'],
  ])('%s is refused before anything runs', async (name, message) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await runAction('backup-db', {
      inputs: { 'database-url': 'postgres://u:p@127.0.0.1:9/db', path: path.join(folder, 'in'), name, upload: 'none' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`Input "name" is invalid: ${message}`);
    expect(existsSync(path.join(folder, 'in'))).toBe(false);
  });
});

describe('a cancelled directory dump', () => {
  it('stops pg_dump with the job: nothing keeps writing, no partial folder is left', async () => {
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE big AS SELECT g, md5(g::text) AS h FROM generate_series(1, 1500000) g');
    await client.end();
    const database = new URL(url).pathname.slice(1);
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    let child: ChildProcess | undefined;
    let sent = false;
    const run = await runAction('backup-db', {
      inputs: { 'database-url': url, path: folder, format: 'directory', upload: 'none' },
      onSpawn: (c) => (child = c),
      onOutput: (chunk) => {
        if (!sent && chunk.includes('::group::pg_dump')) {
          sent = true;
          setTimeout(() => child?.kill('SIGTERM'), 300);
        }
      },
      timeoutMs: 120_000,
    });
    expect(sent).toBe(true);
    expect(run.exitCode).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const dumps = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        } catch {
          return '';
        }
      })
      .filter((line) => line.includes('pg_dump') && line.includes(database));
    expect(dumps).toEqual([]);
    expect(readdirSync(folder)).toEqual([]);
  });
});
