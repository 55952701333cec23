/**
 * The migration tools deploy-kit runs for projects that have their own: each tool's
 * standard deploy command, and `tool: auto`, which picks one from the project's files.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';

export const TOOLS = ['auto', 'sql', 'alembic', 'django', 'prisma', 'knex', 'supabase', 'command'] as const;
export type Tool = (typeof TOOLS)[number];
export type ConcreteTool = Exclude<Tool, 'auto'>;

export interface Detection {
  tool: ConcreteTool;
  /** What was found, for the log: "found alembic.ini". */
  reason: string;
  /** Other tools whose files were also there. */
  alsoFound: string[];
}

const knexfile = (dir: string) =>
  ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs'].find((f) => existsSync(path.join(dir, f)));

/** In order of precedence: a project's own tool before plain SQL files. */
const SIGNS: Array<{ tool: ConcreteTool; find: (dir: string, sqlDirectory: string) => string | undefined }> = [
  { tool: 'alembic', find: (dir) => (existsSync(path.join(dir, 'alembic.ini')) ? 'alembic.ini' : undefined) },
  { tool: 'django', find: (dir) => (existsSync(path.join(dir, 'manage.py')) ? 'manage.py' : undefined) },
  {
    tool: 'prisma',
    find: (dir) => (existsSync(path.join(dir, 'prisma/schema.prisma')) ? 'prisma/schema.prisma' : undefined),
  },
  { tool: 'knex', find: (dir) => knexfile(dir) },
  {
    tool: 'supabase',
    find: (dir) => (existsSync(path.join(dir, 'supabase/config.toml')) ? 'supabase/config.toml' : undefined),
  },
  {
    tool: 'sql',
    find: (dir, sqlDirectory) => {
      const full = path.resolve(dir, sqlDirectory);
      if (!existsSync(full)) return undefined;
      const count = readdirSync(full).filter((f) => f.endsWith('.sql')).length;
      return count ? `${count} *.sql file(s) in ${sqlDirectory}/` : undefined;
    },
  },
];

export function detectTool(workingDirectory: string, sqlDirectory: string): Detection {
  const found = SIGNS.map((sign) => ({ tool: sign.tool, what: sign.find(workingDirectory, sqlDirectory) })).filter(
    (f): f is { tool: ConcreteTool; what: string } => f.what !== undefined,
  );
  const first = found[0];
  if (!first)
    throw new ConfigurationError(
      `Input "tool" is auto, and no migration tool was recognised in ${workingDirectory}: looked for alembic.ini, ` +
        `manage.py, prisma/schema.prisma, knexfile.*, supabase/config.toml and ${sqlDirectory}/*.sql. ` +
        'Set "tool" (and "working-directory" or "directory") to say what to run.',
    );
  return {
    tool: first.tool,
    reason: `found ${first.what}`,
    alsoFound: found.slice(1).map((f) => `${f.tool} (${f.what})`),
  };
}

export interface ToolCommand {
  command: string;
  args: string[];
  /** How to get the tool when it is missing. */
  install: string;
}

/** The standard deploy command of each tool (DATABASE_URL is set in its environment). */
export function toolCommand(tool: Exclude<ConcreteTool, 'sql' | 'command'>, urlWithoutPassword: string): ToolCommand {
  switch (tool) {
    case 'alembic':
      return { command: 'alembic', args: ['upgrade', 'head'], install: 'pip install alembic (with your project)' };
    case 'django':
      return {
        command: 'python',
        args: ['manage.py', 'migrate', '--noinput'],
        install: 'actions/setup-python and pip install -r requirements.txt',
      };
    case 'prisma':
      // --no-install: run the project's pinned prisma, never fetch another at deploy time.
      return {
        command: 'npx',
        args: ['--no-install', 'prisma', 'migrate', 'deploy'],
        install: 'npm ci (with prisma in devDependencies)',
      };
    case 'knex':
      return {
        command: 'npx',
        args: ['--no-install', 'knex', 'migrate:latest'],
        install: 'npm ci (with knex in dependencies)',
      };
    case 'supabase':
      // The CLI does not read DATABASE_URL; --db-url targets that database instead of a
      // linked project. It gets the URL without its password (argv is visible to other
      // processes) and PGPASSWORD from the environment, which its driver (pgx) reads.
      return {
        command: 'supabase',
        // --yes: a CI step has no one to answer its confirmation prompt (a global flag, per the CLI reference).
        args: ['db', 'push', '--db-url', urlWithoutPassword, '--yes'],
        install: 'supabase/setup-cli',
      };
  }
}
