/**
 * The database preflight (docs/design.md "Reusable workflows and approval"): before anything
 * is changed, can this runner reach the database, and is the URL one that pg_dump and the
 * migration tools can use? The host is classified first (./host-advice.ts, no network), so
 * a known unusable host is refused at once and an unreachable one is reported with its fix.
 */
import { KitError, errorMessage } from '../lib/errors.js';
import { type DatabaseUrl, connect, scrub, serverVersion } from './connection.js';
import { capitalize, classifyDatabaseHost } from './host-advice.js';

export interface PreflightReport {
  label: string;
  /** The server's version, e.g. 15.8. */
  server: string;
  durationMs: number;
  /** Advice for a host that answered here but may not from a hosted runner. */
  note?: string;
}

export interface PreflightDeps {
  connect: typeof connect;
  now: () => number;
}

const realDeps: PreflightDeps = { connect, now: Date.now };

/**
 * Connects (bounded by `timeoutMs`), reads the server version, disconnects. Throws a KitError
 * naming the host (never the password) and, for a known host, the fix.
 */
export async function preflightDatabase(
  db: DatabaseUrl,
  timeoutMs: number,
  deps: PreflightDeps = realDeps,
): Promise<PreflightReport> {
  const advice = classifyDatabaseHost(db.host, db.port);
  const where = `The database in database-url (${db.label})`;
  if (advice?.unusable) throw new KitError(`${where} cannot be used from the runner: ${advice.what}. ${advice.fix}`);
  const started = deps.now();
  let client: Awaited<ReturnType<typeof connect>>;
  try {
    client = await deps.connect(db, { timeoutMs, applicationName: 'deploy-kit preflight' });
  } catch (error) {
    // connect()'s message already names the fix for a known host (connectionProblem).
    throw new KitError(`${where} cannot be reached from this runner: ${scrub(errorMessage(error), db)}`);
  }
  try {
    const version = await serverVersion(client);
    return {
      label: db.label,
      server: version.text,
      durationMs: deps.now() - started,
      note:
        advice && `${capitalize(advice.what)}: it answered here, but not from GitHub's hosted runners. ${advice.fix}`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
