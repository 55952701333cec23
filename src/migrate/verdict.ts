/**
 * Whether the release a rollback returns to can run on the schema the migrations left.
 * A rollback never undoes a migration, so after one the old code meets every migration
 * this release applied. migrate's `applied-verdicts` output says, per migration, what
 * squawk found in it; rollback-on-failure, the umbrella deploy and release take that
 * output as `migrations-applied` and put it in the rollback summary.
 *
 * Destructive: the squawk rules whose finding means code written for the schema before
 * the migration can break (a column or table it reads is gone or renamed, a type changed,
 * an insert that leaves a column out is now refused). Every other finding (locks, table
 * scans, int vs bigint) is about the migration itself, not about the old code: additive.
 */
import { Fail, via, text } from '../lib/schemas.js';
import type * as core from '@actions/core';
import { escapeHtml, table } from '../lib/summary.js';
import type { Finding } from './squawk.js';

/** squawk rules (squawkhq.com/docs/<rule>) that break code written for the schema before. */
export const DESTRUCTIVE_RULES = new Set([
  'ban-drop-column',
  'ban-drop-table',
  'ban-drop-database',
  'renaming-column',
  'renaming-table',
  'changing-column-type',
  'adding-not-nullable-field',
  'adding-required-field',
  'ban-drop-not-null',
  'ban-truncate-cascade',
]);

export type Verdict = 'additive' | 'destructive' | 'unknown';

export interface AppliedVerdict {
  version: string;
  verdict: Verdict;
  /** The destructive rules squawk reported (acknowledged ones included). */
  rules: string[];
  /** Of `rules`, those the file acknowledges with `-- squawk-ignore`. */
  acknowledged?: string[];
  /** Why the verdict is unknown. */
  why?: string;
}

/**
 * The verdict on one applied migration from squawk's findings on its SQL with the ignore
 * comments neutralised (`all`) and as the file has them (`reported`): an acknowledged
 * DROP COLUMN is still a DROP COLUMN for the old code.
 */
export function verdictOf(version: string, all: Finding[], reported: Finding[]): AppliedVerdict {
  const rules = [...new Set(all.map((f) => f.rule).filter((r) => DESTRUCTIVE_RULES.has(r)))];
  const seen = new Set(reported.map((f) => f.rule));
  const acknowledged = rules.filter((r) => !seen.has(r));
  return {
    version,
    verdict: rules.length ? 'destructive' : 'additive',
    rules,
    ...(acknowledged.length ? { acknowledged } : {}),
  };
}

/** The SQL with squawk's ignore comments turned into plain comments. */
export const withoutIgnores = (sql: string) => sql.replace(/squawk-ignore/gi, 'squawk-acknowledged');

/**
 * The `migrations-applied` input: migrate's `applied-verdicts` (JSON array of objects), or
 * its `applied-versions` (JSON array of strings: verdict unknown). Empty: none known.
 */
export const migrationsAppliedInput = {
  description:
    "The migrations applied before this deploy, which a rollback leaves in place: migrate's `applied-verdicts` output (`steps.migrate.outputs.applied-verdicts` in an expression; `applied-versions` also works, without verdicts). After a rollback the summary lists them with squawk's verdict on each — `destructive` (a dropped, renamed or retyped column or table, a new NOT NULL: the old release may fail on the new schema) or `additive` — and warns on a destructive one. Empty: no migrations listed.",
  example: '${{ steps.migrate.outputs.applied-verdicts }}',
  default: '',
  parse: via(text(), parseMigrationsApplied),
};

const VERDICTS: readonly string[] = ['additive', 'destructive', 'unknown'];

export function parseMigrationsApplied(raw: string): AppliedVerdict[] | Fail {
  if (!raw.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Fail("expected JSON: migrate's applied-verdicts (or applied-versions) output");
  }
  if (!Array.isArray(value)) return new Fail("expected a JSON array: migrate's applied-verdicts output");
  const out: AppliedVerdict[] = [];
  for (const item of value) {
    if (typeof item === 'string') {
      out.push({ version: item, verdict: 'unknown', rules: [], why: 'only the version was given' });
      continue;
    }
    const entry = item as Partial<AppliedVerdict> | null;
    if (
      !entry ||
      typeof entry.version !== 'string' ||
      !VERDICTS.includes(entry.verdict as string) ||
      !Array.isArray(entry.rules) ||
      !entry.rules.every((r) => typeof r === 'string')
    )
      return new Fail(
        'expected each entry to be a version string or {"version", "verdict": additive|destructive|unknown, "rules": [...]}',
      );
    out.push({
      version: entry.version,
      verdict: entry.verdict as Verdict,
      rules: entry.rules,
      ...(Array.isArray(entry.acknowledged) ? { acknowledged: entry.acknowledged.map(String) } : {}),
      ...(typeof entry.why === 'string' ? { why: entry.why } : {}),
    });
  }
  return out;
}

const LABEL: Record<Verdict, string> = {
  destructive: 'destructive ⚠️',
  additive: 'additive ✅',
  unknown: 'unknown ❔',
};

/** One line on what the old release meets: for the summary's heading paragraph and a warning. */
export function schemaVerdictLine(migrations: AppliedVerdict[]): string {
  const destructive = migrations.filter((m) => m.verdict === 'destructive');
  const unknown = migrations.filter((m) => m.verdict === 'unknown');
  const n = `${migrations.length} migration(s)`;
  if (destructive.length)
    return (
      `The database keeps the ${n} this release applied (a rollback never undoes one), and ` +
      `${destructive.map((m) => `${m.version} (${m.rules.join(', ')})`).join(', ')} ` +
      `${destructive.length === 1 ? 'is' : 'are'} destructive: the release rolled back to was not written for that schema and may fail on it. ` +
      'Check it now; restore the backup taken before the migrations, or ship a fix forward.'
    );
  if (unknown.length)
    return `The database keeps the ${n} this release applied (a rollback never undoes one); ${unknown.length} of them were not linted, so whether the old release can run on them is unknown.`;
  return `The database keeps the ${n} this release applied (a rollback never undoes one); squawk found nothing destructive in them: the old release should run on the new schema.`;
}

/** The summary's table: the migrations the old release has not seen, and squawk's verdict on each. */
export function schemaVerdictRows(migrations: AppliedVerdict[]): string[][] {
  return migrations.map((m) => [
    m.version,
    LABEL[m.verdict],
    m.verdict === 'unknown'
      ? (m.why ?? 'not linted')
      : m.rules.length
        ? m.rules
            .map((r) => `${r}${m.acknowledged?.includes(r) ? ' (acknowledged with squawk-ignore)' : ''}`)
            .join(', ')
        : 'no destructive finding',
  ]);
}

/** The rollback summary's section on the migrations left in place (nothing when none were given). */
export function addSchemaVerdict(summary: typeof core.summary, migrations: AppliedVerdict[]): void {
  if (!migrations.length) return;
  summary.addHeading('Migrations the release rolled back to has not seen', 4);
  summary.addRaw(`<p>${escapeHtml(schemaVerdictLine(migrations))}</p>\n`);
  summary.addTable(table(['migration', 'verdict (squawk)', 'because'], schemaVerdictRows(migrations)));
}

/** A warning annotation when the old release meets a destructive migration. */
export function warnOnDestructive(migrations: AppliedVerdict[], warn: (message: string, title: string) => void): void {
  if (migrations.some((m) => m.verdict === 'destructive'))
    warn(schemaVerdictLine(migrations), 'The old release meets a destructive migration');
}
