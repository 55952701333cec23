/**
 * Issues, pull requests (as issues), comments and labels of the fake's own repository
 * (@octokit/openapi's api.github.com description, by operationId):
 *   issues/get, issues/create (201; labels from someone without push access are silently
 *     dropped), issues/update (a changed body records GraphQL Issue.editor and lastEditedAt),
 *   issues/list-for-repo (labels, state, per_page, page; pull requests included),
 *   issues/create-comment (201), issues/list-comments,
 *   issues/get-label (404 when absent), issues/create-label (201; 422 when it exists).
 */
import type { FakeGitHub } from './fake.js';
import type { Comment, Exchange, Issue } from './model.js';

/** Answers the request and returns true when it is one of these endpoints. */
export function issuesRoute(github: FakeGitHub, { method, path, url, res, body: given, grant }: Exchange): boolean {
  const body = given ?? {};
  const actor = grant.login;
  const query = url.searchParams;
  const repoPrefix = `/repos/${github.owner}/${github.name}`;
  const route = (pattern: string): string[] | undefined =>
    new RegExp(`^${pattern.replace('{repo}', repoPrefix)}$`).exec(path)?.slice(1);
  let m: string[] | undefined;
  const role = github.users.get(actor.toLowerCase())?.role;
  const writer = role === 'admin' || role === 'maintain' || role === 'write';

  if (method === 'GET' && (m = route('{repo}/labels/(.+)'))) {
    const label = github.labels.get(m[0] as string);
    if (label) github.send(res, 200, labelJson(github, label));
    else github.error(res, 404, 'Not Found');
    return true;
  }
  if (method === 'POST' && route('{repo}/labels')) {
    const name = String(body.name ?? '');
    if (!name || github.labels.has(name)) return (github.error(res, 422, 'Validation Failed'), true);
    const label = { name, color: String(body.color ?? 'ededed'), description: (body.description as string) ?? null };
    github.labels.set(name, label);
    github.send(res, 201, labelJson(github, label));
    return true;
  }
  if (method === 'GET' && route('{repo}/issues')) {
    const state = query.get('state') ?? 'open';
    const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
    const matching = github.issues
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .sort((a, b) => b.number - a.number);
    github.page(
      res,
      url,
      matching.map((i) => issueJson(github, i)),
    );
    return true;
  }
  if (method === 'POST' && route('{repo}/issues')) {
    if (typeof body.title !== 'string' || !body.title) return (github.error(res, 422, 'Validation Failed'), true);
    // Labels from someone without push access are silently dropped (docs: issues#create-an-issue).
    const labels = writer ? ((body.labels as string[] | undefined) ?? []) : [];
    for (const name of labels)
      if (!github.labels.has(name)) github.labels.set(name, { name, color: 'ededed', description: null });
    const issue = github.newIssue(actor, body.title, (body.body as string) ?? null, labels, false);
    github.send(res, 201, issueJson(github, issue));
    return true;
  }
  if ((m = route('{repo}/issues/(\\d+)'))) {
    const issue = github.issue(Number(m[0]));
    if (!issue) return (github.error(res, 404, 'Not Found'), true);
    if (method === 'GET') return (github.send(res, 200, issueJson(github, issue)), true);
    if (method !== 'PATCH') return false;
    if (issue.user !== actor && !writer)
      return (github.error(res, 403, 'Resource not accessible by integration'), true);
    if (typeof body.title === 'string') issue.title = body.title;
    if ((typeof body.body === 'string' || body.body === null) && body.body !== issue.body) {
      issue.body = body.body as string | null;
      issue.editor = actor;
      issue.lastEditedAt = github.tick();
    }
    if (body.state === 'open' || body.state === 'closed') {
      issue.state = body.state;
      issue.state_reason =
        body.state === 'closed' ? ((body.state_reason as string | undefined) ?? 'completed') : 'reopened';
    } else if (body.state !== undefined) return (github.error(res, 422, 'Validation Failed'), true);
    issue.updated_at = github.tick();
    github.send(res, 200, issueJson(github, issue));
    return true;
  }
  if ((m = route('{repo}/issues/(\\d+)/comments'))) {
    const number = Number(m[0]);
    if (!github.issue(number)) return (github.error(res, 404, 'Not Found'), true);
    if (method === 'GET') {
      github.page(
        res,
        url,
        github.commentsOn(number).map((c) => commentJson(github, c)),
      );
      return true;
    }
    if (method !== 'POST') return false;
    if (typeof body.body !== 'string' || !body.body) return (github.error(res, 422, 'Validation Failed'), true);
    const comment: Comment = {
      id: github.nextId(),
      issue: number,
      body: body.body,
      user: actor,
      created_at: github.tick(),
    };
    github.comments.push(comment);
    github.send(res, 201, commentJson(github, comment));
    return true;
  }
  return false;
}

export function issueJson(github: FakeGitHub, issue: Issue) {
  const base = `${github.url}/repos/${github.owner}/${github.name}`;
  return {
    id: issue.number * 101,
    node_id: `I_${issue.number}`,
    url: `${base}/issues/${issue.number}`,
    repository_url: base,
    labels_url: `${base}/issues/${issue.number}/labels{/name}`,
    comments_url: `${base}/issues/${issue.number}/comments`,
    events_url: `${base}/issues/${issue.number}/events`,
    html_url: `https://github.com/${github.owner}/${github.name}/${issue.pull_request ? 'pull' : 'issues'}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    user: github.userJson(issue.user),
    labels: issue.labels.map((name) => ({ name, color: github.labels.get(name)?.color ?? 'ededed' })),
    assignee: null,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: github.commentsOn(issue.number).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.state === 'closed' ? issue.updated_at : null,
    author_association: 'MEMBER',
    ...(issue.pull_request ? { pull_request: { url: `${base}/pulls/${issue.number}` } } : {}),
  };
}

function labelJson(github: FakeGitHub, label: { name: string; color: string; description: string | null }) {
  const id = [...label.name].reduce((n, c) => n * 31 + c.charCodeAt(0), 11) >>> 0;
  return {
    id,
    node_id: `LA_${id}`,
    url: `${github.url}/repos/${github.owner}/${github.name}/labels/${encodeURIComponent(label.name)}`,
    ...label,
    default: false,
  };
}

export function commentJson(github: FakeGitHub, c: Comment) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${github.url}/repos/${github.owner}/${github.name}/issues/comments/${c.id}`,
    html_url: `https://github.com/${github.owner}/${github.name}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${github.url}/repos/${github.owner}/${github.name}/issues/${c.issue}`,
    body: c.body,
    user: github.userJson(c.user),
    created_at: c.created_at,
    updated_at: c.created_at,
    author_association: 'NONE',
  };
}
