/** `deploy-kit restore`: checks what it was given, restores, prints what is now in the database. */
import { readFileSync } from 'node:fs';
import { KitError } from '../lib/errors.js';
import { Fail } from '../lib/schemas.js';
import { parseDatabaseUrl, scrub } from '../db/connection.js';
import { formatBytes } from '../db/backup.js';
import { restoreBackup } from '../db/restore.js';
import { credentialSource, endpointProblem, missingCredentials, parseS3Uri, regionFrom } from '../db/s3.js';
import { formatDuration } from '../lib/duration.js';
import type { RestoreCommand } from './restore-args.js';
import { UsageError } from './args.js';
import { renderTable } from './terminal.js';

const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;

/** The identities in an age identity file (comments and blank lines skipped), like `age -d -i`. */
export function readIdentityFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --identity ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const identities: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    // Reported by line number only: the file holds a private key.
    if (!IDENTITY.test(line))
      throw new UsageError(
        `--identity ${file} line ${i + 1} is not an age identity; expected the AGE-SECRET-KEY-1… line age-keygen writes`,
      );
    identities.push(line);
  }
  if (!identities.length) throw new UsageError(`--identity ${file} holds no AGE-SECRET-KEY-1… line`);
  return identities;
}

export async function runRestore(
  command: RestoreCommand,
  options: { env?: NodeJS.ProcessEnv; out?: (line: string) => void } = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((line: string) => console.log(line));
  const raw = env[command.databaseEnv];
  if (!raw)
    throw new UsageError(
      `${command.databaseEnv} is not set: export the URL of the database to restore INTO, e.g. read -rs ${command.databaseEnv} && export ${command.databaseEnv}`,
    );
  const db = parseDatabaseUrl(raw.trim());
  if (db instanceof Fail) throw new UsageError(`${command.databaseEnv} is not a database URL: ${db.message}`);
  const identities = command.identity ? readIdentityFile(command.identity) : undefined;

  let s3: { region: string; endpoint?: string } | undefined;
  if (command.from.startsWith('s3://')) {
    if (!parseS3Uri(command.from))
      throw new UsageError(
        `--from "${command.from}" is not an S3 object; expected s3://bucket/path/to/backup.dump.age`,
      );
    if (command.s3Endpoint && endpointProblem(command.s3Endpoint))
      throw new UsageError(`--s3-endpoint "${command.s3Endpoint}" is ${endpointProblem(command.s3Endpoint)}`);
    const region = regionFrom(command.s3Region, env);
    if (!region)
      throw new UsageError('--s3-region is needed (or AWS_REGION): e.g. --s3-region eu-west-1, or auto for R2');
    if (region === 'auto' && !command.s3Endpoint)
      throw new UsageError(
        '--s3-region auto is Cloudflare R2: give --s3-endpoint https://<account-id>.r2.cloudflarestorage.com',
      );
    if (!credentialSource(env))
      throw new UsageError(
        `no S3 credentials in the environment (${missingCredentials(env)}): export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set AWS_PROFILE`,
      );
    s3 = { region, endpoint: command.s3Endpoint };
  } else if (command.s3Endpoint || command.s3Region) {
    throw new UsageError('--s3-endpoint and --s3-region are for --from s3://…; this backup is a local file');
  }

  try {
    const report = await restoreBackup({
      from: command.from,
      identities,
      identitySource: command.identity,
      db,
      clean: command.clean,
      s3,
      timeoutMs: command.timeoutMs,
      log: out,
    });
    const rows = [...report.tables.values()].reduce((a, b) => a + b, 0);
    out('');
    out(
      `Restored ${command.from} into ${db.label} (PostgreSQL ${report.serverVersion}): ${report.tables.size} table(s), ${rows} row(s), ${formatBytes(report.bytesRead)} read${report.encrypted ? ' and decrypted' : ''} in ${formatDuration(report.durationMs)}.`,
    );
    out('');
    out(renderTable([['table', 'rows'], ...[...report.tables].map(([table, n]) => [table, String(n)])]));
    return 0;
  } catch (error) {
    if (!(error instanceof KitError)) throw error;
    console.error(`deploy-kit restore: ${scrub(error.message, db)}`);
    return 1;
  }
}
