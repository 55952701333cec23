/**
 * The documented restore, proven end to end through the compiled artifacts: backup-db
 * (dist/) dumps a real PostgreSQL 15 database, encrypts it as it streams and uploads it to
 * an S3-compatible server (s3rver, started here on 127.0.0.1); `deploy-kit restore`
 * (dist/cli) downloads, decrypts and restores it into a fresh database, and the row counts
 * are compared. (The README's manual `age | pg_restore` commands are proven by
 * backup-encryption.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { type ActionRun, ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { type Postgres, startPostgres } from '../support/postgres.js';
import { s3Client, uploadS3 } from '../../src/db/s3.js';
import { type LocalS3, startS3rver } from '../support/s3rver.js';

// s3rver's default account. It checks the access key id of a signature v4 request, not
// the signature itself (node_modules/s3rver/lib/middleware/authentication.js:184-186):
// a wrong key id is how the tests get a real 403 from it.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';
let pg: Postgres;
let s3: LocalS3;
let endpoint: string;
let identity: string;
let recipient: string;
let source: string;
const TABLES = ['customers', 'orders', 'app.audit'];
const s3Env = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: 'us-east-1' };

// This process reads the bucket too (download, head): it gets the same keys as the action.
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const [name, value] of Object.entries(s3Env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  s3 = await startS3rver('backups');
  endpoint = s3.endpoint;
  pg = await startPostgres({ major: 15 });
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  source = await pg.createDatabase();
  await pg.query(
    `CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);
     INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 4321) g;
     CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers, total numeric);
     INSERT INTO orders (customer_id, total) SELECT 1 + g % 4321, g FROM generate_series(1, 9876) g;
     CREATE SCHEMA app;
     CREATE TABLE app.audit (at timestamptz DEFAULT now(), what text);
     INSERT INTO app.audit (what) VALUES ('a'), ('b'), ('c');`,
    [],
    dbOf(source),
  );
}, 120_000);
afterAll(async () => {
  Object.assign(process.env, savedEnv);
  for (const [name, value] of Object.entries(savedEnv)) if (value === undefined) delete process.env[name];
  await Promise.all([pg?.stop(), s3?.close()]);
});

function dbOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

async function counts(url: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`, [], dbOf(url));
    result[table] = Number(rows.rows[0]?.n);
  }
  return result;
}

const target = () => ({ bucket: 'backups', prefix: 'production', region: 'us-east-1', endpoint });

async function download(key: string, file: string): Promise<void> {
  const client = await s3Client(target());
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: 'backups', Key: key }));
    writeFileSync(file, await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } finally {
    client.destroy();
  }
}

/** `deploy-kit restore` from the compiled CLI (async: s3rver answers from this process). */
async function restoreCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/index.js'), 'restore', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

async function tableNames(url: string): Promise<string[]> {
  const rows = await pg.query<{ name: string }>(
    "SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    [],
    dbOf(url),
  );
  return rows.rows.map((r) => r.name);
}

let backup: { uri: string; path: string; keyFile: string };

