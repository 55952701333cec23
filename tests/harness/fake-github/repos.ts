/**
 * Who may approve, what a tag points at and what changed between commits, in the fake's own
 * repository
 * (@octokit/openapi's api.github.com description, by operationId):
 *   repos/get-collaborator-permission-level ("permission" is the legacy base role admin|write|
 *     read|none — maintain maps to write, triage to read; "role_name" the assigned role),
 *   teams/get-membership-for-user-in-org (404 if not a member; 403 for a hidden team),
 *   git/get-ref, git/get-tag (an annotated tag's ref points at a tag object, whose object is
 *     the commit), repos/compare-commits-with-basehead (schema commit-comparison: commits
 *     oldest first, each a "commit" with its parents; author null when no GitHub user wrote it).
 */
import { createHash } from 'node:crypto';
import type { FakeGitHub } from './fake.js';
import type { Exchange } from './model.js';

/** Answers the request and returns true when it is one of these endpoints. */
export function reposRoute(github: FakeGitHub, { method, path, res }: Exchange): boolean {
  const repoPrefix = `/repos/${github.owner}/${github.name}`;
  const route = (pattern: string): string[] | undefined =>
    new RegExp(`^${pattern.replace('{repo}', repoPrefix)}$`).exec(path)?.slice(1);
  let m: string[] | undefined;

  if (method === 'GET' && (m = route('{repo}/collaborators/([^/]+)/permission'))) {
    const user = github.users.get((m[0] as string).toLowerCase());
    if (!user) return (github.error(res, 404, 'Not Found'), true);
    const role = user.role ?? 'none';
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    github.send(res, 200, { permission, role_name: role, user: { ...github.userJson(user.login), role_name: role } });
    return true;
  }
  if (method === 'GET' && (m = route('/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)'))) {
    const key = `${(m[0] as string).toLowerCase()}/${(m[1] as string).toLowerCase()}`;
    if (github.hiddenTeams.has(key)) return (github.error(res, 403, 'Resource not accessible by integration'), true);
    const state = github.teams.get(key)?.members.get((m[2] as string).toLowerCase());
    if (!state) return (github.error(res, 404, 'Not Found'), true);
    github.send(res, 200, { url: `${github.url}${path}`, role: 'member', state });
    return true;
  }
  if (method === 'GET' && (m = route('{repo}/git/ref/tags/(.+)'))) {
    const tag = github.tags.get(m[0] as string);
    if (!tag) return (github.error(res, 404, 'Not Found'), true);
    const objectSha = tag.annotated ? tagObjectSha(m[0] as string, tag.sha) : tag.sha;
    github.send(res, 200, {
      ref: `refs/tags/${m[0]}`,
      node_id: `REF_${m[0]}`,
      url: `${github.url}${path}`,
      object: {
        type: tag.annotated ? 'tag' : 'commit',
        sha: objectSha,
        url: `${github.url}${repoPrefix}/git/${tag.annotated ? 'tags' : 'commits'}/${objectSha}`,
      },
    });
    return true;
  }
  if (method === 'GET' && (m = route('{repo}/git/tags/([0-9a-f]{40})'))) {
    for (const [name, tag] of github.tags)
      if (tag.annotated && tagObjectSha(name, tag.sha) === m[0]) {
        github.send(res, 200, {
          node_id: `TAG_${name}`,
          tag: name,
          sha: m[0],
          url: `${github.url}${path}`,
          message: `Release ${name}`,
          tagger: { date: new Date(github.clock).toISOString(), email: 'rm@example.com', name: 'Release Manager' },
          object: { sha: tag.sha, type: 'commit', url: `${github.url}${repoPrefix}/git/commits/${tag.sha}` },
          verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
        });
        return true;
      }
    github.error(res, 404, 'Not Found');
    return true;
  }
  if (method === 'GET' && (m = route('{repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)'))) {
    const base = github.commits.findIndex((c) => c.sha.startsWith(m?.[0] as string));
    const head = github.commits.findIndex((c) => c.sha.startsWith(m?.[1] as string));
    if (base === -1 || head === -1) return (github.error(res, 404, 'Not Found'), true);
    const ahead = head > base ? github.commits.slice(base + 1, head + 1) : [];
    const commit = (i: number) => commitJson(github, i);
    const html = `https://github.com/${github.owner}/${github.name}/compare/${m[0]}...${m[1]}`;
    github.send(res, 200, {
      url: `${github.url}${path}`,
      html_url: html,
      permalink_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: commit(base),
      merge_base_commit: commit(Math.min(base, head)),
      status: head > base ? 'ahead' : head === base ? 'identical' : 'behind',
      ahead_by: ahead.length,
      behind_by: head < base ? base - head : 0,
      total_commits: ahead.length,
      commits: ahead.map((_, i) => commit(base + 1 + i)),
      files: ahead
        .flatMap((c) => c.files ?? [])
        .map((f) => ({
          sha: '0'.repeat(40),
          additions: 0,
          deletions: 0,
          changes: 0,
          blob_url: '',
          raw_url: '',
          contents_url: '',
          ...f,
        })),
    });
    return true;
  }
  return false;
}

function tagObjectSha(name: string, commit: string): string {
  return createHash('sha1').update(`tag:${name}:${commit}`).digest('hex');
}

/** The i-th commit of the line, as schema "commit" has it. */
function commitJson(github: FakeGitHub, i: number) {
  const c = github.commits[i] as FakeGitHub['commits'][number];
  const api = `${github.url}/repos/${github.owner}/${github.name}`;
  const person = { name: c.author, email: `${c.author}@example.com`, date: new Date(github.clock).toISOString() };
  const user = github.users.has(c.author.toLowerCase()) ? github.userJson(c.author) : null;
  const parent = github.commits[i - 1];
  return {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: `C_${c.sha.slice(0, 12)}`,
    html_url: `https://github.com/${github.owner}/${github.name}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: person,
      committer: person,
      message: c.message,
      comment_count: 0,
      tree: { sha: tagObjectSha('tree', c.sha), url: `${api}/git/trees/${tagObjectSha('tree', c.sha)}` },
    },
    author: user,
    committer: user,
    parents: parent ? [{ sha: parent.sha, url: `${api}/commits/${parent.sha}` }] : [],
  };
}
