/**
 * The reusable workflows with `manifest:` (several services, one release): the scenarios that
 * matter, with what must happen to each service. The workflow's job graph and `if:`s are
 * GitHub's parser and evaluator (simulate.ts); the release step is the release action's own
 * logic against in-memory platforms (release-model.ts), handed the `with:` and `env:` the
 * workflow passes it; a cancelled release is finished by the action's post step when its
 * post-if (actions/release/action.yml) says so. `npx tsx tests/workflows/release-scenarios.ts`
 * prints the table the README shows.
 */
import { type MemoryPlatform, type ReleaseScript, releaseModel } from './release-model.js';
import {
  type Case,
  STAGING,
  approveComment,
  approvedCheck,
  comment,
  environmentJob,
  mark,
  production,
  staging,
} from './scenarios.js';
import { type Simulation, kitStepsRan, simulate } from './simulate.js';

export const MANIFEST = `services:
  api:
    provider: railway
    service: api
    smoke: { path: /health }
  web:
    provider: vercel
    needs: [api]
    primary: true
    org-id: team_shop
    project-id: prj_shop
    smoke: { path: / }
environments:
  staging:
    services:
      api: { environment: staging }
  production:
    services:
      web: { production: true }
`;

export const releaseSecrets = {
  RAILWAY_TOKEN: 'rw-secret-token',
  VERCEL_TOKEN: 'vc-secret-token',
  DATABASE_URL: 'postgres://app:pw@db/app',
};
const manifestInputs = { provider: '', manifest: 'deploy-kit.yml' };

/** Where a service ends: what it serves, how often the release deployed and rolled it back. */
export interface ServiceEnd {
  live: string;
  deploys: number;
  rollbacks: number;
}

export interface ReleaseCase extends Case {
  /** The release's script; the manifest defaults to MANIFEST. */
  release: Partial<ReleaseScript>;
  after: {
    services: Record<string, ServiceEnd>;
    /** Outputs of the environment job (what the workflow's outputs read). */
    outputs?: Record<string, string>;
  };
}

const v1 = (name: string): ServiceEnd => ({ live: `${name}-v1`, deploys: 0, rollbacks: 0 });
const live = (name: string): ServiceEnd => ({ live: `${name}-v2`, deploys: 1, rollbacks: 0 });
const back = (name: string): ServiceEnd => ({ live: `${name}-v1`, deploys: 1, rollbacks: 1 });
/** Deployed, the platform refused it: the old deployment never stopped serving. */
const refused = (name: string): ServiceEnd => ({ live: `${name}-v1`, deploys: 1, rollbacks: 0 });

type Builder = typeof staging;
const releaseCase = (
  build: Builder,
  name: string,
  extra: Parameters<Builder>[1] & { release?: ReleaseCase['release'] },
  expect: Case['expect'],
  after: ReleaseCase['after'],
): ReleaseCase => ({
  ...build(
    name,
    { ...extra, inputs: { ...manifestInputs, ...extra.inputs }, secrets: extra.secrets ?? releaseSecrets },
    expect,
  ),
  release: extra.release ?? {},
  after,
});

const secondFailsSmoke = { services: { web: { smoke: 'failed' as const } } };
const firstFails = { services: { api: { deploy: 'failed' as const } } };
const cancelledBetween = { cancelAfter: 'api' };
const webUrl = 'https://web-v2.example.com';

