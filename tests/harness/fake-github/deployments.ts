/**
 * Deployments and their statuses, in any repository `repo(name)` created (docs/platforms.md §6;
 * @octokit/openapi's api.github.com description, by operationId):
 *   repos/list-deployments (newest first; filters sha, ref, task, environment),
 *   repos/create-deployment (201; 422 "No ref found" for a ref the repository lacks),
 *   repos/list-deployment-statuses (newest first), repos/create-deployment-status (201;
 *   auto_inactive, default true, marks older successful deployments to the environment inactive).
 * `creator` (of the deployment and of each status) is the token's account.
 */
import type { FakeGitHub } from './fake.js';
import type { DeploymentSeed, Exchange, FakeDeployment, FakeDeploymentStatus, FakeRepo } from './model.js';

/** What addDeployment() seeds: the deployment, its statuses and, unless run: false, its job's run. */
export function seedDeployment(github: FakeGitHub, d: DeploymentSeed): FakeDeployment {
  const at = github.tick();
  const full = d.repo ?? `${github.owner}/${github.name}`;
  let logUrl = d.logUrl ?? '';
  if (d.run !== false && d.logUrl === undefined) {
    const run = github.addRun({
      id: github.nextId(),
      repo: full,
      path: '.github/workflows/staging.yml',
      event: 'push',
      head_branch: d.ref ?? 'staging',
      head_sha: d.sha,
      actor: 'dan',
      conclusion: d.states.includes('success') && !d.states.includes('failure') ? 'success' : 'failure',
      referenced_workflows: [
        { path: 'org/deploy-kit/.github/workflows/deploy-staging.yml@v1', sha: '0'.repeat(40), ref: 'refs/tags/v1' },
      ],
      ...(d.run ?? {}),
    });
    logUrl = `https://github.com/${full}/actions/runs/${run.id}/job/${github.nextId()}`;
  }
  const deployment: FakeDeployment = {
    id: github.nextId(),
    sha: d.sha,
    ref: d.ref ?? d.sha,
    task: d.task ?? 'deploy',
    environment: d.environment,
    description: null,
    payload: d.payload ?? {},
    creator: d.creator ?? 'github-actions[bot]',
    created_at: at,
    statuses: d.states
      .map((state) => ({
        id: github.nextId(),
        state,
        description: '',
        environment_url: state === 'success' ? (d.url ?? '') : '',
        log_url: logUrl,
        created_at: at,
      }))
      .reverse(),
  };
  github.repo(full).deployments.unshift(deployment);
  return deployment;
}

/** Answers …/deployments and …/deployments/{id}/statuses; false for any other path. */
export function deploymentsRoute(
  { method, url, body = {}, res, need, grant }: Exchange,
  github: FakeGitHub,
  full: string,
  repo: FakeRepo,
  rest: string,
): boolean {
  const query = url.searchParams;
  if (method === 'GET' && rest === '/deployments') {
    if (!need('deployments:read')) return true;
    const list = repo.deployments
      .filter((d) =>
        ['sha', 'ref', 'task', 'environment'].every((k) => !query.get(k) || query.get(k) === d[k as 'sha']),
      )
      .sort((a, b) => b.id - a.id);
    github.page(
      res,
      url,
      list.map((d) => deploymentJson(github, full, d)),
    );
    return true;
  }
  if (method === 'POST' && rest === '/deployments') {
    const ref = String(body.ref ?? '');
    const sha = github.commits.find((c) => c.sha === ref)?.sha ?? github.tags.get(ref)?.sha;
    if (!sha) {
      github.error(res, 422, `No ref found for: ${ref}`);
      return true;
    }
    const deployment: FakeDeployment = {
      id: github.nextId(),
      sha,
      ref,
      task: typeof body.task === 'string' && body.task ? body.task : 'deploy',
      environment: String(body.environment ?? 'production'),
      description: (body.description as string) ?? null,
      payload: body.payload ?? {},
      creator: grant.login,
      created_at: github.tick(),
      statuses: [],
    };
    repo.deployments.unshift(deployment);
    github.send(res, 201, deploymentJson(github, full, deployment));
    return true;
  }
  const statuses = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
  if (!statuses) return false;
  const deployment = repo.deployments.find((d) => d.id === Number(statuses[1]));
  if (!deployment) {
    github.error(res, 404, 'Not Found');
    return true;
  }
  if (method === 'GET') {
    if (!need('deployments:read')) return true;
    const sorted = [...deployment.statuses].sort((a, b) => b.id - a.id);
    github.page(
      res,
      url,
      sorted.map((s) => statusJson(github, full, deployment, s)),
    );
    return true;
  }
  if (method !== 'POST') return false;
  const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
  if (!states.includes(String(body.state))) {
    github.error(res, 422, 'Validation Failed');
    return true;
  }
  const status: FakeDeploymentStatus = {
    id: github.nextId(),
    state: String(body.state),
    description: String(body.description ?? ''),
    environment_url: String(body.environment_url ?? ''),
    log_url: String(body.log_url ?? ''),
    created_at: github.tick(),
  };
  deployment.statuses.unshift(status);
  if (status.state === 'success' && body.auto_inactive !== false)
    for (const other of repo.deployments)
      if (
        other !== deployment &&
        other.environment === deployment.environment &&
        other.statuses[0]?.state === 'success'
      )
        other.statuses.unshift({ ...status, id: github.nextId(), state: 'inactive' });
  github.send(res, 201, statusJson(github, full, deployment, status));
  return true;
}

function deploymentJson(github: FakeGitHub, full: string, d: FakeDeployment) {
  return {
    url: `${github.url}/repos/${full}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    environment: d.environment,
    original_environment: d.environment,
    description: d.description,
    creator: github.userJson(d.creator),
    created_at: d.created_at,
    updated_at: d.statuses[0]?.created_at ?? d.created_at,
    statuses_url: `${github.url}/repos/${full}/deployments/${d.id}/statuses`,
    repository_url: `${github.url}/repos/${full}`,
  };
}

function statusJson(github: FakeGitHub, full: string, d: FakeDeployment, s: FakeDeploymentStatus) {
  return {
    url: `${github.url}/repos/${full}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: github.userJson(d.creator),
    description: s.description ?? '',
    environment: d.environment,
    target_url: s.log_url ?? '',
    log_url: s.log_url ?? '',
    environment_url: s.environment_url ?? '',
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: `${github.url}/repos/${full}/deployments/${d.id}`,
    repository_url: `${github.url}/repos/${full}`,
  };
}
