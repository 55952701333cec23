/**
 * The kit's GitHub calls against GitHub's OpenAPI description (@octokit/openapi, issue 14).
 * The one fake (tests/harness/fake-github.ts) checks every request of every test with
 * checkRequest and answers 400 to one GitHub does not allow; here: that the check catches
 * a wrong path, field or query parameter.
 */
import { describe, expect, it } from '@jest/globals';
import { checkRequest } from './github-openapi.js';

describe('GitHub REST conformance check', () => {
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
});