describe('backup → encrypt → S3 → deploy-kit restore', () => {
  test('backup-db uploads the encrypted dump; deploy-kit restore brings back the same tables and row counts', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-rt-'));
    const run: ActionRun = await runAction('backup-db', {
      inputs: {
        'database-url': source,
        path: folder,
        'encrypt-to': recipient,
        upload: 's3',
        's3-bucket': 'backups',
        's3-prefix': '/production/',
        's3-endpoint': endpoint,
      },
      env: s3Env,
      timeoutMs: 180_000,
    });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    const uri = run.outputs['s3-uri'] as string;
    const key = path.basename(run.outputs.path as string);
    expect(uri).toBe(`s3://backups/production/${key}`);
    expect(run.log).toContain('S3 credentials: access keys.');
    expect(run.summary).toContain(`uploaded to ${uri}`);
    expectSecretKept(run, SECRET_KEY);

    // What is in the bucket is exactly what backup-db wrote (its sha256 output).
    const downloaded = path.join(mkdtempSync(path.join(tmpdir(), 'dk-dl-')), key);
    await download(`production/${key}`, downloaded);
    expect(createHash('sha256').update(readFileSync(downloaded)).digest('hex')).toBe(run.outputs.sha256);

    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'dk-key-')), 'backup-key.txt');
    writeFileSync(keyFile, `# created: 2026-01-01T00:00:00Z\n# public key: ${recipient}\n${identity}\n`, {
      mode: 0o600,
    });
    backup = { uri, path: run.outputs.path as string, keyFile };
    const restored = await pg.createDatabase();
    const result = await restoreCli(
      ['--from', uri, '--identity', keyFile, '--s3-endpoint', endpoint, '--s3-region', 'us-east-1'],
      { ...s3Env, DATABASE_URL: restored },
    );
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(await counts(restored)).toEqual(await counts(source));
    expect(await counts(restored)).toEqual({ customers: 4321, orders: 9876, 'app.audit': 3 });
    // What the person restoring reads: every table with its rows, and nothing secret.
    expect(result.stdout).toMatch(/app\.audit\s+3\n/);
    expect(result.stdout).toMatch(/public\.customers\s+4321\n/);
    expect(result.stdout).toMatch(/public\.orders\s+9876/);
    expect(result.stdout).toMatch(
      new RegExp(
        `Restored ${uri.replace(/\./g, '\\.')} into 127\\.0\\.0\\.1:\\d+/\\w+ \\(PostgreSQL 15\\.\\d+\\): 3 table\\(s\\), 14200 row\\(s\\)`,
      ),
    );
    expect(result.stdout).toContain('/usr/lib/postgresql/15/bin/pg_restore');
    for (const secret of [pg.password, SECRET_KEY, identity]) expect(result.stdout).not.toContain(secret);
  }, 240_000);

  test('a wrong identity is refused before the target changes; a non-empty target needs --clean', async () => {
    expect(backup).toBeDefined();
    const target = await pg.createDatabase();
    const wrongKey = path.join(path.dirname(backup.keyFile), 'other-key.txt');
    writeFileSync(wrongKey, `${await generateIdentity()}\n`, { mode: 0o600 });
    const wrong = await restoreCli(
      ['--from', backup.uri, '--identity', wrongKey, '--s3-endpoint', endpoint, '--s3-region', 'us-east-1'],
      { ...s3Env, DATABASE_URL: target },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`the identity in ${wrongKey} is not one of the backup's recipients`);
    expect(wrong.stderr).toContain('Nothing was changed.');
    expect(await tableNames(target)).toEqual([]);

    const noKey = await restoreCli(['--from', backup.path], { DATABASE_URL: target });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('is encrypted with age: give the identity file');

    // A database with a table of its own: refused, and the table is untouched.
    await pg.query('CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1), (2);', [], dbOf(target));
    const refused = await restoreCli(['--from', backup.path, '--identity', backup.keyFile], { DATABASE_URL: target });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /is not empty: it has 1 table\(s\) \(public\.keep_me\).*--clean.*Nothing was changed/s,
    );
    expect(await tableNames(target)).toEqual(['public.keep_me']);

    // --clean, from the local file this time: the backup's tables come back, keep_me stays.
    const cleaned = await restoreCli(['--from', backup.path, '--identity', backup.keyFile, '--clean'], {
      DATABASE_URL: target,
    });
    expect([cleaned.code, cleaned.stderr]).toEqual([0, '']);
    expect(await counts(target)).toEqual({ customers: 4321, orders: 9876, 'app.audit': 3 });
    expect(await tableNames(target)).toContain('public.keep_me');
  }, 120_000);

  test('a plain, unencrypted backup on disk is restored with psql of the same major', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-plain-rt-'));
    const run = await runAction('backup-db', {
      inputs: { 'database-url': source, path: folder, format: 'plain', upload: 'none' },
      timeoutMs: 120_000,
    });
    expect(run.exitCode).toBe(0);
    const target = await pg.createDatabase();
    const result = await restoreCli(['--from', run.outputs.path as string], { DATABASE_URL: target });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('plain format) with /usr/lib/postgresql/15/bin/psql');
    expect(await counts(target)).toEqual({ customers: 4321, orders: 9876, 'app.audit': 3 });
  }, 120_000);

  test('restore refuses secrets on the command line and explains itself', async () => {
    const onArgv = await restoreCli(['--from', 'x.dump.age', '--identity', identity], { DATABASE_URL: source });
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toContain('--identity takes a FILE holding the key, not the key itself');
    const url = await restoreCli(['--from', 'x.dump', '--database-url', source], {});
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('does not take the database URL on the command line');
    const unset = await restoreCli(['--from', 'x.dump'], {});
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('DATABASE_URL is not set');
    const help = await restoreCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Restoring production, step by step');
  });

  test('a dump larger than one part goes up in parts and comes back byte for byte', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-big-'));
    const file = path.join(dir, 'big.dump.age');
    const data = randomBytes(11 * 1024 * 1024 + 123);
    writeFileSync(file, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const uploaded = await uploadS3(file, target(), { sha256, partSize: 5 * 1024 * 1024 });
    expect(uploaded.uri).toBe('s3://backups/production/big.dump.age');
    const client = await s3Client(target());
    const head = await client.send(new HeadObjectCommand({ Bucket: 'backups', Key: 'production/big.dump.age' }));
    client.destroy();
    expect(head.ContentLength).toBe(data.length);
    expect(head.Metadata?.sha256).toBe(sha256);
    const back = path.join(dir, 'back');
    await download('production/big.dump.age', back);
    expect(createHash('sha256').update(readFileSync(back)).digest('hex')).toBe(sha256);
  });

  test('upload: s3 without a bucket, region or credentials fails before dumping, naming what is missing', async () => {
    const noKeys = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    };
    const cases: Array<[Record<string, string>, Record<string, string | undefined>, RegExp]> = [
      [{ upload: 's3' }, s3Env, /Input "s3-bucket" is required with upload: s3/],
      [
        { upload: 's3', 's3-bucket': 'b' },
        { ...s3Env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
        /Input "s3-region" is required/,
      ],
      [{ upload: 's3', 's3-bucket': 'b', 's3-region': 'auto' }, s3Env, /"s3-region" is auto.*set "s3-endpoint"/],
      [
        { upload: 's3', 's3-bucket': 'b', 's3-region': 'auto', 's3-endpoint': endpoint },
        noKeys,
        /found no credentials in the environment: none of AWS_ACCESS_KEY_ID/,
      ],
      [
        { upload: 's3', 's3-bucket': 'b' },
        { ...noKeys, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
        /AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not/,
      ],
      [{ upload: 's3', 's3-bucket': 'b', 's3-endpoint': 'ftp://x' }, s3Env, /Input "s3-endpoint" is invalid/],
      [{ upload: 'none', 's3-bucket': 'b' }, s3Env, /Input "s3-bucket" is set but "upload" is none/],
    ];
    for (const [inputs, env, message] of cases) {
      // Port 9 refuses connections: reaching the database would fail differently.
      const run = await runAction('backup-db', {
        inputs: { 'database-url': 'postgres://app:pw@127.0.0.1:9/app', ...inputs },
        env,
      });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message).join('\n')).toMatch(message);
      expect(run.log).not.toContain('connection refused');
    }
  });

  test('an unencrypted dump to S3 is uploaded with a warning; a rejected key fails the upload, the secrets never shown', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dk-plain-'));
    const inputs = {
      'database-url': source,
      path: folder,
      upload: 's3',
      's3-bucket': 'backups',
      's3-endpoint': endpoint,
      's3-region': 'auto',
    };
    const plain = await runAction('backup-db', { inputs, env: s3Env, timeoutMs: 120_000 });
    expect(plain.exitCode).toBe(0);
    expect(plain.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      expect.stringContaining('upload: s3 without encrypt-to: the dump goes to s3://backups in plaintext'),
    ]);
    expect(plain.outputs['s3-uri']).toBe(`s3://backups/${path.basename(plain.outputs.path as string)}`);
    expect(plain.summary).toContain(`uploaded to ${plain.outputs['s3-uri']} (127.0.0.1:`);

    const wrongSecret = 'wrong-secret-Zq8Y1x';
    const denied = await runAction('backup-db', {
      inputs: { ...inputs, 'encrypt-to': recipient, name: 'denied.dump' },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIANOSUCHKEY',
        AWS_SECRET_ACCESS_KEY: wrongSecret,
        AWS_SESSION_TOKEN: 'session-token-Pq7',
      },
      timeoutMs: 120_000,
    });
    expect(denied.exitCode).toBe(1);
    expect(denied.annotations.map((a) => a.message).join('\n')).toMatch(
      /uploading it to s3:\/\/backups\/denied\.dump\.age failed: InvalidAccessKeyId: .*\[HTTP 403\] \(check the credentials/,
    );
    expect(denied.summary).toContain('the upload to S3 FAILED');
    expectSecretKept(denied, wrongSecret);
    expectSecretKept(denied, 'session-token-Pq7');
  });
});
