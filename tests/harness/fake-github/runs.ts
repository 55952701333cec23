/**
 * actions/get-workflow-run (actions: read), in any repository — the fake's own by default
 * (docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run; schema "workflow-run"):
 * path, event, head_branch, head_sha, status, conclusion, actor, triggering_actor, run_attempt
 * and referenced_workflows (`owner/repo/.github/workflows/x.yml@ref`, the reusable workflows it
 * called) as seeded, with the rest of the fields the schema requires (repository and
 * head_repository a "minimal-repository", head_commit the head's commit or null).
 */
import type { FakeGitHub } from './fake.js';
import type { Exchange } from './model.js';
import { minimalRepository } from './shapes.js';

/** GET …/actions/runs/{id} of repository `full`; false for any other path. */
export function runRoute({ method, res, need }: Exchange, github: FakeGitHub, full: string, rest: string): boolean {
  const runId = /^\/actions\/runs\/(\d+)$/.exec(rest)?.[1];
  if (method !== 'GET' || !runId) return false;
  if (!need('actions:read')) return true;
  const own = `${github.owner}/${github.name}`;
  const run = github.runs.find((r) => r.id === Number(runId) && (r.repo ?? own) === full);
  if (!run) return (github.error(res, 404, 'Not Found'), true);
  const { repo: _repo, ...fields } = run;
  const api = `${github.url}/repos/${full}/actions/runs/${run.id}`;
  const at = new Date(github.clock).toISOString();
  const commit = github.commits.find((c) => c.sha === run.head_sha);
  const workflowId = [...run.path].reduce((n, c) => n * 31 + c.charCodeAt(0), 3) >>> 0;
  github.send(res, 200, {
    ...fields,
    name: 'Release',
    node_id: `WFR_${run.id}`,
    run_number: run.id % 1000,
    display_title: commit?.message.split('\n')[0] ?? run.path,
    workflow_id: workflowId,
    url: api,
    html_url: `https://github.com/${full}/actions/runs/${run.id}`,
    created_at: at,
    updated_at: at,
    actor: github.userJson(run.actor),
    triggering_actor: github.userJson(run.triggering_actor ?? run.actor),
    pull_requests: [],
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.sha,
          message: commit.message,
          timestamp: at,
          author: { name: commit.author, email: `${commit.author}@example.com` },
          committer: { name: commit.author, email: `${commit.author}@example.com` },
        }
      : null,
    repository: minimalRepository(github, full),
    head_repository: minimalRepository(github, full),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${github.url}/repos/${full}/check-suites/${run.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    workflow_url: `${github.url}/repos/${full}/actions/workflows/${workflowId}`,
  });
  return true;
}
