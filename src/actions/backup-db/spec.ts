import { defineAction } from '../../lib/action-spec.js';
import { Fail, type Parser, bool, duration, integer, lines, oneOf, optional, parser, text } from '../../lib/schemas.js';
import { databaseUrl } from '../../db/connection.js';
import { endpointProblem } from '../../db/s3.js';

/** An age identity; the value is never echoed (it is a private key). */
const identity = (): Parser<string | undefined> =>
  parser((raw) => {
    if (raw !== '' && !/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(raw.trim()))
      return new Fail('not an age identity; expected the AGE-SECRET-KEY-1… line age-keygen writes');
    return raw.trim() === '' ? undefined : raw.trim();
  });

const PLACEHOLDERS = ['database', 'timestamp', 'server-major'];

/** A file name template: no folders, known {placeholders} only. */
const nameTemplate = (): Parser<string> =>
  parser((raw) => {
    const problems: string[] = [];
    if (/[/\\]/.test(raw)) problems.push('a name, not a path: it must not contain / or \\');
    // `.` and `..` would write beside or above `path`, not in it.
    if (raw.trim() === '.' || raw.trim() === '..')
      problems.push(`"${raw.trim()}" is not a file name: it names a folder`);
    // What the artifact service refuses (@actions/artifact path-and-artifact-name-validation.js:10-20),
    // refused before the dump instead of after it.
    const bad = [...new Set(raw.match(/[":<>|*?\r\n]/g) ?? [])];
    if (bad.length)
      problems.push(
        `must not contain ${bad.map((c) => JSON.stringify(c)).join(', ')} (workflow artifact names cannot)`,
      );
    for (const [, placeholder] of raw.matchAll(/\{([^}]*)\}/g))
      if (!PLACEHOLDERS.includes(placeholder as string))
        problems.push(`{${placeholder}} is not a placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    const [first, ...more] = problems;
    return first === undefined ? raw : new Fail(first, ...more);
  });

export const spec = defineAction({
  name: 'backup-db',
  title: 'deploy-kit backup-db',
  description:
    "Back up a PostgreSQL database before a deploy: pg_dump of the server's own major version, streamed to a file with its sha256, verified with pg_restore, optionally restored into a scratch database to compare row counts, optionally encrypted with age as it streams, and uploaded as a workflow artifact or to an S3-compatible bucket.",
  branding: { icon: 'archive', color: 'blue' },
  inputs: {
    'database-url': {
      description: 'PostgreSQL URL of the database to back up (`postgres://user:password@host:5432/db`). Masked.',
      required: true,
      secret: true,
      example: '${{ secrets.DATABASE_URL }}',
      parse: databaseUrl(),
    },
    format: {
      description:
        "pg_dump's format: `custom` (compressed, for pg_restore), `plain` (SQL text, for psql) or `directory` (a folder, one file per table).",
      default: 'custom',
      parse: oneOf(['custom', 'plain', 'directory'] as const),
    },
    path: {
      description: 'Folder the backup is written to. Empty: `$RUNNER_TEMP/db-backups`.',
      example: 'backups',
      parse: text(),
    },
    name: {
      description:
        'File name template: `{database}`, `{timestamp}` (UTC, `20260131T235959Z`) and `{server-major}` are replaced. Empty: `{database}-{timestamp}` with `.dump` (custom), `.sql` (plain) or nothing (directory).',
      example: 'app-pg{server-major}-{timestamp}.dump',
      parse: nameTemplate(),
    },
    compress: {
      description: "Compression level 0-9 for custom and directory dumps. Empty: pg_dump's default.",
      parse: optional(integer(0, 9)),
    },
    verify: {
      description:
        'Read the finished backup back (`pg_restore --list`; for plain dumps, its closing line) before calling it good.',
      default: 'true',
      parse: bool(),
    },
    'restore-check-url': {
      description:
        "A scratch database (never the source) to restore the backup into; every table's row count is then compared with the source's, counted in the same snapshot pg_dump dumped. Its objects are replaced. Masked.",
      secret: true,
      example: '${{ secrets.SCRATCH_DATABASE_URL }}',
      parse: optional(databaseUrl()),
    },
    'encrypt-to': {
      description:
        'age recipients (public keys, `age1…`), one per line: the dump is encrypted as it streams, so the plaintext never touches disk; any one of the matching identities decrypts it (`age -d -i key.txt`). Not for `directory`.',
      example: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      // Each must be a key age can encrypt to: main.ts checks that (recipientProblems), loading age only then.
      parse: lines(),
    },
    'verify-identity': {
      description:
        'An age identity (`AGE-SECRET-KEY-1…`, a secret) matching one of `encrypt-to`: `verify` then decrypts the backup to read it back. Without it, an encrypted backup is checked by its age header only, and the log says so. Masked.',
      secret: true,
      example: '${{ secrets.BACKUP_AGE_IDENTITY }}',
      parse: identity(),
    },
    'allow-unencrypted': {
      description:
        'In a public repository, allow uploading an UNENCRYPTED dump as an artifact, which anyone who can read the repository can download. Leave false and use `encrypt-to`.',
      default: 'false',
      parse: bool(),
    },
    upload: {
      description:
        '`artifact`: upload the backup as a workflow artifact (in GitHub Actions; elsewhere it stays on disk). `s3`: upload it to an S3-compatible bucket (`s3-*` inputs). `none`: keep the file and say where.',
      default: 'artifact',
      parse: oneOf(['artifact', 's3', 'none'] as const),
    },
    's3-bucket': {
      description:
        '`upload: s3`: the bucket. Credentials come from the environment only: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), as aws-actions/configure-aws-credentials leaves them after assuming a role with OIDC, or as keys from secrets.',
      example: 'acme-db-backups',
      parse: text(),
    },
    's3-prefix': {
      description:
        '`upload: s3`: key prefix (folder) for the backup, e.g. `production/`; the key is the prefix and the file name.',
      example: 'production/',
      parse: parser((raw) => raw.trim().replace(/^\/+|\/+$/g, '')),
    },
    's3-endpoint': {
      description:
        '`upload: s3`: endpoint of an S3-compatible store (Cloudflare R2: `https://<account-id>.r2.cloudflarestorage.com`), addressed path-style; empty: AWS S3.',
      example: 'https://0123456789abcdef.r2.cloudflarestorage.com',
      parse: optional(
        parser((raw) => {
          const problem = endpointProblem(raw);
          return problem ? new Fail(problem) : raw;
        }),
      ),
    },
    's3-region': {
      description: '`upload: s3`: the region (`auto` for Cloudflare R2). Empty: AWS_REGION from the environment.',
      example: 'eu-west-1',
      parse: text(),
    },
    'retention-days': {
      description: "Days the artifact is kept (1-90). Empty: the repository's setting.",
      parse: optional(integer(1, 90)),
    },
    timeout: {
      description: 'Deadline for the dump (and for each of verify and restore-check).',
      default: '1h',
      parse: duration(),
    },
  },
  outputs: {
    path: 'Path of the backup file (or folder, for `directory`).',
    'size-bytes': 'Size of the backup in bytes.',
    sha256: "SHA-256 of the backup file (for `directory`: of its files' `sha256sum` manifest).",
    'server-version': 'PostgreSQL version of the server, e.g. `15.20`.',
    'duration-ms': 'Milliseconds the dump took.',
    'artifact-id': 'Id of the uploaded workflow artifact (when uploaded).',
    's3-uri': '`s3://bucket/key` of the uploaded copy (`upload: s3`).',
  },
});
