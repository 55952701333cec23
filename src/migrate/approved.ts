/**
 * The migrations an approver saw (issue 16). With `approval: comment` the release issue lists
 * the migration files changed since the commit production runs; the claim step hands that list
 * to migrate (`approved-migrations`), and migrate refuses — before anything is changed — to
 * apply a pending file the list did not show. An approval deploys what the approver saw, and
 * the migrations are part of it.
 */
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { Fail, optional, text, via } from '../lib/schemas.js';
import type { MigrationFile } from './sql-engine.js';

export const approvedMigrationsInput = {
  description:
    "The migration files the approver was shown, as release-approval's `approved-migrations` output (a JSON array of paths from the repository root). For `tool: sql` (and `auto` resolving to it): a pending file not in the list is refused before anything is changed. Empty: no comparison.",
  example: '${{ steps.claim.outputs.approved-migrations }}',
  default: '',
  parse: optional(via(text(), parseApprovedMigrations)),
};

export function parseApprovedMigrations(raw: string): string[] | Fail {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Fail("expected a JSON array of file paths: release-approval's approved-migrations output");
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    return new Fail("expected a JSON array of file paths: release-approval's approved-migrations output");
  return value;
}

/**
 * Throws when a pending file is not among the approved paths. Paths compare from the
 * repository root (the workspace), with `/` separators, as GitHub's compare lists them.
 */
export function checkApproved(pending: MigrationFile[], approved: string[], workspace: string): void {
  const shown = new Set(approved.map((p) => p.replace(/^\.\/+/, '')));
  const relative = (file: MigrationFile) => path.relative(workspace, file.file).split(path.sep).join('/');
  const unseen = pending.filter((file) => !shown.has(relative(file)));
  if (!unseen.length) return;
  const listed = approved.length ? approved.map((p) => `\`${p}\``).join(', ') : 'no migration file';
  throw new KitError(
    `The database's plan applies ${unseen.map((f) => `\`${relative(f)}\``).join(', ')}, which the release issue did not show the approver (it listed ${listed}). ` +
      'Nothing was migrated. An approval deploys what the approver saw: apply or remove that migration on purpose, or push the tag again for a new release issue, then approve that.',
  );
}
