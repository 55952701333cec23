/**
 * A PostgreSQL connection URL, parsed once. The password never travels in argv (other
 * processes on the machine can read argv): child tools get a URL without it and
 * PGPASSWORD in their environment.
 */
import type { Client } from 'pg';
import { Fail, type Parser, parser } from '../lib/schemas.js';
import { KitError } from '../lib/errors.js';
import { hostHint } from './host-advice.js';
import { loadPg } from './load-pg.js';
import { inheritedEnv } from '../lib/exec.js';

export interface DatabaseUrl {
  /** The URL as given (secret). */
  url: string;
  /** host:port/database — safe to log. */
  label: string;
  database: string;
  user: string;
  host: string;
  port: number;
  /** The URL without its password, for a child's argv. */
  urlWithoutPassword: string;
  password: string;
}

export function parseDatabaseUrl(raw: string): DatabaseUrl | Fail {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return new Fail('not a valid URL; expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return new Fail(
      `the scheme ${url.protocol} is not PostgreSQL; expected postgres://user:password@host:5432/database`,
    );
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) return new Fail('the URL has no host; expected postgres://user:password@host:5432/database');
  if (!database) return new Fail('the URL names no database; expected postgres://user:password@host:5432/database');
  // libpq takes `?password=` in the query too, over the one in the authority.
  const password = url.searchParams.get('password') || decodeURIComponent(url.password);
  const bare = new URL(url.toString());
  bare.password = '';
  bare.searchParams.delete('password');
  const port = Number(url.port || 5432);
  return {
    url: raw,
    label: `${url.hostname}:${port}/${database}`,
    database,
    user: decodeURIComponent(url.username) || 'postgres',
    host: url.hostname,
    port,
    urlWithoutPassword: bare.toString(),
    password,
  };
}

/** Input parser: a postgres:// URL (never echoed: it carries the password). */
export const databaseUrl = (): Parser<DatabaseUrl> => parser(parseDatabaseUrl);

/** Environment for a child program (pg_dump, psql, a migration tool): the runner's, without the action's inputs. */
export function childEnv(db: DatabaseUrl, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inheritedEnv(), ...extra };
  if (db.password) env.PGPASSWORD = db.password;
  else delete env.PGPASSWORD;
  return env;
}

/**
 * Connects with pg, turning connection failures into messages the user can act on
 * (pg's own messages name the user and host, never the password).
 */
export async function connect(db: DatabaseUrl, options: { timeoutMs?: number; applicationName?: string } = {}) {
  const { default: pg } = await loadPg();
  const client = new pg.Client({
    connectionString: db.url,
    connectionTimeoutMillis: options.timeoutMs ?? 15_000,
    application_name: options.applicationName ?? 'deploy-kit',
  });
  // An idle client whose server goes away emits 'error'; without a listener it crashes the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new KitError(connectionProblem(db, error));
  }
  return client;
}

export function connectionProblem(db: DatabaseUrl, error: unknown): string {
  const e = error as { code?: string; message?: string };
  // Login and missing-database errors come from a server that answered: no host advice.
  if (e.code === '28P01' || e.code === '28000' || e.code === '3D000') return serverProblem(db, e);
  return `${networkProblem(db, e)}${hostHint(db.host, db.port)}`;
}

function serverProblem(db: DatabaseUrl, e: { code?: string; message?: string }): string {
  const why = scrub(e.message ?? String(e), db);
  if (e.code === '28P01' || e.code === '28000')
    return `Could not log in to ${db.label} as "${db.user}": ${why}. Check the password in the database URL secret.`;
  return `The database at ${db.label} does not exist: ${why}.`;
}

function networkProblem(db: DatabaseUrl, e: { code?: string; message?: string }): string {
  const why = scrub(e.message ?? String(e), db);
  if (e.code === 'ECONNREFUSED')
    return `Could not connect to ${db.label}: connection refused. Is the server running, and reachable from the runner?`;
  if (e.code === 'ENOTFOUND') return `Could not connect to ${db.label}: the host name does not resolve.`;
  if (e.code === 'EAI_AGAIN') return `Could not connect to ${db.label}: the host name could not be resolved.`;
  if (e.code === 'ENETUNREACH' || e.code === 'EHOSTUNREACH')
    return `Could not connect to ${db.label}: the runner has no route to that address.`;
  return `Could not connect to ${db.label}: ${why.replace(/[.\s]+$/, '')}.`;
}

/** Removes the password from a message, whatever produced it. */
export function scrub(text: string, db: DatabaseUrl): string {
  let out = text.split(db.url).join(db.urlWithoutPassword);
  if (db.password) out = out.split(db.password).join('***');
  return out;
}

/** The server's version: `server_version_num` 150020 → { major: 15, text: '15.20' }. */
export async function serverVersion(client: Client): Promise<{ major: number; text: string }> {
  const result = await client.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const row = result.rows[0] as { num: string; text: string };
  return { major: Math.floor(Number(row.num) / 10000), text: row.text.split(' ')[0] as string };
}
