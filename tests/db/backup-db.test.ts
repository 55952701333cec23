/**
 * backup-db, run from dist/ like the runner runs it, against real PostgreSQL servers and
 * the real pg_dump / pg_restore / psql: Debian's PostgreSQL 15, and the embedded 17
 * (which has no pg_dump 17 on this machine: the version-mismatch case).
 */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ActionRun, expectSecretKept, runAction } from '../harness/runner.js';
import { startFakeArtifactService } from '../support/fake-artifact-service.js';
import { type Postgres, usePostgres15And17 } from '../support/postgres.js';

const servers = usePostgres15And17();

const dbName = (url: string) => new URL(url).pathname.slice(1);
const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');

/** A database with a few tables in two schemas, of known sizes. */
async function seeded(pg: Postgres): Promise<string> {
  const url = await pg.createDatabase();
  await pg.query(
    `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
     INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 1234) g;
     CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users, body text);
     INSERT INTO posts (user_id, body) SELECT 1 + g % 1234, repeat('x', g % 100) FROM generate_series(1, 5000) g;
     CREATE SCHEMA app;
     CREATE TABLE app.events (at timestamptz DEFAULT now(), kind text);
     INSERT INTO app.events (kind) VALUES ('deploy'), ('rollback');
     CREATE TABLE empty_one (id int);`,
    [],
    dbName(url),
  );
  return url;
}

