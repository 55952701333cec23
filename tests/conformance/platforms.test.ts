/**
 * The kit against the platforms' own published descriptions, so the next divergence fails
 * CI rather than a user's deploy:
 * - every Railway GraphQL document the kit sends, validated against railwayapp/cli's schema
 *   (the excerpt beside this file; the full schema.json too when RAILWAY_SCHEMA_JSON names it);
 * - every Vercel field the kit reads, checked against @vercel/sdk's models (at compile time by
 *   `npm run typecheck`, and the state enums at run time);
 * - every Render call the kit makes (method, path, query, body) and every field it reads,
 *   checked against Render's OpenAPI as render-oss/cli generates its client from it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type GraphQLEnumType, buildClientSchema, buildSchema, parse, validate } from 'graphql';
import type { Deployments as VercelListItem } from '@vercel/sdk/models/getdeploymentsop.js';
import { GetDeploymentsReadyState } from '@vercel/sdk/models/getdeploymentsop.js';
import type { GetDeploymentResponseBody2 } from '@vercel/sdk/models/getdeploymentresponsebody1.js';
import type { GetProjectResponseBody } from '@vercel/sdk/models/getprojectresponsebody.js';
import { QUERIES } from '../../src/providers/railway/graphql.js';
import { RAILWAY_PHASES } from '../../src/providers/railway/statuses.js';
import {
  FAILED_STATES,
  type ReadyState,
  type VercelDeployment,
  type VercelProject,
} from '../../src/providers/vercel/api.js';
import { deployFlow } from '../../src/providers/deploy-flow.js';
import { rollbackFlow } from '../../src/providers/rollback.js';
import { RenderProvider } from '../../src/providers/render/render.js';
import { PHASES as RENDER_PHASES } from '../../src/providers/render/statuses.js';
import { FakeRenderApi, initialRenderState } from '../fakes/render-api.js';

const here = path.join(process.cwd(), 'tests/conformance');

describe('Railway: every GraphQL document the kit sends is valid against the schema railwayapp/cli ships', () => {
  const excerpt = buildSchema(readFileSync(path.join(here, 'railway-schema.excerpt.graphql'), 'utf8'));
  it.each(Object.entries(QUERIES))('%s', (_name, document) => {
    expect(validate(excerpt, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it('the kit maps every DeploymentStatus the schema has', () => {
    const statuses = (excerpt.getType('DeploymentStatus') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(Object.keys(RAILWAY_PHASES).sort()).toEqual(statuses.sort());
  });

  const full = process.env.RAILWAY_SCHEMA_JSON;
  (full && existsSync(full) ? it : it.skip)('and against the full schema.json (RAILWAY_SCHEMA_JSON)', () => {
    const json = JSON.parse(readFileSync(full as string, 'utf8')) as { data: Parameters<typeof buildClientSchema>[0] };
    const schema = buildClientSchema(json.data, { assumeValid: true });
    for (const document of Object.values(QUERIES))
      expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });
});

// Compile-time: each field the kit reads is a key of @vercel/sdk 1.28.35's model of that answer
// (`npm run typecheck` fails otherwise). The read sets are what src/providers/vercel reads.
type Missing<Read, Model> = Exclude<keyof Read, keyof Model>;
type Assert<T extends never> = T;
/** GET /v6/deployments items (Deployments, getdeploymentsop.ts:693-848): read by `uid`. */
export type ListFieldsExist = Assert<
  Missing<
    { uid: string } & Pick<VercelDeployment, 'url' | 'createdAt' | 'readyState' | 'state' | 'target'>,
    VercelListItem
  >
>;
/** GET /v13/deployments/:id (GetDeploymentResponseBody2, getdeploymentresponsebody1.ts: the full deployment). */
export type DeploymentFieldsExist = Assert<Missing<Omit<VercelDeployment, 'state'>, GetDeploymentResponseBody2>>;
/** GET /v9/projects/:id (GetProjectResponseBody: id, name, targets, lastAliasRequest). */
export type ProjectFieldsExist = Assert<Missing<VercelProject, GetProjectResponseBody>>;
/** targets.production: read as the live deployment (api.ts toDeployment, vercel.ts pinnedByRollback). */
type Target = NonNullable<NonNullable<GetProjectResponseBody['targets']>[string]>;
export type TargetFieldsExist = Assert<
  Missing<Pick<VercelDeployment, 'id' | 'url' | 'alias' | 'readyState' | 'createdAt'>, Target>
>;
type AliasRequest = NonNullable<GetProjectResponseBody['lastAliasRequest']>;
export type AliasRequestFieldsExist = Assert<Missing<NonNullable<VercelProject['lastAliasRequest']>, AliasRequest>>;

