/**
 * backup-db's encryption, run from dist/ like the runner runs it, against a real
 * PostgreSQL 15 and the real pg_dump / pg_restore, with the real `age` CLI reading what
 * the kit wrote.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { type ActionRun, expectSecretKept, runAction } from '../harness/runner.js';
import { type Postgres, startPostgres } from '../support/postgres.js';

let pg: Postgres;
let identity: string;
let recipient: string;
let otherRecipient: string;
let source: string;

beforeAll(async () => {
  pg = await startPostgres({ major: 15 });
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  otherRecipient = await identityToRecipient(await generateIdentity());
  source = await pg.createDatabase();
  await pg.query(
    `CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);
     INSERT INTO customers (email) SELECT 'secret-customer-' || g || '@example.com' FROM generate_series(1, 3000) g;
     CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers, total numeric);
     INSERT INTO orders (customer_id, total) SELECT 1 + g % 3000, g * 1.5 FROM generate_series(1, 7000) g;`,
    [],
    new URL(source).pathname.slice(1),
  );
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const warnings = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'warning')
    .map((a) => a.message)
    .join('\n');

function eventFile(repository: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dk-event-')), 'event.json');
  writeFileSync(file, JSON.stringify({ ref: 'refs/tags/v1.0.0', repository }));
  return file;
}

const backup = (inputs: Record<string, string>, env: Record<string, string | undefined> = {}) =>
  runAction('backup-db', { inputs: { upload: 'none', 'database-url': source, ...inputs }, env, timeoutMs: 180_000 });

/** Every file that appears in the folder while the action runs, with its first bytes. */
function watchFolder(folder: string): { stop: () => Map<string, string> } {
  const seen = new Map<string, string>();
  const timer = setInterval(() => {
    for (const name of readdirSync(folder)) {
      try {
        const fd = openSync(path.join(folder, name), 'r');
        const head = Buffer.alloc(32);
        const n = readSync(fd, head, 0, 32, 0);
        closeSync(fd);
        if (n > 0) seen.set(name, head.subarray(0, n).toString('latin1'));
      } catch {
        // renamed or removed between readdir and open
      }
    }
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return seen;
    },
  };
}

