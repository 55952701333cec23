/**
 * The one fake of GitHub's REST API and of the GraphQL the kit sends, as a real HTTP server on
 * 127.0.0.1 (port 0): every kit client — src/github/rest.ts in the actions, the CLI and setup —
 * talks to it over the wire. It keeps state between calls and records every request. Its
 * contract is GitHub's own published descriptions, checked on every exchange:
 * - each request against the REST description (@octokit/openapi 23.0.2, pinned in package.json:
 *   node_modules/@octokit/openapi/generated/api.github.com.json, API version 2022-11-28) —
 *   method, path, query, body; one GitHub does not allow is answered 400;
 * - each answer against that description's response schema for its operation and status;
 * - each GraphQL document against GitHub's GraphQL schema (@octokit/graphql-schema 15.26.1),
 *   then run against that schema (tests/conformance/github-openapi.ts, github-graphql.ts).
 * A divergence is a violation, and fails the test that caused it (fake-github/guard.ts).
 * The operations it answers, by operationId, and the facts each follows, are in the header of
 * the file that answers them (docs/platforms.md §6 lists them with their sources):
 *   fake-github/issues.ts       issues/get, create, update, list-for-repo, create-comment,
 *                               list-comments, get-label, create-label
 *   fake-github/repos.ts        repos/get-collaborator-permission-level,
 *                               teams/get-membership-for-user-in-org, git/get-ref, git/get-tag,
 *                               repos/compare-commits-with-basehead
 *   fake-github/runs.ts         actions/get-workflow-run
 *   fake-github/deployments.ts  repos/list-deployments, create-deployment,
 *                               list-deployment-statuses, create-deployment-status
 *   fake-github/graphql.ts      POST /graphql: Repository.issue's editor / lastEditedAt
 *   fake-github/settings.ts     setup's endpoints (accounts, environments, secrets, protection)
 *   fake-github/server.ts       reading, recording, checking and routing a request
 *   fake-github/fake.ts         the state, what tests seed, and answering (send, error, page)
 *   fake-github/shapes.ts       the large objects (repositories, users, organizations, teams)
 *   fake-github/model.ts        the state's types
 * For every endpoint:
 * - Lists are paginated: per_page (default 30, max 100), page, and `Link: <url>; rel="next"`
 *   while more pages exist (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 * - Errors are `{ message, documentation_url, status }`. Authentication: `Authorization: token T`
 *   or `Bearer T`; an unknown token gets 401 "Bad credentials", a token without the permission
 *   an endpoint needs 403 "Resource not accessible by integration" (as a GITHUB_TOKEN does).
 * - Issues, labels, tags, commits and runs live in the fake's own repository (owner/name,
 *   default acme/shop); deployments and settings in any repository `repo(name)` created.
 */
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { FakeGitHub } from './fake-github/fake.js';

export { FakeGitHub } from './fake-github/fake.js';
export {
  type DeploymentSeed,
  type Exchange,
  type FakeAccount,
  type FakeCommit,
  type FakeDeployment,
  type FakeDeploymentStatus,
  type FakeEnvironment,
  type FakeRepo,
  type FakeRun,
  type FakeUser,
  PERMISSIONS,
  type RecordedRequest,
  type TokenGrant,
} from './fake-github/model.js';

/**
 * One fake GitHub for a test file, started before its tests and stopped after them; before
 * each test it is reset() and given what `seed` adds (tokens, users, repositories).
 */
export function useFakeGitHub(seed: (github: FakeGitHub) => void): FakeGitHub {
  const github = new FakeGitHub();
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => {
    github.reset();
    seed(github);
  });
  return github;
}
