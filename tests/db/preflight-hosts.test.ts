/**
 * The database preflight's logic: which hosts a GitHub-hosted runner cannot reach or use
 * (docs/platforms.md §8), the fix each failure names, and that a password never reaches a
 * message. The real connects are in preflight.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { type DatabaseUrl, connectionProblem, parseDatabaseUrl } from '../../src/db/connection.js';
import { classifyDatabaseHost } from '../../src/db/host-advice.js';
import { preflightDatabase } from '../../src/db/preflight.js';
import { KitError } from '../../src/lib/errors.js';

const url = (raw: string) => parseDatabaseUrl(raw) as DatabaseUrl;
const PASSWORD = 'pw-Secret-42';

describe('classifyDatabaseHost', () => {
  it.each([
    ['db.abcdefghijklmnop.supabase.co', 5432, 'supabase-direct'],
    ['DB.abcdefghijklmnop.supabase.co.', 5432, 'supabase-direct'],
    ['aws-0-eu-central-1.pooler.supabase.com', 6543, 'supabase-transaction-pooler'],
    ['aws-1-us-east-1.pooler.supabase.com', 6543, 'supabase-transaction-pooler'],
    ['postgres.railway.internal', 5432, 'railway-internal'],
    ['my-db.railway.internal', 5433, 'railway-internal'],
    ['dpg-cqnuav08fa8c73aul7r0-a', 5432, 'render-internal'],
  ])('%s:%d is %s', (host, port, kind) => {
    expect(classifyDatabaseHost(host, port)?.kind).toBe(kind);
  });

  it.each([
    ['aws-0-eu-central-1.pooler.supabase.com', 5432], // the session pooler: the fix itself
    ['yamabiko.proxy.rlwy.net', 38244], // Railway's TCP proxy
    ['dpg-cqnuav08fa8c73aul7r0-a.oregon-postgres.render.com', 5432], // Render's external host
    ['db.example.com', 5432],
    ['127.0.0.1', 6543], // 6543 elsewhere is just a port
    ['localhost', 5432],
    ['notrailway.internal', 5432],
  ])('%s:%d is none of them', (host, port) => {
    expect(classifyDatabaseHost(host, port)).toBeUndefined();
  });

  it('names the fix for each: session pooler (with the project ref), TCP proxy, external hostname', () => {
    expect(classifyDatabaseHost('db.abcdefghijklmnop.supabase.co', 5432)?.fix).toBe(
      'Use the session pooler URL instead (Supabase dashboard → Connect → Session pooler): postgres://postgres.abcdefghijklmnop:<password>@aws-<n>-<region>.pooler.supabase.com:5432/postgres — port 5432, user postgres.abcdefghijklmnop.',
    );
    expect(classifyDatabaseHost('aws-0-x.pooler.supabase.com', 6543)?.fix).toContain(
      'Use the session pooler instead: the same URL with port 5432',
    );
    expect(classifyDatabaseHost('postgres.railway.internal', 5432)?.fix).toContain(
      "Use the public TCP proxy URL instead: the database service's DATABASE_PUBLIC_URL variable",
    );
    expect(classifyDatabaseHost('dpg-abc123-a', 5432)?.fix).toContain('host dpg-abc123-a.<region>-postgres.render.com');
  });
});

describe('connection errors name the fix (backup-db and migrate too)', () => {
  it('an IPv6-only Supabase host with no route', () => {
    const db = url(`postgres://postgres:${PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres`);
    const message = connectionProblem(
      db,
      Object.assign(new Error(`connect ENETUNREACH 2600:1f18::1:5432`), { code: 'ENETUNREACH' }),
    );
    expect(message).toBe(
      "Could not connect to db.abcdefghijklmnop.supabase.co:5432/postgres: the runner has no route to that address. The host db.abcdefghijklmnop.supabase.co is Supabase's direct host, which has an IPv6 address only (unless the project bought the IPv4 add-on), and GitHub's hosted runners have no IPv6 route. Use the session pooler URL instead (Supabase dashboard → Connect → Session pooler): postgres://postgres.abcdefghijklmnop:<password>@aws-<n>-<region>.pooler.supabase.com:5432/postgres — port 5432, user postgres.abcdefghijklmnop.",
    );
  });

  it('a wrong password gets no host advice: the server answered', () => {
    const db = url(`postgres://postgres:${PASSWORD}@postgres.railway.internal:5432/railway`);
    const message = connectionProblem(
      db,
      Object.assign(new Error('password authentication failed'), { code: '28P01' }),
    );
    expect(message).not.toContain('DATABASE_PUBLIC_URL');
  });

  it('a message that carries the URL or the password is scrubbed, and ends in a full stop', () => {
    const db = url(`postgres://postgres:${PASSWORD}@db.example.com:5432/app`);
    const message = connectionProblem(db, new Error(`timeout connecting to ${db.url}...`));
    expect(message).not.toContain(PASSWORD);
    expect(message).toBe(
      'Could not connect to db.example.com:5432/app: timeout connecting to postgres://postgres@db.example.com:5432/app.',
    );
  });
});

describe('preflightDatabase', () => {
  const refusing = (code: string) => async (db: DatabaseUrl) => {
    throw new KitError(connectionProblem(db, Object.assign(new Error(`getaddrinfo ${code} ${db.host}`), { code })));
  };
  const now = () => 0;

  it('refuses the transaction pooler without connecting', async () => {
    const db = url(`postgres://postgres.ref:${PASSWORD}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`);
    let connected = false;
    const connect = async () => {
      connected = true;
      throw new Error('not reached');
    };
    await expect(preflightDatabase(db, 1000, { connect, now })).rejects.toThrow(
      "The database in database-url (aws-0-eu-central-1.pooler.supabase.com:6543/postgres) cannot be used from the runner: port 6543 on aws-0-eu-central-1.pooler.supabase.com is Supabase's transaction pooler",
    );
    expect(connected).toBe(false);
  });

  it('a Railway private host that does not resolve: the TCP proxy URL', async () => {
    const db = url(`postgresql://postgres:${PASSWORD}@postgres.railway.internal:5432/railway`);
    const error = (await preflightDatabase(db, 1000, { connect: refusing('ENOTFOUND'), now }).catch((e) => e)) as Error;
    expect(error).toBeInstanceOf(KitError);
    expect(error.message).toBe(
      "The database in database-url (postgres.railway.internal:5432/railway) cannot be reached from this runner: Could not connect to postgres.railway.internal:5432/railway: the host name does not resolve. The host postgres.railway.internal is a Railway private-network name, which resolves only inside the Railway project. Use the public TCP proxy URL instead: the database service's DATABASE_PUBLIC_URL variable (Railway → the database → Variables; a host like <name>.proxy.rlwy.net with its own port).",
    );
    expect(error.message).not.toContain(PASSWORD);
  });

  it('a Render internal host: the external hostname', async () => {
    const db = url(`postgres://app:${PASSWORD}@dpg-cqnuav08fa8c73aul7r0-a/app_db`);
    await expect(preflightDatabase(db, 1000, { connect: refusing('EAI_AGAIN'), now })).rejects.toThrow(
      'Use the External Database URL instead (Render dashboard → the database → Connect → External): host dpg-cqnuav08fa8c73aul7r0-a.<region>-postgres.render.com',
    );
  });
});
