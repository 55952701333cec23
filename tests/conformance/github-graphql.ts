/**
 * GitHub's GraphQL API as its published schema states it (@octokit/graphql-schema, pinned in
 * package.json: node_modules/@octokit/graphql-schema/schema.json, the introspection of
 * api.github.com/graphql), and a check of a document against it — an unknown field, argument
 * or type, a wrong variable type, or a deprecated field (one GitHub will remove), is a problem. The schema is built once per test file, and
 * each document is checked once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
  NoDeprecatedCustomRule,
  buildClientSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';

export const GRAPHQL_SCHEMA_FILE = path.resolve('node_modules/@octokit/graphql-schema/schema.json');

let schema: GraphQLSchema | undefined;

/** GitHub's schema (built on first use: about 300 ms). */
export function githubSchema(): GraphQLSchema {
  // assumeValid: graphql 17 refuses GitHub's schema over deprecation marks (Project.id is
  // deprecated, Node.id is not), which changes nothing for validating and executing documents.
  schema ??= buildClientSchema(JSON.parse(readFileSync(GRAPHQL_SCHEMA_FILE, 'utf8')) as IntrospectionQuery, {
    assumeValid: true,
  });
  return schema;
}

const checked = new Map<string, { document?: DocumentNode; problems: string[] }>();

/** The document parsed and its problems against GitHub's schema (none: it is one GitHub runs). */
export function checkGraphQL(query: string): { document?: DocumentNode; problems: string[] } {
  let result = checked.get(query);
  if (!result) {
    try {
      const document = parse(query);
      // A deprecated field is one GitHub has announced it will remove: the kit must not use it.
      const rules = [...specifiedRules, NoDeprecatedCustomRule];
      result = { document, problems: validate(githubSchema(), document, rules).map((e) => e.message) };
    } catch (error) {
      result = { problems: [(error as Error).message] };
    }
    checked.set(query, result);
  }
  return result;
}
