import { z } from 'zod';
import { defineAction } from '../../lib/action-spec.js';
import { bool, duration, integer, lines, oneOf, optional, text } from '../../lib/schemas.js';
import { databaseUrl } from '../../db/connection.js';

const PLACEHOLDERS = ['database', 'timestamp', 'server-major'];

/** A file name template: no folders, known {placeholders} only. */
const nameTemplate = (): z.ZodType<string, string> =>
  z.string().superRefine((raw, ctx) => {
    if (/[/\\]/.test(raw)) ctx.addIssue({ code: 'custom', message: 'a name, not a path: it must not contain / or \\' });
    for (const [, placeholder] of raw.matchAll(/\{([^}]*)\}/g))
      if (!PLACEHOLDERS.includes(placeholder as string))
        ctx.addIssue({
          code: 'custom',
          message: `{${placeholder}} is not a placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
        });
  });

export const spec = defineAction({
  name: 'backup-db',
  title: 'deploy-kit backup-db',
  description:
    "Back up a PostgreSQL database before a deploy: pg_dump of the server's own major version, streamed to a file with its sha256, verified with pg_restore, optionally restored into a scratch database to compare row counts, and uploaded as a workflow artifact.",
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
        'age recipients (public keys, one per line) to encrypt the dump to before it touches disk. Not available in this version yet: setting it fails the step rather than writing an unencrypted dump.',
      example: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      parse: lines(),
    },
    'allow-unencrypted': {
      description: 'Allow uploading an unencrypted dump as an artifact of a public repository.',
      default: 'false',
      parse: bool(),
    },
    upload: {
      description:
        '`artifact`: upload the backup as a workflow artifact (in GitHub Actions; elsewhere it stays on disk). `none`: keep the file and say where.',
      default: 'artifact',
      parse: oneOf(['artifact', 'none'] as const),
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
  },
});
