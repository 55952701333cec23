/**
 * What alembic's and Django's output says about a failed run: which migration failed and
 * which ones ran before it. A traceback's last lines alone cut off the migration's name.
 *
 * alembic logs `INFO  [alembic.runtime.migration] Running upgrade 1a2b -> 3c4d, add posts`
 * before each migration (alembic/runtime/migration.py, with the logging section of the
 * alembic.ini its `init` writes); Django prints `  Applying shop.0002_x...` and then ` OK`
 * (django/core/management/commands/migrate.py, migration_progress_callback).
 */
export interface ToolProgress {
  /** The migration that was running when the tool failed. */
  failing?: string;
  /** Migrations the tool finished before it (committed or not: see `committed`). */
  before: string[];
  /** A file and line from the traceback inside the project's migrations. */
  location?: { file: string; line: number };
}

export function alembicProgress(output: string): ToolProgress {
  const steps = [...output.matchAll(/Running upgrade (\S*)\s*-> (\S+?), ?(.*)$/gm)].map(
    (m) => `${m[2]}${m[3] ? ` (${m[3].trim()})` : ''}`,
  );
  return {
    failing: steps.at(-1),
    before: steps.slice(0, -1),
    location: tracebackLocation(output, /[/\\]versions[/\\]/),
  };
}

export function djangoProgress(output: string): ToolProgress {
  const steps = [...output.matchAll(/^\s*Applying (\S+?)\.\.\.( OK)?/gm)];
  const done = steps.filter((m) => m[2]).map((m) => m[1] as string);
  const last = steps.at(-1);
  return {
    failing: last && !last[2] ? (last[1] as string) : undefined,
    before: done,
    location: tracebackLocation(output, /[/\\]migrations[/\\]\d/),
  };
}

/** The innermost traceback frame in a file whose path matches `where`. */
function tracebackLocation(output: string, where: RegExp): ToolProgress['location'] {
  const frames = [...output.matchAll(/^\s*File "([^"]+)", line (\d+)/gm)].filter((m) => where.test(m[1] as string));
  const frame = frames.at(-1);
  return frame ? { file: frame[1] as string, line: Number(frame[2]) } : undefined;
}

/**
 * DATABASE_URL as the tools want it: SQLAlchemy (alembic) rejects `postgres://` since 1.4
 * ("Can't load plugin: sqlalchemy.dialects:postgres"); `postgresql://` is what every other
 * tool (Django, prisma, knex/pg, supabase) accepts too. The password stays percent-encoded.
 */
export function toolDatabaseUrl(url: string): string {
  return url.replace(/^postgres:\/\//, 'postgresql://');
}