export const releaseCases: ReleaseCase[] = [
  releaseCase(
    staging,
    'several services, all green',
    {},
    {
      jobs: { gate: 'success', deploy: 'success' },
      steps: ['preflight', 'migrate', 'release'],
      environmentUrl: webUrl,
    },
    { services: { api: live('api'), web: live('web') }, outputs: { url: webUrl, 'rolled-back': 'false' } },
  ),
  releaseCase(
    staging,
    'the second service fails its smoke test → both rolled back',
    { release: secondFailsSmoke },
    { jobs: { gate: 'success', deploy: 'failure' }, steps: ['preflight', 'migrate', 'release'] },
    { services: { api: back('api'), web: back('web') }, outputs: { url: '', 'rolled-back': 'true' } },
  ),
  releaseCase(
    staging,
    'the first service fails → the second never deployed',
    { release: firstFails },
    { jobs: { gate: 'success', deploy: 'failure' }, steps: ['preflight', 'migrate', 'release'] },
    { services: { api: refused('api'), web: v1('web') }, outputs: { 'rolled-back': 'true' } },
  ),
  releaseCase(
    staging,
    'cancelled between services → the first rolled back (post step)',
    { release: cancelledBetween },
    { jobs: { gate: 'success', deploy: 'cancelled' }, steps: ['preflight', 'migrate', 'release'] },
    { services: { api: back('api'), web: v1('web') } },
  ),
  releaseCase(
    staging,
    'the second fails, rollback: false → both left as they are',
    { inputs: { rollback: false }, release: secondFailsSmoke },
    { jobs: { gate: 'success', deploy: 'failure' }, steps: ['preflight', 'migrate', 'release'] },
    { services: { api: live('api'), web: live('web') }, outputs: { 'rolled-back': 'false' } },
  ),
  releaseCase(
    staging,
    "a platform's secret empty → stopped before the migration",
    { steps: { 'release-secrets': { outcome: 'failure' } } },
    { jobs: { gate: 'success', deploy: 'failure' }, steps: [] },
    { services: {} },
  ),
  releaseCase(
    production,
    'several services, all green: one approval, one backup, one migration',
    {},
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['preflight', 'backup', 'migrate', 'release'],
      environmentUrl: webUrl,
    },
    { services: { api: live('api'), web: live('web') }, outputs: { url: webUrl, 'rolled-back': 'false' } },
  ),
  releaseCase(
    production,
    "a platform's secret empty → no backup, no migration, nothing released",
    { steps: { 'release-secrets': { outcome: 'failure' } } },
    { jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' }, steps: [] },
    { services: {} },
  ),
  releaseCase(
    production,
    'the second service fails its smoke test → both rolled back',
    { release: secondFailsSmoke },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate', 'release'],
    },
    { services: { api: back('api'), web: back('web') }, outputs: { 'rolled-back': 'true' } },
  ),
  releaseCase(
    production,
    'the first service fails → the second never deployed',
    { release: firstFails },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate', 'release'],
    },
    { services: { api: refused('api'), web: v1('web') } },
  ),
  releaseCase(
    production,
    'cancelled between services → the first rolled back (post step)',
    { release: cancelledBetween },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'cancelled' },
      steps: ['preflight', 'backup', 'migrate', 'release'],
    },
    { services: { api: back('api'), web: v1('web') } },
  ),
  releaseCase(
    production,
    'approval: comment, /approve → one production job releases every service',
    { inputs: comment, github: approveComment, steps: { 'approval.check': approvedCheck } },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'success',
        report: 'success',
      },
      steps: ['claim', 'preflight', 'backup', 'migrate', 'release'],
      environmentUrl: webUrl,
    },
    { services: { api: live('api'), web: live('web') }, outputs: { 'rolled-back': 'false' } },
  ),
  releaseCase(
    production,
    'approval: comment, approved, the second fails → both rolled back, reported',
    { inputs: comment, github: approveComment, steps: { 'approval.check': approvedCheck }, release: secondFailsSmoke },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'failure',
        report: 'success',
      },
      steps: ['claim', 'preflight', 'backup', 'migrate', 'release'],
    },
    { services: { api: back('api'), web: back('web') }, outputs: { 'rolled-back': 'true' } },
  ),
];

export interface ReleaseRun {
  sim: Simulation;
  platforms: Record<string, MemoryPlatform>;
  calls: ReturnType<typeof releaseModel>['calls'];
  /** The release action's post step found the release unfinished and rolled it back. */
  postFinished: boolean;
}

/** Simulates the case with a fresh release model (fresh platforms) for its release step. */
export async function runReleaseCase(c: ReleaseCase): Promise<ReleaseRun> {
  const model = releaseModel({ manifest: MANIFEST, ...c.release });
  const step = { ...model.step, ...c.steps?.release };
  const sim = await simulate({ ...c, steps: { ...c.steps, release: step } });
  return { sim, platforms: model.platforms, calls: model.calls, postFinished: model.postFinished() };
}

/** Each service's end as one word list: `api v2`, `api v1 (rolled back)`, `web v1 (not deployed)`. */
export function servicesAfter(platforms: Record<string, MemoryPlatform>): string {
  return (
    Object.values(platforms)
      .map((p) => {
        const version = p.live.slice(p.name.length + 1);
        const how = p.rollbacks
          ? ' (rolled back)'
          : !p.deploys
            ? ' (never deployed)'
            : p.live.endsWith('v1')
              ? ' (refused)'
              : '';
        return `${p.name} ${version}${how}`;
      })
      .join(', ') || '(nothing deployed)'
  );
}

export function releaseTableRow(c: ReleaseCase, run: ReleaseRun): string {
  const jobs = run.sim.order.map((id) => `${id} ${mark[run.sim.jobs[id]?.result ?? 'skipped']}`).join(', ');
  const job = run.sim.jobs[environmentJob(c)];
  const steps = kitStepsRan(job).join(' → ') || '(none)';
  const posts = run.postFinished ? ' → post: roll back' : '';
  const workflow = c.workflow === STAGING ? 'staging' : 'production';
  return `| ${workflow} | ${c.name} | ${jobs} | ${steps}${posts} | ${servicesAfter(run.platforms)} | ${job?.environmentUrl || ''} |`;
}

export const RELEASE_TABLE_HEAD = [
  '| workflow | scenario | jobs | kit steps run in the environment job | services after | environment URL |',
  '| --- | --- | --- | --- | --- | --- |',
];

export async function releaseTable(): Promise<string> {
  const rows = [...RELEASE_TABLE_HEAD];
  for (const c of releaseCases) rows.push(releaseTableRow(c, await runReleaseCase(c)));
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await releaseTable());
