/**
 * The kit's GitHub calls against GitHub's published descriptions (issues 14 and 17). The one
 * fake (tests/harness/fake-github.ts) checks every request against @octokit/openapi (answering
 * 400 to one GitHub does not allow), every answer against the response schema of its operation
 * and status, and every GraphQL document against @octokit/graphql-schema; a divergence fails
 * the test that caused it (tests/harness/fake-github/guard.ts). Here: that each check catches
 * one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { githubClient } from '../../src/github/rest.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { takeViolations } from '../harness/fake-github/live.js';
import type { Issue } from '../harness/fake-github/model.js';
import { checkGraphQL } from './github-graphql.js';
import { checkRequest, checkResponse } from './github-openapi.js';

const github = new FakeGitHub();
const client = () => githubClient({ token: 't', apiUrl: github.url, attempts: 1 });
beforeAll(async () => {
  await github.start();
  github.addToken('t');
});
afterAll(() => github.stop());
/** What the fake recorded, emptied so the guard does not fail the test that expected it. */
const taken = () => github.violations.splice(0).join('\n');

describe('GitHub REST conformance: requests', () => {
  it('passes a request as GitHub describes it', () => {
    expect(
      checkRequest({
        method: 'POST',
        path: '/repos/acme/shop/deployments',
        query: {},
        body: { ref: 'abc', environment: 'production', auto_merge: false, required_contexts: [], payload: {} },
      }),
    ).toEqual([]);
    expect(
      checkRequest({ method: 'GET', path: '/repos/acme/shop/deployments', query: { sha: 'abc', per_page: '100' } }),
    ).toEqual([]);
  });

  it('fails a wrong path, a misspelt body field and an unknown query parameter', () => {
    expect(checkRequest({ method: 'GET', path: '/repos/acme/shop/deployment', query: {} })[0]).toMatch(
      /no such operation/,
    );
    expect(
      checkRequest({ method: 'POST', path: '/repos/acme/shop/deployments', query: {}, body: { refs: 'abc' } }).join(),
    ).toMatch(/"refs" is not a property/);
    expect(
      checkRequest({ method: 'GET', path: '/repos/acme/shop/deployments', query: { shas: 'abc' } }).join(),
    ).toMatch(/"shas" is not one of its query parameters/);
  });

  it('the fake answers such a request 400 and records it', async () => {
    const failure = await client()
      .request('GET', '/repos/acme/shop/deployments?shas=abc')
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 400 });
    expect(taken()).toMatch(/"shas" is not one of its query parameters/);
  });
});

describe('GitHub REST conformance: answers', () => {
  const issue = (fields: Record<string, unknown>) => ({
    method: 'GET',
    path: '/repos/acme/shop/issues/1',
    status: 200,
    answer: fields,
  });

  it("fails an answer missing a property the operation's schema requires, or of the wrong type", () => {
    expect(checkResponse(issue({ id: 1, number: 1, state: 'open' })).join('\n')).toMatch(
      /issues\/get\) 200: the required property "title" is missing/,
    );
    expect(checkResponse({ ...issue({}), status: 418 })).toEqual([
      'GET /repos/{owner}/{repo}/issues/{issue_number} (issues/get): answered 418, not documented',
    ]);
    expect(
      checkResponse({ method: 'GET', path: '/repos/acme/shop/deployments', status: 200, answer: [{ id: '7' }] }).join(),
    ).toMatch(/200\[0\]\.id: is string, the description says integer/); // A field GitHub does not send: the kit could come to rely on it.
    expect(
      checkResponse({
        method: 'GET',
        path: '/repos/acme/shop/collaborators/dan/permission',
        status: 200,
        answer: { permission: 'write', role_name: 'write', user: null, can_deploy: true },
      }),
    ).toEqual([
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission (repos/get-collaborator-permission-level) 200: "can_deploy" is not a property the description knows',
    ]);
  });

  it('passes an error any operation may answer (404 as a basic-error)', () => {
    const answer = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
    expect(checkResponse({ ...issue({}), status: 404, answer })).toEqual([]);
  });

  it('the fake records its own answer that lacks a required field, and the guard fails the test', async () => {
    github.reset();
    github.addToken('t');
    const number = github.openIssue('dev', 'Release v1', 'body');
    // Break the fake's state the way a wrong fake would: an issue without a title.
    delete (github.issue(number) as Partial<Issue>).title;
    await client().request('GET', `/repos/acme/shop/issues/${number}`);
    expect(github.violations.join()).toMatch(/issues\/get\) 200: the required property "title" is missing/);
    expect(takeViolations).toThrow(/The fake GitHub saw what GitHub's description does not allow/);
    expect(github.violations).toEqual([]);
  });
});

describe('GitHub GraphQL conformance', () => {
  const EDITOR = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { issue(number: $number) { lastEditedAt editor { login } } }
}`;

  it("passes the kit's query (src/approval/verify.ts) and fails an unknown field or argument, a wrong variable type and a deprecated field", () => {
    expect(checkGraphQL(EDITOR).problems).toEqual([]);
    expect(checkGraphQL(EDITOR.replace('editor {', 'lastEditor {')).problems.join()).toMatch(
      /Cannot query field "lastEditor" on type "Issue"/,
    );
    expect(checkGraphQL(EDITOR.replace('issue(number: $number)', 'issue(id: $number)')).problems.join()).toMatch(
      /Unknown argument "id"/,
    );
    expect(checkGraphQL(EDITOR.replace('$number: Int!', '$number: String!')).problems.join()).toMatch(
      /Variable "\$number" of type "String!" used in position expecting type "Int!"/,
    );
    expect(checkGraphQL(EDITOR.replace('lastEditedAt', 'timeline(first: 1) { totalCount }')).problems.join()).toMatch(
      /The field Issue.timeline is deprecated/,
    );
  });

  it('the fake runs a valid query against the schema, and refuses a wrong one as GitHub does', async () => {
    github.reset();
    github.addToken('t');
    const number = github.openIssue('dev', 'Release v1', 'body');
    const variables = { owner: 'acme', repo: 'shop', number };
    expect(await client().graphql(EDITOR, variables)).toEqual({
      repository: { issue: { lastEditedAt: null, editor: null } },
    });
    const failure = await client()
      .graphql(EDITOR.replace('editor {', 'lastEditor {'), variables)
      .catch((e: unknown) => e);
    expect(String(failure)).toMatch(/GitHub GraphQL: Cannot query field "lastEditor" on type "Issue"/);
    expect(taken()).toMatch(/POST \/graphql: Cannot query field "lastEditor"/);
    const wrongType = await client()
      .graphql(EDITOR, { ...variables, number: String(number) })
      .catch((e: unknown) => e);
    expect(String(wrongType)).toMatch(/Int cannot represent non-integer value/);
    expect(taken()).toMatch(/Variable "\$number" has invalid value/);
  });
});
