import { defineAction } from '../../lib/action-spec.js';
import { splitArgv } from '../../lib/argv.js';
import { Fail, bool, duration, oneOf, optional, text, via } from '../../lib/schemas.js';
import { databaseUrl } from '../../db/connection.js';
import { TOOLS, type ConcreteTool } from '../../migrate/tools.js';
import { parseTableName, type TableName } from '../../migrate/sql-engine.js';

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
        '`auto` picks one from the files in `working-directory` (alembic.ini, manage.py, prisma/schema.prisma, knexfile.*, supabase/config.toml, then `directory`/*.sql) and says which; or `sql` (built-in), `alembic`, `django`, `prisma`, `knex`, `supabase`, `command`.',
      default: 'auto',
      parse: oneOf<ConcreteTool | 'auto'>(TOOLS),
    },
    'database-url': {
      description:
        'PostgreSQL URL (`postgres://user:password@host:5432/db`). Masked; exported to the tool as DATABASE_URL.',
      required: true,
      secret: true,
      example: '${{ secrets.DATABASE_URL }}',
      parse: databaseUrl(),
    },
    directory: {
      description:
        'For `tool: sql`: the folder of `*.sql` files, applied in name order. Relative to `working-directory`.',
      default: 'migrations',
      parse: text(),
    },
    command: {
      description:
        'For `tool: command`: the command to run, split into words like a shell would (quotes work; pipes, `$VAR` and `;` do not — put shell logic in a script).',
      example: 'npm run db:migrate',
      parse: optional(argv()),
    },
    'dry-run': {
      description:
        'Plan only: list the pending migrations (with `tool: sql`: files in order with sizes) and change nothing. Other tools run their own plan/status command.',
      default: 'false',
      parse: bool(),
    },
    table: {
      description:
        'For `tool: sql`: the table that records applied migrations. An existing `schema_migrations(version, applied_at)` from another runner is reused: its rows stay, the missing columns are added.',
      default: 'schema_migrations',
      example: 'app.schema_migrations',
      parse: tableName(),
    },
    'lock-timeout': {
      description:
        'For `tool: sql`: how long to wait for another migration run holding the lock (`90s`, `5m`), then fail without applying anything.',
      default: '5m',
      parse: duration(),
    },
    timeout: {
      description: "Deadline for the whole migration (the tool's process is stopped after it).",
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
    applied: 'Number of migrations applied by this run (`tool: sql`).',
    pending: 'Number of migrations still pending after this run (on a dry run: the ones that would be applied).',
    'applied-versions': 'JSON array of the versions (file names without `.sql`) applied by this run.',
    plan: "Markdown table of the pending migrations, in order (`tool: sql`), or the tool's plan output on a dry run.",
  },
});
