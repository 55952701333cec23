import { approvedMigrationsInput } from '../../migrate/approved.js';
import { defineAction } from '../../lib/action-spec.js';
import { splitArgv } from '../../lib/argv.js';
import { Fail, bool, duration, oneOf, optional, text, via } from '../../lib/schemas.js';
import { databaseUrl } from '../../db/connection.js';
import { TOOLS, type ConcreteTool } from '../../migrate/tools.js';
import { parseTableName, type TableName } from '../../migrate/table-name.js';

/** splitArgv and parseTableName answer a problem as a string. */
const failOnString = <T>(result: T | string, prefix = '') =>
  typeof result === 'string' ? new Fail(prefix + result) : result;
const argv = () => via(text(), (raw) => failOnString(splitArgv(raw.trim()), 'the command has '));
const tableName = () => via(text(), (raw) => failOnString<TableName>(parseTableName(raw)));

export const spec = defineAction({
  name: 'migrate',
  title: 'deploy-kit migrate',
  description:
    "Apply database migrations before a deploy: plain SQL files with the built-in engine (transaction per file, advisory lock, checksums), or your project's own tool (alembic, django, prisma, knex, supabase, or any command).",
  branding: { icon: 'database', color: 'blue' },
  inputs: {
    tool: {
      description:
        "`auto` picks one from the files in `working-directory` (alembic.ini, manage.py, prisma/schema.prisma, knexfile.*, supabase/config.toml, then `directory`/*.sql) and says which; or `sql` (built-in), `alembic`, `django`, `prisma`, `knex`, `supabase`, `command`; or `platform`: the platform's own pre-deploy step migrates (Railway's and Render's pre-deploy command, Fly.io's release_command), so this step runs nothing and says so, and the deploy step follows that phase.",
      default: 'auto',
      parse: oneOf<ConcreteTool | 'auto' | 'platform'>([...TOOLS, 'platform']),
    },
    'database-url': {
      description:
        'PostgreSQL URL (`postgres://user:password@host:5432/db`). Masked; exported to the tool as DATABASE_URL. Required, except with `tool: platform` (nothing connects).',
      secret: true,
      example: '${{ secrets.DATABASE_URL }}',
      parse: optional(databaseUrl()),
    },
    'rehearse-url': {
      description:
        'A scratch database holding a fresh copy of production (backup-db restores one with `restore-check-url`): the pending migrations run there first, and when they fail there production is not touched. Masked. Empty: no rehearsal.',
      secret: true,
      parse: optional(databaseUrl()),
    },
    directory: {
      description:
        'For `tool: sql`: the folder of `*.sql` files, applied in version order (`2_…` before `10_…`). golang-migrate pairs (`1_x.up.sql` + `1_x.down.sql`) are one migration, and dbmate/node-pg-migrate down sections never run. Relative to `working-directory`.',
      default: 'migrations',
      parse: text(),
    },
    command: {
      description:
        'For `tool: command`: the command to run, split into words like a shell would (quotes work; pipes, `$VAR` and `;` do not — put shell logic in a script).',
      example: 'npm run db:migrate',
      parse: optional(argv()),
    },
    preflight: {
      description:
        "Only check that `database-url` can be reached from this runner and used (a connection and the server's version, bounded by `timeout` and at most 10s), change nothing, and stop. A known host a runner cannot use gets its fix: Supabase's direct host `db.<ref>.supabase.co` (IPv6 only) and its transaction pooler (port 6543) → the session pooler URL; `*.railway.internal` → the public TCP proxy URL (DATABASE_PUBLIC_URL); Render's internal `dpg-…` host → its external hostname. Needs no checkout; the reusable workflows run it first in the environment job.",
      default: 'false',
      parse: bool(),
    },
    'dry-run': {
      description:
        'Plan only: list the pending migrations (with `tool: sql`: files in order with sizes) and change nothing. Other tools run their own plan/status command.',
      default: 'false',
      parse: bool(),
    },
    table: {
      description:
        "For `tool: sql`: the table that records applied migrations. A hand-written runner's `schema_migrations(version, …)` (full file names, stems or leading numbers) is adopted: its rows stay, the kit's columns are added. golang-migrate's, dbmate's, node-pg-migrate's (`pgmigrations`) and Flyway's (`flyway_schema_history`) histories are continued in their own format, or refused with what to do, never changed before that decision.",
      default: 'schema_migrations',
      example: 'app.schema_migrations',
      parse: tableName(),
    },
    'lock-timeout': {
      description:
        "For `tool: sql`: PostgreSQL's `lock_timeout` for every statement: a statement that waits longer for a lock (an `ALTER TABLE` queued behind a long transaction, blocking the application's queries behind it) fails, naming the session it waited for.",
      default: '10s',
      parse: duration(),
    },
    'approved-migrations': approvedMigrationsInput,
    'out-of-order': {
      description:
        'For `tool: sql`: what to do with a pending file that sorts before an already applied one (a branch merged late): `warn` (apply it, with a warning) or `error` (refuse, change nothing).',
      default: 'warn',
      parse: oneOf(['warn', 'error'] as const),
    },
    lint: {
      description:
        "For `tool: sql`, `alembic`, `django`, `prisma` and `supabase`: check the SQL that will run (pending files' up sections; alembic's `upgrade <current>:head --sql`; Django's `sqlmigrate` of each planned migration; the pending migration files) with squawk (npm squawk-cli, pinned; installed with npm when it is not on PATH): `warn` (annotations and a table in the summary and plan), `error` (refuse to migrate on any finding, nothing changed), or `off`. `-- squawk-ignore <rule>` in a file acknowledges a finding.",
      default: 'warn',
      parse: oneOf(['off', 'warn', 'error'] as const),
    },
    timeout: {
      description:
        "Deadline for the whole migration: with `tool: sql`, waiting for another run's lock and every statement (PostgreSQL cancels the one running); other tools' processes are stopped after it.",
      default: '30m',
      parse: duration(),
    },
    'working-directory': {
      description: 'Where the project (and its migration tool configuration) is, relative to the workspace.',
      default: '.',
      parse: text(),
    },
  },
  outputs: {
    applied: 'Number of migrations applied by this run (`tool: sql`, `alembic`, `django`, `prisma`, `supabase`).',
    pending: 'Number of migrations still pending after this run (on a dry run: the ones that would be applied).',
    'applied-versions':
      "JSON array of the migrations applied by this run, named as the tool names them: file names without `.sql` (`sql`, supabase), prisma's migration folder names, alembic's revision ids, Django's `app.name`. Not set for knex and `command`.",
    'applied-verdicts':
      "JSON array, one entry per migration applied by this run (as `applied-versions`; a failed run: the ones that stayed applied): `version`, squawk's `verdict` for a rollback — `destructive` (it drops, renames or retypes a column or table, or adds NOT NULL: the release before it may fail on the new schema; `rules` names the squawk rules, `acknowledged` those a `-- squawk-ignore` covers) or `additive` — or `unknown` with `why` (lint: off). Pass it to rollback-on-failure's, deploy's or release's `migrations-applied`.",
    plan: "Markdown table of the pending migrations, in order (`tool: sql`), or the tool's plan output on a dry run; followed by lint's findings (squawk) when lint ran.",
  },
});