const backup = (inputs: Record<string, string>, env: Record<string, string | undefined> = {}) =>
  runAction('backup-db', { inputs: { upload: 'none', ...inputs }, env, timeoutMs: 180_000 });

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('backup-db', () => {
  test('custom format: streamed with its sha256, verified, restored into a scratch database with equal row counts', async () => {
    const url = await seeded(servers.pg15);
    const scratch = await servers.pg15.createDatabase();
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await backup({ 'database-url': url, 'restore-check-url': scratch, path: folder, upload: 'artifact' });
    expect(errors(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const file = run.outputs.path as string;
    expect(path.dirname(file)).toBe(folder);
    expect(path.basename(file)).toMatch(new RegExp(`^${dbName(url)}-\\d{8}T\\d{6}Z\\.dump$`));
    expect(readdirSync(folder)).toEqual([path.basename(file)]); // no partial file left
    expect(run.outputs['size-bytes']).toBe(String(statSync(file).size));
    expect(run.outputs.sha256).toBe(sha256(file));
    expect(run.outputs['server-version']).toMatch(/^15\.\d+$/);
    expect(Number(run.outputs['duration-ms'])).toBeGreaterThan(0);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP'); // custom format's magic
    expect(run.log).toContain('Using /usr/lib/postgresql/15/bin/pg_dump');
    expect(run.log).toMatch(/Verified: \d+ entries/);
    expect(run.log).toContain('Restore check passed: 4 table(s), row counts equal.');
    // Outside a real job there is no artifact service: the file stays, and the action says where.
    expect(run.log).toContain(
      `kept at ${file} (not uploaded: the artifact service is only available inside a GitHub Actions job)`,
    );
    expect(run.outputs['artifact-id']).toBeUndefined();
    for (const row of [
      'public.users</td><td>1234</td><td>1234',
      'public.posts</td><td>5000</td><td>5000',
      'app.events</td><td>2</td><td>2',
      'public.empty_one</td><td>0</td><td>0',
    ])
      expect(run.summary).toContain(row);
    const restored = await servers.pg15.query<{ n: string }>('SELECT count(*) AS n FROM posts', [], dbName(scratch));
    expect(restored.rows[0]?.n).toBe('5000');
    expectSecretKept(run, servers.pg15.password);
  });

  test('in a GitHub Actions job it uploads the backup as a workflow artifact with retention-days', async () => {
    const service = await startFakeArtifactService();
    try {
      const url = await seeded(servers.pg15);
      const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
      const started = Date.now();
      const run = await backup(
        { 'database-url': url, path: folder, upload: 'artifact', 'retention-days': '7' },
        service.env,
      );
      expect(errors(run)).toBe('');
      const file = run.outputs.path as string;
      expect(run.outputs['artifact-id']).toBe('1000');
      expect(service.artifacts).toHaveLength(1);
      const artifact = service.artifacts[0]!;
      expect(artifact.name).toBe(path.basename(file)); // one file, uploaded as it is: no zip around the dump
      expect(artifact.finalized).toBe(true);
      expect(createHash('sha256').update(artifact.content!).digest('hex')).toBe(run.outputs.sha256);
      expect(artifact.hash).toBe(`sha256:${run.outputs.sha256}`);
      const days = (Date.parse(artifact.expiresAt!) - started) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);
      expect(run.summary).toContain(
        `uploaded as the workflow artifact &quot;${path.basename(file)}&quot; (id 1000), kept 7 days`,
      );
      expectSecretKept(run, servers.pg15.password);
    } finally {
      await service.stop();
    }
  });

  test.each([
    ['plain', /\.sql$/],
    ['directory', /-\d{8}T\d{6}Z$/],
  ])('%s format is verified and restore-checked too', async (format, name) => {
    const url = await seeded(servers.pg15);
    const scratch = await servers.pg15.createDatabase();
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await backup({ 'database-url': url, 'restore-check-url': scratch, path: folder, format });
    expect(errors(run)).toBe('');
    const target = run.outputs.path as string;
    expect(target).toMatch(name);
    expect(readdirSync(folder)).toEqual([path.basename(target)]);
    if (format === 'plain') {
      expect(run.outputs.sha256).toBe(sha256(target));
      expect(readFileSync(target, 'utf8')).toContain('-- PostgreSQL database dump complete');
    } else {
      expect(statSync(target).isDirectory()).toBe(true);
      const manifest = readdirSync(target)
        .sort()
        .map((f) => `${sha256(path.join(target, f))}  ${f}\n`)
        .join('');
      expect(run.outputs.sha256).toBe(createHash('sha256').update(manifest).digest('hex'));
    }
    expect(run.log).toContain('Restore check passed: 4 table(s), row counts equal.');
  });

  test('a server with no pg_dump of its major version fails before dumping, saying what to install', async () => {
    const url = await seeded(servers.pg17);
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await backup({ 'database-url': url, path: folder });
    expect(run.exitCode).toBe(1);
    const message = errors(run);
    expect(message).toContain('The database server runs PostgreSQL 17, so pg_dump 17 is needed');
    expect(message).toMatch(
      /Found only: \/usr\/lib\/postgresql\/15\/bin\/pg_dump \(15\.\d+\)|Found only: .*pg_dump \(15\.\d+\)/,
    );
    expect(message).toContain('sudo apt-get install -y postgresql-client-17');
    expect(run.outputs['server-version']).toMatch(/^17\.\d+$/);
    expect(readdirSync(folder)).toEqual([]);
    expectSecretKept(run, servers.pg17.password);
  });

  test('pg_dump killed mid-dump leaves no file that looks like a backup', async () => {
    const url = await servers.pg15.createDatabase();
    await servers.pg15.query(
      `CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS a FROM generate_series(1, 1500000) g`,
      [],
      dbName(url),
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const running = backup({ 'database-url': url, path: folder });
    // Find our pg_dump (by its --dbname, which names this test's port and database) once it has written something.
    const marker = `:${servers.pg15.port}/${dbName(url)}`;
    let killed = false;
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline) {
      const written = readdirSync(folder).some(
        (f) => f.endsWith('.partial') && statSync(path.join(folder, f)).size > 0,
      );
      for (const pid of written ? readdirSync('/proc').filter((p) => /^\d+$/.test(p)) : []) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmdline.includes('pg_dump') && cmdline.includes(marker)) {
          process.kill(Number(pid), 'SIGKILL');
          killed = true;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const run = await running;
    expect(killed).toBe(true);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('was stopped by SIGKILL before it finished; no backup was written');
    expect(readdirSync(folder)).toEqual([]);
    expect(run.outputs.path).toBeUndefined();
    expect(run.outputs.sha256).toBeUndefined();
  }, 120_000);

  test('a wrong password fails with a clear message and the password is never shown', async () => {
    const url = new URL(await seeded(servers.pg15));
    const wrong = 'N0t-the-pass-' + Date.now();
    url.password = wrong;
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await backup({ 'database-url': url.toString(), path: folder });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toMatch(
      /Could not log in to 127\.0\.0\.1:\d+\/db_\w+ as "postgres": password authentication failed/,
    );
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    expectSecretKept(run, wrong);
  });

  test('a restore check that finds different row counts fails and keeps no backup', async () => {
    const url = await seeded(servers.pg15);
    const scratch = await servers.pg15.createDatabase();
    await servers.pg15.query(
      'CREATE TABLE leftover (id int); INSERT INTO leftover VALUES (1), (2), (3);',
      [],
      dbName(scratch),
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const run = await backup({ 'database-url': url, 'restore-check-url': scratch, path: folder });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('Restore check failed: the restored copy differs from');
    expect(errors(run)).toContain('public.leftover (source missing, restored 3)');
    expect(run.summary).toContain('public.leftover</td><td>missing</td><td>3</td><td>❌');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('bad input fails before anything happens, naming the input', async () => {
    const url = await servers.pg15.createDatabase();
    const same = await backup({ 'database-url': url, 'restore-check-url': url });
    expect(errors(same)).toContain('Input "restore-check-url" is invalid: it points at the database being backed up');
    const badName = await backup({ 'database-url': url, name: '../x.dump' });
    expect(errors(badName)).toContain('Input "name" is invalid: a name, not a path');
    const badPlaceholder = await backup({ 'database-url': url, name: '{db}.dump' });
    expect(errors(badPlaceholder)).toContain('{db} is not a placeholder');
    const badFormat = await backup({ 'database-url': url, format: 'tar' });
    expect(errors(badFormat)).toContain('Input "format" is invalid: "tar" is not one of custom, plain, directory');
    expectSecretKept(badFormat, servers.pg15.password);
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-backups-'));
    const encrypted = await backup({ 'database-url': url, path: folder, 'encrypt-to': 'age1example' });
    expect(errors(encrypted)).toContain('Input "encrypt-to" is invalid: "age1example" is not an age recipient');
    expect(readdirSync(folder)).toEqual([]);
  });
});
