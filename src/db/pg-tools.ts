/**
 * Finds PostgreSQL client programs (pg_dump, pg_restore, psql) of a given major version.
 * pg_dump refuses to dump a server newer than itself, and Debian/Ubuntu's /usr/bin/pg_dump
 * is a wrapper that runs the highest installed version, not the server's: so the
 * versioned directory is tried first, then every copy on PATH, each asked its version.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';

export interface PgTool {
  path: string;
  /** e.g. "15.20" */
  version: string;
  major: number;
}

export interface FindOptions {
  /** Directories searched before PATH, `{major}` replaced; default the Debian/Ubuntu layout. */
  versionedDirs?: string[];
  pathVariable?: string;
}

export const DEBIAN_DIR = '/usr/lib/postgresql/{major}/bin';

export async function toolVersion(file: string): Promise<{ version: string; major: number } | undefined> {
  try {
    const result = await runCommand(file, ['--version'], { timeoutMs: 10_000 });
    const match = /\)\s+(\d+)(?:\.(\d+))?/.exec(result.stdout);
    if (result.exitCode !== 0 || !match) return undefined;
    return { version: match[2] ? `${match[1]}.${match[2]}` : (match[1] as string), major: Number(match[1]) };
  } catch {
    return undefined;
  }
}

/** Every candidate, in the order tried, with its version (for the "not found" message). */
export async function findPgTool(
  tool: string,
  major: number,
  options: FindOptions = {},
): Promise<{ found?: PgTool; seen: PgTool[] }> {
  const dirs = (options.versionedDirs ?? [DEBIAN_DIR]).map((d) => d.replace('{major}', String(major)));
  const pathDirs = (options.pathVariable ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const seen: PgTool[] = [];
  const tried = new Set<string>();
  for (const dir of [...dirs, ...pathDirs]) {
    const file = path.join(dir, tool);
    if (tried.has(file) || !existsSync(file)) continue;
    tried.add(file);
    const version = await toolVersion(file);
    if (!version) continue;
    const candidate = { path: file, ...version };
    if (version.major === major) return { found: candidate, seen };
    seen.push(candidate);
  }
  return { seen };
}

const WHY_SAME_MAJOR: Record<string, string> = {
  pg_dump:
    'an older pg_dump refuses to dump a newer server, and a newer one writes archives an older pg_restore cannot read',
  pg_restore:
    "an older pg_restore cannot read a newer pg_dump's archives, and the server's own major restores exactly what it dumped",
};

/** Finds the tool of that major or fails with what was found and how to get the right one. */
export async function requirePgTool(tool: string, major: number, options: FindOptions = {}): Promise<PgTool> {
  const { found, seen } = await findPgTool(tool, major, options);
  if (found) return found;
  const others = seen.length
    ? ` Found only: ${seen.map((s) => `${s.path} (${s.version})`).join(', ')}.`
    : ` No ${tool} was found in /usr/lib/postgresql/${major}/bin or on PATH.`;
  throw new KitError(
    `The database server runs PostgreSQL ${major}, so ${tool} ${major} is needed (${WHY_SAME_MAJOR[tool] ?? "the tools of the server's own major are the ones known to work with it"}).${others}\n` +
      `To install it on Ubuntu or Debian (on a runner: a step before this one):\n` +
      `  sudo apt-get install -y postgresql-common\n` +
      `  sudo /usr/share/postgresql-common/pgdg/*.sh -y   # adds the PostgreSQL project's apt repository (PGDG)\n` +
      `  sudo apt-get install -y postgresql-client-${major}\n` +
      `It installs to /usr/lib/postgresql/${major}/bin, where deploy-kit looks first. Or put a ${tool} ${major} on PATH.`,
  );
}
