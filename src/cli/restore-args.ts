/**
 * `deploy-kit restore` options. No secret is ever taken from the command line (other
 * users on the machine see argv in `ps`): the database URL comes from an environment
 * variable, the age identity from a file, S3 credentials from the environment.
 */
import { parseDuration } from '../lib/duration.js';
import { UsageError, splitOption } from './args.js';

export const RESTORE_HELP = `Usage: deploy-kit restore --from <backup> [--identity key.txt] [options]

Restores a backup made by backup-db into a PostgreSQL database: downloads it (from S3)
or reads it (a local file), decrypts it as it streams when it is age-encrypted (the
plaintext never touches disk), and runs the pg_restore of the target server's own major
version, in ONE transaction: if anything fails, the database is left as it was.

  --from <backup>        The backup: a local file (app-20260101T000000Z.dump.age), or
                         s3://bucket/key (backup-db's s3-uri output; list them with
                         aws s3 ls s3://bucket/prefix/ — newest last).
  --identity <file>      age identity file for an encrypted backup (.age): the file
                         age-keygen wrote, holding AGE-SECRET-KEY-1…. Never paste the key
                         itself on the command line.
  --database-env <NAME>  Environment variable holding the TARGET database URL
                         (default DATABASE_URL), e.g. postgres://user:pass@host:5432/app.
  --clean                Restore into a database that already has tables: drop and
                         recreate the backup's tables (tables not in the backup are kept).
                         Without it, a non-empty target is refused and nothing changes.
  --s3-endpoint <url>    S3-compatible store (Cloudflare R2: https://<account-id>.r2.cloudflarestorage.com).
  --s3-region <region>   Region of the bucket (R2: auto). Default: AWS_REGION.
  --timeout <duration>   Deadline for the restore (default 2h; 90m, 1h, 3600).

S3 credentials come from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
(and AWS_SESSION_TOKEN), or AWS_PROFILE.

Restoring production, step by step:
  1. Create an empty database to restore into (safer than over the broken one):
       createdb --host=db.example.com --username=app app_restored
  2. Put its URL in the environment without it landing in your shell history:
       read -rs DATABASE_URL && export DATABASE_URL      # paste, then Enter
  3. Restore, and compare the table list and row counts it prints with what you expect:
       deploy-kit restore --from s3://acme-db-backups/production/app-20260101T000000Z.dump.age \\
         --identity ~/backup-key.txt --s3-region eu-west-1
  4. Point the application at the restored database (or rename databases), then check it.

Exit status: 0 restored; 1 nothing or all-or-nothing failed (the message says which and
why); 2 wrong usage.`;

export interface RestoreCommand {
  kind: 'restore';
  from: string;
  identity?: string;
  databaseEnv: string;
  clean: boolean;
  s3Endpoint?: string;
  s3Region?: string;
  timeoutMs: number;
}

const VALUE_OPTIONS = ['--from', '--identity', '--database-env', '--s3-endpoint', '--s3-region', '--timeout'];

export function parseRestoreArgs(args: string[]): RestoreCommand | { kind: 'restore-help' } {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'restore-help' };
  const values: Record<string, string> = {};
  let clean = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = splitOption(arg);
    if (flag === '--clean') {
      clean = true;
      continue;
    }
    if (flag === '--database-url' || flag === '--url')
      throw new UsageError(
        'restore does not take the database URL on the command line (other users can read it with ps): export it as DATABASE_URL, or name the variable with --database-env',
      );
    if (!VALUE_OPTIONS.includes(flag))
      throw new UsageError(`restore does not know "${arg}"; see deploy-kit restore --help`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value; see deploy-kit restore --help`);
    values[flag] = value;
  }
  const from = values['--from'];
  if (!from) throw new UsageError('restore needs --from <backup file or s3://bucket/key>');
  const identity = values['--identity'];
  if (identity && /^AGE-SECRET-KEY-/i.test(identity.trim()))
    throw new UsageError(
      '--identity takes a FILE holding the key, not the key itself (a key on the command line is visible to other users in ps and stays in your shell history); save it to a file readable only by you',
    );
  const databaseEnv = values['--database-env'] ?? 'DATABASE_URL';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(databaseEnv))
    throw new UsageError(
      `--database-env takes the NAME of an environment variable (like DATABASE_URL), not "${databaseEnv.slice(0, 12)}…"`,
    );
  const timeoutMs = parseDuration(values['--timeout'] ?? '2h');
  if (!timeoutMs)
    throw new UsageError(`--timeout "${values['--timeout']}" is not a duration; expected e.g. 90m, 2h or 3600`);
  return {
    kind: 'restore',
    from,
    identity,
    databaseEnv,
    clean,
    s3Endpoint: values['--s3-endpoint'],
    s3Region: values['--s3-region'],
    timeoutMs,
  };
}
