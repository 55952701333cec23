/**
 * Was a Deployment record made by the kit's own workflow run, or by hand? Anyone with write
 * access can POST /repos/{owner}/{repo}/deployments (and its statuses) with their own token,
 * for any commit and environment, with any log_url. What such a writer cannot forge:
 *
 * 1. `creator` is set by GitHub from the token that made the record. Only a workflow's
 *    GITHUB_TOKEN acts as github-actions[bot] (type Bot); a personal or app token makes the
 *    record as that user or `<app>[bot]`, and a login ending in `[bot]` cannot be registered.
 *    Both the deployment and its success status must be github-actions[bot]'s.
 * 2. The success status names a workflow run of this repository (log_url / target_url:
 *    …/{owner}/{repo}/actions/runs/{id}…), and GET …/actions/runs/{id} must show a run that
 *    GitHub itself recorded: `path` (the workflow file) or `referenced_workflows` (the reusable
 *    workflows it called) includes the expected workflow, `head_sha` is this commit, and it
 *    completed with conclusion success. Those fields come from GitHub, not from the record.
 *
 * So a hand-made record is refused for its creator; one made by some other workflow's token
 * is refused unless it points at a real, successful run of the staging workflow on this
 * commit — which is the fact require-staging asks about. What remains is a writer who pushes
 * a commit whose own workflow is named like the staging one: that workflow file is then part
 * of the commit being released, where the release's diff shows it.
 * (docs.github.com/en/rest/deployments/deployments#get-a-deployment `creator`,
 *  …/statuses `log_url`, docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run)
 */
import { KitError } from '../lib/errors.js';
import { GitHubApiError, type GitHubClient } from './rest.js';

/** The login every GITHUB_TOKEN acts as. */
export const ACTIONS_BOT = 'github-actions[bot]';

export interface Actor {
  login?: string;
  type?: string;
}

export interface WorkflowRun {
  id: number;
  path?: string;
  head_sha?: string;
  head_branch?: string;
  event?: string;
  status?: string;
  conclusion?: string | null;
  referenced_workflows?: Array<{ path?: string }> | null;
}

export interface Provenance {
  /** Which workflow the run must be of, or call: a file name (`deploy-staging.yml`); `*` any. */
  workflow: string;
  repository: string;
  sha: string;
}

export type ProvenanceVerdict = { ok: true; run: WorkflowRun } | { ok: false; reason: string };

const who = (actor: Actor | null | undefined) =>
  actor?.login ? `${actor.login}${actor.type ? ` (${actor.type})` : ''}` : 'an unknown account';

const byActions = (actor: Actor | null | undefined) => actor?.login === ACTIONS_BOT && actor.type === 'Bot';

/** The run id in a log_url / target_url of this repository's Actions run pages; undefined otherwise. */
export function runIdOf(url: string | null | undefined, repository: string): number | undefined {
  if (!url) return undefined;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)(?:\/|$)/.exec(pathname);
  if (!match || (match[1] as string).toLowerCase() !== repository.toLowerCase()) return undefined;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** `owner/repo/.github/workflows/x.yml@ref` or `.github/workflows/x.yml` → is it `workflow`? */
export function isWorkflow(path: string | undefined, workflow: string): boolean {
  if (!path) return false;
  const file = path.replace(/@.*$/, '');
  return file === workflow || file.endsWith(`/${workflow}`);
}

export async function checkProvenance(
  client: GitHubClient,
  expected: Provenance,
  deployment: { creator?: Actor | null },
  success: { creator?: Actor | null; log_url?: string | null; target_url?: string | null },
): Promise<ProvenanceVerdict> {
  if (!byActions(deployment.creator))
    return {
      ok: false,
      reason: `made by ${who(deployment.creator)}, not by a workflow run (${ACTIONS_BOT}): a record created through the API by hand`,
    };
  if (!byActions(success.creator))
    return { ok: false, reason: `its success status was posted by ${who(success.creator)}, not by ${ACTIONS_BOT}` };
  const runId = runIdOf(success.log_url, expected.repository) ?? runIdOf(success.target_url, expected.repository);
  if (runId === undefined)
    return {
      ok: false,
      reason: `its success status names no workflow run of ${expected.repository} (log_url ${JSON.stringify(success.log_url ?? '')})`,
    };
  let run: WorkflowRun;
  try {
    ({ data: run } = await client.request<WorkflowRun>('GET', `/repos/${expected.repository}/actions/runs/${runId}`));
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404)
      return { ok: false, reason: `the workflow run ${runId} its status names does not exist` };
    if (error instanceof GitHubApiError && error.status === 403)
      throw new KitError(
        `${error.message} — checking who made a deployment reads its workflow run: give the job \`permissions: actions: read\` (next to deployments: read).`,
      );
    throw error;
  }
  const short = expected.sha.slice(0, 12);
  if (run.head_sha?.toLowerCase() !== expected.sha)
    return { ok: false, reason: `its run ${runId} built ${run.head_sha?.slice(0, 12) ?? 'no commit'}, not ${short}` };
  if (
    expected.workflow !== '*' &&
    !isWorkflow(run.path, expected.workflow) &&
    !(run.referenced_workflows ?? []).some((w) => isWorkflow(w.path, expected.workflow))
  )
    return {
      ok: false,
      reason: `its run ${runId} is of ${run.path ?? 'an unknown workflow'}, which neither is nor calls ${expected.workflow}`,
    };
  if (run.status !== 'completed' || run.conclusion !== 'success')
    return {
      ok: false,
      reason: `its run ${runId} has not succeeded (${run.status === 'completed' ? `conclusion ${run.conclusion ?? 'none'}` : (run.status ?? 'unknown status')})`,
    };
  return { ok: true, run };
}
