/**
 * The larger objects of GitHub's REST description, with every property their schema requires
 * (@octokit/openapi's api.github.com description, components/schemas): minimal-repository,
 * full-repository, public-user / private-user, organization-full, team-full. Values the kit
 * never reads are plain placeholders of the schema's type.
 */
import type { FakeGitHub } from './fake.js';

// minimal-repository's URL fields, as its description's example has them (under /repos/{owner}/{repo}).
const REPO_URLS: Record<string, string> = {
  archive: '/{archive_format}{/ref}',
  assignees: '/assignees{/user}',
  blobs: '/git/blobs{/sha}',
  branches: '/branches{/branch}',
  collaborators: '/collaborators{/collaborator}',
  comments: '/comments{/number}',
  commits: '/commits{/sha}',
  compare: '/compare/{base}...{head}',
  contents: '/contents/{+path}',
  contributors: '/contributors',
  deployments: '/deployments',
  downloads: '/downloads',
  events: '/events',
  forks: '/forks',
  git_commits: '/git/commits{/sha}',
  git_refs: '/git/refs{/sha}',
  git_tags: '/git/tags{/sha}',
  hooks: '/hooks',
  issue_comment: '/issues/comments{/number}',
  issue_events: '/issues/events{/number}',
  issues: '/issues{/number}',
  keys: '/keys{/key_id}',
  labels: '/labels{/name}',
  languages: '/languages',
  merges: '/merges',
  milestones: '/milestones{/number}',
  notifications: '/notifications{?since,all,participating}',
  pulls: '/pulls{/number}',
  releases: '/releases{/id}',
  stargazers: '/stargazers',
  statuses: '/statuses/{sha}',
  subscribers: '/subscribers',
  subscription: '/subscription',
  tags: '/tags',
  teams: '/teams',
  trees: '/git/trees{/sha}',
};

export function minimalRepository(github: FakeGitHub, full: string) {
  const [owner = '', name = ''] = full.split('/');
  const api = `${github.url}/repos/${full}`;
  const visibility = github.repos.get(full)?.visibility ?? 'public';
  return {
    id: [...full].reduce((n, c) => n * 31 + c.charCodeAt(0), 5) >>> 0,
    node_id: `R_${full}`,
    name,
    full_name: full,
    owner: github.userJson(owner),
    private: visibility !== 'public',
    html_url: `https://github.com/${full}`,
    description: null,
    fork: false,
    url: api,
    ...Object.fromEntries(Object.entries(REPO_URLS).map(([key, tail]) => [`${key}_url`, `${api}${tail}`])),
  };
}

/** full-repository (repos/get): minimal-repository and the counts, flags and dates GitHub adds. */
export function fullRepository(github: FakeGitHub, full: string) {
  const repo = github.repos.get(full);
  const visibility = repo?.visibility ?? 'public';
  const at = '2026-01-01T00:00:00Z';
  return {
    ...minimalRepository(github, full),
    visibility,
    default_branch: repo?.defaultBranch ?? 'main',
    clone_url: `https://github.com/${full}.git`,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    svn_url: `https://github.com/${full}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    ...Object.fromEntries(
      ['forks', 'forks_count', 'open_issues', 'open_issues_count', 'size', 'stargazers_count', 'watchers']
        .concat(['watchers_count', 'network_count', 'subscribers_count'])
        .map((key) => [key, 0]),
    ),
    ...Object.fromEntries(['has_issues', 'has_projects', 'has_wiki', 'has_discussions'].map((key) => [key, true])),
    has_pages: false,
    archived: false,
    disabled: false,
    pushed_at: at,
    created_at: at,
    updated_at: at,
  };
}

/** public-user (users/get-by-username) and, with `plan` and the private counts, private-user (GET /user). */
export function publicUser(github: FakeGitHub, login: string) {
  return {
    ...github.userJson(login),
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

export function privateUser(github: FakeGitHub, login: string, plan: unknown) {
  return {
    ...publicUser(github, login),
    plan,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

/** organization-full (orgs/get); also a team's `organization`. */
export function organization(github: FakeGitHub, login: string) {
  const api = `${github.url}/orgs/${login}`;
  return {
    login,
    id: 9000,
    node_id: 'O_9000',
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: 'https://avatars.githubusercontent.com/u/9000',
    description: null,
    html_url: `https://github.com/${login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: 'Organization',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    archived_at: null,
  };
}

/** team (an environment's reviewer) and team-full (teams/get-by-name). */
export function team(github: FakeGitHub, org: string, slug: string, id: number) {
  const api = `${github.url}/organizations/9000/team/${id}`;
  return {
    id,
    node_id: `T_${id}`,
    url: api,
    members_url: `${api}/members{/member}`,
    name: slug,
    slug,
    description: null,
    permission: 'pull',
    html_url: `https://github.com/orgs/${org}/teams/${slug}`,
    repositories_url: `${api}/repos`,
    type: 'organization',
    parent: null,
  };
}

export function teamFull(github: FakeGitHub, org: string, slug: string, id: number) {
  return {
    ...team(github, org, slug, id),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    members_count: 0,
    repos_count: 0,
    organization: organization(github, org),
  };
}