describe("Vercel: the fields and states the kit reads are @vercel/sdk's", () => {
  it('every readyState the SDK knows is one the kit knows, BLOCKED and DELETED among the failed', () => {
    const sdk = Object.values(GetDeploymentsReadyState).sort();
    const kit: ReadyState[] = [
      'QUEUED',
      'INITIALIZING',
      'BUILDING',
      'READY',
      'ERROR',
      'CANCELED',
      'BLOCKED',
      'DELETED',
    ];
    expect(kit.sort()).toEqual(sdk);
    expect([...FAILED_STATES].sort()).toEqual(['BLOCKED', 'CANCELED', 'DELETED', 'ERROR']);
  });
});

interface Operation {
  operationId: string;
  method: string;
  path: string;
  query: string[];
  arrays?: string[];
  body?: string[];
  required?: string[];
}
interface Excerpt {
  base: string;
  operations: Operation[];
  enums: Record<string, string[]>;
  models: Record<string, string[]>;
}

describe("Render: every call the kit makes is one Render's OpenAPI describes", () => {
  const excerpt = JSON.parse(readFileSync(path.join(here, 'render-api.excerpt.json'), 'utf8')) as Excerpt;
  let api: FakeRenderApi | undefined;
  afterEach(() => api?.stop());

  const operationOf = (method: string, pathname: string): Operation | undefined =>
    excerpt.operations.find((op) => {
      const pattern = new RegExp(`^${excerpt.base}${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return op.method === method && pattern.test(pathname);
    });

  it('deploy, failed deploy log tail, previous deploy and rollback: methods, paths, query and bodies conform', async () => {
    api = new FakeRenderApi(initialRenderState({ scenario: 'build_failed', queued: true }));
    const url = await api.start();
    const provider = new RenderProvider(
      {
        token: api.state.apiKey,
        serviceId: api.state.service.id,
        commit: 'abc1234',
        commitGiven: true,
        clearCache: true,
        apiUrl: url,
      },
      {
        cli: () => Promise.reject(new Error('no CLI')),
        run: () => Promise.reject(new Error('no CLI')),
        fetch,
        env: {},
        log: () => undefined,
        sleep: () => Promise.resolve(),
      },
    );
    const report = await deployFlow(provider, { timeoutMs: 30_000, log: () => undefined, onPrevious: () => undefined });
    expect(report.outcome.status).toBe('failed');
    expect(report.outcome.logTail).toContain('npm ERR!');
    const rolled = await rollbackFlow(provider, {
      reason: 'conformance',
      timeoutMs: 30_000,
      log: () => undefined,
      sleep: () => Promise.resolve(),
      pollMs: 1,
    });
    expect(rolled.rolledBack).toBe(true);

    const seen = new Set<string>();
    for (const call of api.state.calls) {
      const op = operationOf(call.method, call.path);
      expect({ call: `${call.method} ${call.path}`, known: !!op }).toEqual({
        call: `${call.method} ${call.path}`,
        known: true,
      });
      if (!op) continue;
      seen.add(op.operationId);
      for (const [key, values] of Object.entries(call.query)) {
        expect(op.query).toContain(key);
        if (values.length > 1) expect(op.arrays ?? []).toContain(key);
        if (key === 'status') for (const v of values) expect(excerpt.enums.DeployStatus).toContain(v);
        if (key === 'direction') expect(excerpt.enums.direction).toContain(values[0]);
      }
      for (const key of op.required ?? [])
        expect({ [key]: key in call.query || key in ((call.body as object) ?? {}) }).toEqual({ [key]: true });
      if (call.body !== undefined) {
        expect(op.body).toBeDefined();
        for (const key of Object.keys(call.body as object)) expect(op.body).toContain(key);
        const clear = (call.body as { clearCache?: string }).clearCache;
        if (clear !== undefined) expect(excerpt.enums.clearCache).toContain(clear);
      }
    }
    expect([...seen].sort()).toEqual([
      'CreateDeploy',
      'ListDeploys',
      'ListLogs',
      'RetrieveDeploy',
      'RetrieveService',
      'RollbackDeploy',
    ]);
  });

  it("the kit's statuses are Render's, and the fields it reads are in Render's models", () => {
    expect(Object.keys(RENDER_PHASES).sort()).toEqual([...(excerpt.enums.DeployStatus ?? [])].sort());
    const src = (file: string) => readFileSync(path.join(process.cwd(), 'src/providers/render', file), 'utf8');
    const interfaceFields = (text: string, name: string) =>
      [
        ...(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1] ?? '').matchAll(
          /^ {2}(\w+)\??:/gm,
        ),
      ].map((m) => m[1]);
    const api = src('api.ts');
    expect(interfaceFields(api, 'RenderDeploy').filter((f) => !excerpt.models.Deploy?.includes(f as string))).toEqual(
      [],
    );
    expect(interfaceFields(api, 'RenderService').filter((f) => !excerpt.models.Service?.includes(f as string))).toEqual(
      [],
    );
  });
});
