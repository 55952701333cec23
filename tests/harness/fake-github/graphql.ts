/**
 * POST /graphql (docs.github.com/graphql/guides/forming-calls-with-graphql): the document is
 * validated against GitHub's published schema (tests/conformance/github-graphql.ts), then run
 * by graphql-js against that schema over the fake's state, so an answer has exactly the fields
 * asked for, with the schema's types. A document GitHub would refuse is answered as GitHub does
 * (200 with `errors`, no `data`) and is a violation. What the fake holds:
 *   Query.repository(owner, name) — the fake's own repository, else null with a NOT_FOUND error;
 *   Repository.issue(number) — docs.github.com/graphql/reference/objects#issue: number, title,
 *   body, state, url, createdAt, updatedAt, author, and editor / lastEditedAt (who last changed
 *   the body, and when: set by a REST PATCH that changes it; null until then); an absent issue
 *   is null with a NOT_FOUND error.
 */
import { GraphQLError, execute } from 'graphql';
import { checkGraphQL, githubSchema } from '../../conformance/github-graphql.js';
import type { FakeGitHub } from './fake.js';
import type { Exchange, Issue } from './model.js';

const notFound = (message: string) => new GraphQLError(message, { extensions: { type: 'NOT_FOUND' } });

export async function graphqlRoute(github: FakeGitHub, { res, body }: Exchange): Promise<void> {
  const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
  const refuse = (problems: string[]) => {
    github.violations.push(...problems.map((p) => `POST /graphql: ${p}`));
    github.send(res, 200, { errors: problems.map((message) => ({ message })) });
  };
  if (typeof query !== 'string') return refuse(['A query attribute must be specified and must be a string.']);
  const { document, problems } = checkGraphQL(query);
  if (!document || problems.length) return refuse(problems);
  const result = await execute({
    schema: githubSchema(),
    document,
    variableValues: variables,
    rootValue: {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        if (`${owner}/${name}`.toLowerCase() !== `${github.owner}/${github.name}`.toLowerCase())
          throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return {
          issue: ({ number }: { number: number }) => {
            const issue = github.issue(number);
            if (!issue) throw notFound(`Could not resolve to an issue or pull request with the number of ${number}.`);
            return issueNode(github, issue);
          },
        };
      },
    },
  });
  // A variable of the wrong type, or a field the fake cannot answer, is a problem of the kit
  // or of the fake; NOT_FOUND is GitHub's own answer.
  const errors = result.errors ?? [];
  github.violations.push(
    ...errors.filter((e) => e.extensions.type !== 'NOT_FOUND').map((e) => `POST /graphql: ${e.message}`),
  );
  github.send(res, 200, {
    ...(result.data === undefined ? {} : { data: result.data }),
    ...(errors.length
      ? { errors: errors.map((e) => ({ type: e.extensions.type, message: e.message, path: e.path })) }
      : {}),
  });
}

function issueNode(github: FakeGitHub, issue: Issue) {
  const actor = (login: string) => ({
    __typename: github.userJson(login).type === 'Bot' ? 'Bot' : 'User',
    login,
    url: `https://github.com/${login}`,
  });
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state.toUpperCase(),
    url: `https://github.com/${github.owner}/${github.name}/issues/${issue.number}`,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    author: actor(issue.user),
    lastEditedAt: issue.lastEditedAt ?? null,
    editor: issue.editor ? actor(issue.editor) : null,
  };
}
