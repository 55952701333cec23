/**
 * alembic's and Django's plans, one section per migration, named as the tool names it: lint
 * judges each on its own: a finding names its revision, and a rollback's verdict is per
 * migration (tool-applied.ts).
 *
 * - alembic `upgrade <current>:head --sql` (offline) prints `-- Running upgrade A -> B`
 *   before each revision B's SQL (alembic/runtime/migration.py), inside `BEGIN;` … `COMMIT;`
 *   (per revision with transaction_per_migration, else around the whole plan). A section is
 *   linted as alembic runs it: in a transaction of its own, without alembic's bookkeeping
 *   (the version table's CREATE/INSERT/UPDATE); `COMMIT;`/`BEGIN;` inside it (an
 *   autocommit_block, for CREATE INDEX CONCURRENTLY) stay.
 * - Django: `manage.py sqlmigrate <app> <name>` of each migration `migrate --plan` lists,
 *   which brings its own BEGIN/COMMIT when the migration is atomic.
 */
export interface PlanSection {
  /** As the tool names the migration: alembic's revision id, Django's `app.name`. */
  name: string;
  /** Its SQL; line 1 is the line after alembic's marker (so findings' lines are the revision's). */
  sql: string;
}

const MARKER = /^-- Running upgrade (\S*) -> (\S+)/;
const isStatement = (line: string, word: string) => new RegExp(`^\\s*${word}\\s*;\\s*$`, 'i').test(line);

/** The revisions of an alembic offline plan; `versionTable` is alembic's own table (left out). */
export function alembicSections(plan: string, versionTable = 'alembic_version'): PlanSection[] {
  const lines = plan.split('\n');
  const bookkeeping = new RegExp(versionTable.replace(/[^A-Za-z0-9_]/g, '\\$&'), 'i'); // also <table>_pkc
  const transactional = lines.some((line) => isStatement(line, 'BEGIN'));
  const starts = lines.flatMap((line, i) => (MARKER.test(line) ? [i] : []));
  return starts.map((start, k) => {
    const body = lines.slice(start + 1, starts[k + 1]);
    // alembic's statements, blanked so that the revision's lines keep their numbers.
    for (let i = 0; i < body.length;) {
      let end = i;
      while (end < body.length - 1 && !/;\s*$/.test(body[end] ?? '')) end++;
      if (bookkeeping.test(body.slice(i, end + 1).join(' '))) body.fill('', i, end + 1);
      i = end + 1;
    }
    // The next revision's BEGIN belongs to it; the COMMIT that ends this one is put back.
    while (body.length && (!body.at(-1)?.trim() || isStatement(body.at(-1) as string, 'BEGIN'))) body.pop();
    if (transactional) {
      if (!isStatement(body.at(-1) ?? '', 'COMMIT')) body.push('COMMIT;');
      body[0] = `BEGIN; ${body[0] ?? ''}`;
    }
    return { name: (MARKER.exec(lines[start] as string) as RegExpExecArray)[2] as string, sql: body.join('\n') };
  });
}

/** The revision ids of alembic's `Running upgrade A -> B, message` log lines, in order. */
export const alembicUpgrades = (output: string): string[] =>
  [...output.matchAll(/Running upgrade \S*\s*-> (\S+?)(?:,|$)/gm)].map((m) => m[1] as string);

export type RunPython = (args: string[]) => Promise<{ exitCode: number | null; stdout: string } | undefined>;

/** `sqlmigrate` of each migration `migrate --plan` lists; undefined when one of them failed. */
export async function djangoSections(python: RunPython): Promise<PlanSection[] | undefined> {
  const plan = await python(['manage.py', 'migrate', '--plan']);
  if (plan?.exitCode !== 0) return undefined;
  const sections: PlanSection[] = [];
  for (const [, app, name] of plan.stdout.matchAll(/^(\w+)\.(\w+)$/gm)) {
    const sql = await python(['manage.py', 'sqlmigrate', app as string, name as string]);
    if (sql?.exitCode !== 0) return undefined;
    sections.push({ name: `${app}.${name}`, sql: `${sql.stdout.trim()}\n` });
  }
  return sections;
}