describe('backup-db encrypt-to', () => {
  test('encrypts as it streams; the age CLI decrypts it; verify and restore-check decrypt with verify-identity', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-enc-'));
    const scratch = await pg.createDatabase();
    const watcher = watchFolder(folder);
    const run = await backup({
      path: folder,
      'encrypt-to': `${recipient}\n${otherRecipient}`,
      'verify-identity': identity,
      'restore-check-url': scratch,
    });
    const seen = watcher.stop();
    expect(errors(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const file = run.outputs.path as string;
    expect(file).toMatch(/\.dump\.age$/);
    expect(readdirSync(folder)).toEqual([path.basename(file)]);
    // What was written is ciphertext from its first byte: no plaintext dump ever on disk.
    expect(seen.size).toBeGreaterThan(0);
    for (const [name, head] of seen) expect([name, head.startsWith('age-encryption.org/v1\n')]).toEqual([name, true]);
    const bytes = readFileSync(file);
    expect(bytes.includes('secret-customer-')).toBe(false);
    // sha256 and size are of what was written.
    expect(run.outputs.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(run.outputs['size-bytes']).toBe(String(statSync(file).size));
    expect(run.log).toContain('Encrypted with age for 2 recipient(s) as it streamed.');
    expect(run.log).toMatch(/Verified: \d+ entries in the backup's table of contents, decrypted with verify-identity/);
    expect(run.log).toContain('Restore check passed: 2 table(s), row counts equal.');
    expect(run.summary).toContain('yes (age)');
    expectSecretKept(run, identity);

    // The age CLI (what the restore docs use) reads it, and pg_restore reads the result.
    const keyFile = path.join(folder, '..', `key-${path.basename(folder)}.txt`);
    writeFileSync(keyFile, `${identity}\n`, { mode: 0o600 });
    const plain = execFileSync('age', ['--decrypt', '-i', keyFile, file], { maxBuffer: 256 * 1024 * 1024 });
    expect(plain.subarray(0, 5).toString()).toBe('PGDMP');
    const list = execFileSync('/usr/lib/postgresql/15/bin/pg_restore', ['--list'], { input: plain }).toString();
    expect(list).toMatch(/TABLE DATA public customers/);
  });

  test("the README's restore commands (age CLI | pg_restore) bring back the same row counts", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-enc-'));
    const run = await backup({ path: folder, 'encrypt-to': recipient });
    expect(errors(run)).toBe('');
    const readme = readFileSync('README.md', 'utf8');
    const script = /<!-- restore-commands -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!script) throw new Error('README.md has no restore-commands block');
    const keyFile = path.join(folder, '..', `restore-key-${path.basename(folder)}.txt`);
    writeFileSync(keyFile, `${identity}\n`, { mode: 0o600 });
    const restored = await pg.createDatabase();
    const result = spawnSync('bash', ['--noprofile', '--norc', '-euo', 'pipefail', '-c', script], {
      env: {
        PATH: `/usr/lib/postgresql/15/bin:${process.env.PATH}`,
        BACKUP: run.outputs.path,
        AGE_KEY: keyFile,
        DATABASE_URL: restored,
      },
      encoding: 'utf8',
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
    const count = async (url: string, table: string) =>
      Number(
        (await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`, [], new URL(url).pathname.slice(1)))
          .rows[0]?.n,
      );
    for (const table of ['customers', 'orders'])
      expect([table, await count(restored, table)]).toEqual([table, await count(source, table)]);
    expect(await count(restored, 'customers')).toBe(3000);
  });

  test('plain format: verified by decrypting its closing line', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-enc-'));
    const run = await backup({ path: folder, format: 'plain', 'encrypt-to': recipient, 'verify-identity': identity });
    expect(errors(run)).toBe('');
    expect(run.outputs.path).toMatch(/\.sql\.age$/);
    expect(run.log).toMatch(/Verified: \d+ entries/);
  });

  test('without verify-identity: checks the age header only, and says so', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-enc-'));
    const run = await backup({ path: folder, 'encrypt-to': recipient });
    expect(errors(run)).toBe('');
    expect(run.exitCode).toBe(0);
    expect(warnings(run)).toContain('Checked only the age header of the encrypted backup');
    expect(run.summary).toContain('age header only (1 recipient(s)); not decrypted: no verify-identity');
  });

  test('bad settings fail before anything is dumped, naming the input', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-enc-'));
    const other = await generateIdentity();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'encrypt-to': 'age1notakey' }, /Input "encrypt-to" is invalid: "age1notakey" is not an age recipient/],
      [{ 'encrypt-to': 'ssh-ed25519 AAAAC3Nza' }, /Input "encrypt-to" is invalid: .* is an SSH key/],
      [
        { 'encrypt-to': recipient, 'verify-identity': 'hunter2' },
        /Input "verify-identity" is invalid: not an age identity/,
      ],
      [{ 'encrypt-to': recipient, 'verify-identity': other }, /"verify-identity" does not match any recipient/],
      [{ 'verify-identity': identity }, /"verify-identity" is set but "encrypt-to" is empty/],
      [{ 'encrypt-to': recipient, format: 'directory' }, /cannot be used with format: directory/],
      [
        { 'encrypt-to': recipient, 'restore-check-url': source.replace(/\/[^/]+$/, '/scratch') },
        /needs "verify-identity"/,
      ],
    ];
    for (const [inputs, message] of cases) {
      const run = await backup({ path: folder, ...inputs });
      expect([run.exitCode, errors(run)]).toEqual([1, expect.stringMatching(message)]);
      expect(run.log).not.toContain('runs PostgreSQL'); // never connected
    }
    expect(readdirSync(folder)).toEqual([]);
    const leaked = await backup({ path: folder, 'encrypt-to': recipient, 'verify-identity': 'hunter2-secret' });
    expect(leaked.log.replace('::add-mask::hunter2-secret', '')).not.toContain('hunter2-secret');
  });
});

describe('backup-db in a public repository', () => {
  const closedPort = 'postgres://app:pw@127.0.0.1:9/app'; // nothing listens: proves no connection is tried

  test('an unencrypted artifact upload is refused before dumping, naming encrypt-to and allow-unencrypted', async () => {
    for (const repository of [{ private: false, visibility: 'public' }, { private: false }]) {
      const folder = mkdtempSync(path.join(tmpdir(), 'dk-pub-'));
      const run = await backup(
        { path: folder, upload: 'artifact', 'database-url': closedPort },
        { GITHUB_EVENT_PATH: eventFile(repository) },
      );
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toMatch(
        /Refusing to upload an unencrypted database dump as an artifact of a PUBLIC repository/,
      );
      expect(errors(run)).toMatch(/"encrypt-to"/);
      expect(errors(run)).toMatch(/allow-unencrypted: true/);
      expect(readdirSync(folder)).toEqual([]);
    }
  });

  test('encrypted, upload: none, allow-unencrypted, or a private repository: it proceeds', async () => {
    const publicRepo = eventFile({ private: false, visibility: 'public' });
    const privateRepo = eventFile({ private: true, visibility: 'private' });
    const runs = await Promise.all([
      backup({ upload: 'artifact', 'encrypt-to': recipient }, { GITHUB_EVENT_PATH: publicRepo }),
      backup({ upload: 'none' }, { GITHUB_EVENT_PATH: publicRepo }),
      backup({ upload: 'artifact', 'allow-unencrypted': 'true' }, { GITHUB_EVENT_PATH: publicRepo }),
      backup({ upload: 'artifact' }, { GITHUB_EVENT_PATH: privateRepo }),
    ]);
    for (const run of runs) expect([run.exitCode, errors(run)]).toEqual([0, '']);
  });
});
