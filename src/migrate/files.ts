/**
 * Reads a migrations folder the way the runner that wrote it would, so that nothing meant
 * to undo a migration ever runs as one:
 *
 * - golang-migrate and node-pg-migrate's sql loader: `000001_init.up.sql` + `000001_init.down.sql`
 *   are ONE migration (version `000001_init`); the `.down.sql` file is never run.
 * - dbmate (`-- migrate:up` / `-- migrate:down`, optionally `transaction:false`) and
 *   node-pg-migrate (`-- Up Migration` / `-- Down Migration`, matched like its
 *   src/sqlMigration.ts: /^\s*--[\s-]*up\s+migration/im): only the up section runs.
 * - Flyway: `V1__init.sql` (version 1), `V1_1__x.sql` (1.1); `U…` undo files never run.
 *
 * Files sort by their version numbers when they have them (`2_…` before `10_…`, `V2` before
 * `V10`, as golang-migrate, Flyway and node-pg-migrate sort), otherwise by name.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../lib/errors.js';

export interface MigrationFile {
  /** The file name without `.sql` (or `.up.sql`): what the kit's table records. */
  version: string;
  name: string;
  /** Absolute path. */
  file: string;
  content: string;
  /** The SQL to run: `content` with everything but the up section blanked (offsets kept). */
  sql: string;
  checksum: string;
  sizeBytes: number;
  noTransaction: boolean;
  /** Leading number (`000001_init` → 1n), or Flyway's version parts (`V1_1__x` → [1n, 1n]). */
  number?: bigint[];
  /** Flyway's versioned migration: its version string and description. */
  flyway?: { version: string; description: string };
  /** The paired `.down.sql` that is not run, for the log. */
  downFile?: string;
}

const NO_TRANSACTION = /^\s*--\s*deploy-kit:\s*no-transaction\b/i;
const DBMATE_UP = /^[ \t]*--[ \t]*migrate:up\b([^\n]*)$/m;
const DBMATE_DOWN = /^[ \t]*--[ \t]*migrate:down\b/m;
const NPM_UP = /^\s*--[\s-]*up\s+migration/im;
const NPM_DOWN = /^\s*--[\s-]*down\s+migration/im;
const FLYWAY = /^V(\d+(?:[._]\d+)*)__(.*)\.sql$/;
const FLYWAY_OTHER = /^(U|R)(\d+(?:[._]\d+)*)?__.*\.sql$/;

export function loadMigrations(directory: string): MigrationFile[] {
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    throw new KitError(
      `The migrations directory ${directory} does not exist. Set "directory" to where your *.sql files are.`,
    );
  const names = readdirSync(directory).filter((name) => name.endsWith('.sql'));
  const repeatable = names.filter((name) => name.startsWith('R__'));
  if (repeatable.length)
    throw new KitError(
      `${repeatable.join(', ')}: Flyway repeatable migrations (R__) are not run by the sql engine (it applies each ` +
        'file once). Move them into versioned files (V<n>__name.sql) or keep running them with Flyway. Nothing was changed.',
    );
  const downs = new Set(names.filter((name) => name.endsWith('.down.sql')));
  const files = names
    .filter((name) => !name.endsWith('.down.sql') && !FLYWAY_OTHER.test(name))
    .map((name) => readMigration(directory, name, downs));
  const orphans = [...downs].filter((down) => !names.includes(down.replace(/\.down\.sql$/, '.up.sql')));
  if (orphans.length)
    throw new KitError(
      `${orphans.join(', ')} ${orphans.length > 1 ? 'have' : 'has'} no matching .up.sql file. A .down.sql file undoes a ` +
        'migration and is never applied; add the .up.sql file or remove it. Nothing was changed.',
    );
  const versions = new Map<string, string>();
  for (const file of files) {
    const other = versions.get(file.version);
    if (other)
      throw new KitError(`${other} and ${file.name} are the same migration (${file.version}): keep one of them.`);
    versions.set(file.version, file.name);
  }
  return files.sort(compareMigrations);
}

function readMigration(directory: string, name: string, downs: Set<string>): MigrationFile {
  const file = path.join(directory, name);
  const bytes = readFileSync(file);
  const content = bytes.toString('utf8');
  const version = name.replace(/(\.up)?\.sql$/, '');
  const { sql, noTransaction } = upSection(content);
  const flyway = FLYWAY.exec(name);
  const leading = /^(\d+)(?=[_.-]|$)/.exec(version)?.[1];
  const down = name.endsWith('.up.sql') ? name.replace(/\.up\.sql$/, '.down.sql') : undefined;
  return {
    version,
    name,
    file,
    content,
    sql,
    checksum: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    noTransaction: noTransaction || NO_TRANSACTION.test(content),
    number: flyway
      ? (flyway[1] as string).split(/[._]/).map(BigInt)
      : leading !== undefined
        ? [BigInt(leading)]
        : undefined,
    flyway: flyway
      ? {
          version: (flyway[1] as string).replace(/_/g, '.'),
          description: (flyway[2] as string).replace(/_/g, ' '),
        }
      : undefined,
    downFile: down && downs.has(down) ? down : undefined,
  };
}

/**
 * The up section of a dbmate or node-pg-migrate file (the whole file when it has no
 * markers). Characters outside it become spaces, newlines stay, so that error positions
 * and line numbers still point into the file as written.
 */
export function upSection(content: string): { sql: string; noTransaction: boolean; sections: boolean } {
  const dbmateUp = DBMATE_UP.exec(content);
  const up = dbmateUp ?? NPM_UP.exec(content);
  const down = (dbmateUp ? DBMATE_DOWN : NPM_DOWN).exec(content) ?? (dbmateUp ? null : DBMATE_DOWN.exec(content));
  if (!up && !down) return { sql: content, noTransaction: false, sections: false };
  const start = up ? up.index : 0;
  // The down section runs from its marker to the up marker (if that follows) or the end.
  const end = down && down.index > start ? down.index : content.length;
  const noTransaction = /\btransaction:\s*false\b/.test(dbmateUp?.[1] ?? '');
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return {
    sql: blank(content.slice(0, start)) + content.slice(start, end) + blank(content.slice(end)),
    noTransaction,
    sections: true,
  };
}

export function compareMigrations(a: MigrationFile, b: MigrationFile): number {
  if (a.number && b.number) {
    const byNumber = compareParts(a.number, b.number);
    if (byNumber !== 0) return byNumber;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Flyway's comparison: part by part, missing parts count as 0 (1 = 1.0). */
export function compareParts(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
