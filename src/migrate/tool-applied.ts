/**
 * Which migrations a run of alembic, Django, prisma or supabase applied, named as the tool
 * names them: the same `applied-versions` / `applied-verdicts` outputs as `tool: sql`, so a
 * rollback's summary lists what the old release has not seen and lint's verdict on each.
 *
 * - prisma, supabase: the files pending before the run that its history table no longer
 *   lacks after it (tool-pending.ts), whether the run succeeded or stopped half way.
 * - alembic: the revisions of the plan (plan-sections.ts; without lint, the log's `Running
 *   upgrade` lines) up to the one the version table holds after the run: with
 *   transaction_per_migration a failure keeps the revisions before it.
 * - Django: the migrations its output says `Applying <app.name>... OK` for (each is its own
 *   transaction on PostgreSQL).
 */
import type { PendingFile } from './tool-pending.js';
import { djangoProgress } from './tool-output.js';
import { alembicUpgrades } from './plan-sections.js';

export interface AppliedMigration {
  /** As the tool names it: the `version` of the outputs. */
  version: string;
  /** What lint knows it by (Linter.verdict): the file (prisma, supabase), else the version. */
  key: string;
}

export interface AppliedDeps {
  /** The tool's output (stdout and stderr). */
  output: string;
  ok: boolean;
  /** prisma, supabase: the files pending before the run, and the ones pending now. */
  pendingBefore?: PendingFile[];
  pendingNow: () => Promise<PendingFile[]>;
  /** alembic: the plan's revisions when lint read it, the revision before the run, and now. */
  planned?: string[];
  revisionBefore?: string;
  revisionNow: () => Promise<string | undefined>;
}

export async function appliedByTool(tool: string, deps: AppliedDeps): Promise<AppliedMigration[] | undefined> {
  const named = (versions: string[]) => versions.map((version) => ({ version, key: version }));
  if (tool === 'django') return named(djangoProgress(deps.output).before);
  if (tool === 'alembic') {
    const planned = deps.planned ?? alembicUpgrades(deps.output);
    return named(appliedRevisions(planned, deps.revisionBefore, await deps.revisionNow(), deps.ok));
  }
  if ((tool === 'prisma' || tool === 'supabase') && deps.pendingBefore) {
    const still = new Set((await deps.pendingNow()).map((f) => f.file));
    return deps.pendingBefore.filter((f) => !still.has(f.file)).map((f) => ({ version: f.name, key: f.file }));
  }
  return undefined;
}

/**
 * Of the revisions a run set out to apply (in order), those the database has after it: up
 * to the revision it is at (`after`); none when it did not move. When `after` is not one of
 * them (several heads), all of them if the run succeeded, else none is known.
 */
export function appliedRevisions(
  planned: string[],
  before: string | undefined,
  after: string | undefined,
  ok: boolean,
): string[] {
  if (after === before) return [];
  const at = after === undefined ? -1 : planned.indexOf(after);
  if (at >= 0) return planned.slice(0, at + 1);
  return ok ? planned : [];
}
