/**
 * The scenarios that matter for the two reusable workflows, with what must happen in each.
 * tests/workflows/scenarios.test.ts asserts them; `npx tsx tests/workflows/scenarios.ts`
 * prints the table (the same one the README and the issue note show).
 */
import {
  simulate,
  kitStepsRan,
  type Scenario,
  type Outcome,
  type Simulation,
  type StepCall,
  type StepResult,
} from './simulate.js';

export const STAGING = '.github/workflows/deploy-staging.yml';
export const PRODUCTION = '.github/workflows/deploy-production.yml';
const base = { provider: 'railway', 'test-commands': 'npm test', 'migration-tool': 'sql' };
const secrets = { DEPLOY_TOKEN: 'token', DATABASE_URL: 'postgres://app:pw@db/app' };
/** What a deploy step writes when it deployed: the common outputs (docs/design.md "Deploying"). */
const deployed = {
  'deployment-id': 'dpl_new',
  url: 'https://app-new.example.com',
  'previous-deployment-id': 'dpl_old',
  status: 'success',
};
/** A deploy that failed before anything reached the platform: only what was live is known. */
const notDeployed = { 'previous-deployment-id': 'dpl_old', status: 'failed' };

export interface Case extends Scenario {
  expect: {
    jobs: Record<string, Outcome>;
    /** The kit's steps that ran in the environment's job, in order. */
    steps: string[];
    environmentUrl?: string;
  };
}

export const staging = (name: string, extra: Partial<Scenario>, expect: Case['expect']): Case => ({
  name,
  workflow: STAGING,
  inputs: { ...base, ...extra.inputs },
  secrets: extra.secrets ?? secrets,
  steps: { deploy: { outputs: deployed }, ...extra.steps },
  expect,
});
/** Jobs a scenario does not name are expected skipped (the approval: comment ones, mostly). */
const commentJobs = {
  'release-issue': 'skipped',
  approval: 'skipped',
  production: 'skipped',
  report: 'skipped',
} as const;
export const production = (name: string, extra: Partial<Scenario>, expect: Case['expect']): Case => ({
  ...staging(name, extra, { ...expect, jobs: { ...commentJobs, ...expect.jobs } }),
  github: extra.github,
  workflow: PRODUCTION,
});

// approval: comment — the tag push opens the release issue; the /approve comment's run deploys.
const tagPush = { event_name: 'push', ref: 'refs/tags/v1.2.0' };
export const approveComment = {
  event_name: 'issue_comment',
  ref: 'refs/heads/main',
  sha: 'feedfacefeedfacefeedfacefeedfacefeedface',
  event: { action: 'created', comment: { body: '/approve' }, issue: { number: 7 } },
};
export const approvedCheck = {
  outputs: { approved: 'true', sha: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.2.0', 'issue-number': '7' },
};
export const comment = { approval: 'comment', approvers: 'alice' };

/** A chat service that is down: every notify step fails (continue-on-error keeps the job going). */
const notifyDown = Object.fromEntries(
  ['notify-started', 'notify-gate-failed', 'notify-approval', 'notify-deploying', 'notify-outcome'].map((id) => [
    id,
    { outcome: 'failure' as const },
  ]),
);
const SCRATCH = 'postgres://app:pw@scratch/app_rehearsal';
/** backup-db: fails unless the workflow asks it to restore the fresh backup into the scratch database. */
const restoredIntoScratch = async (call: StepCall): Promise<StepResult> =>
  call.with['restore-check-url'] === SCRATCH ? {} : { outcome: 'failure' };
/** migrate with rehearse-url: the rehearsal on the scratch copy passes or fails (then production is not touched). */
const rehearsal =
  (passes: boolean) =>
  async (call: StepCall): Promise<StepResult> =>
    call.with['rehearse-url'] === SCRATCH && passes ? { outputs: { applied: '2' } } : { outcome: 'failure' };
const freeze = 'Fri 16:00 - Mon 08:00 Europe/Berlin\nDec 24 - Jan 2 Europe/Berlin';
/** require-deployment refusing a commit that has not soaked: only when the workflow passes it min-age. */
const soakFails = async (call: StepCall): Promise<StepResult> =>
  call.with['min-age'] === '24h' && call.with.sha ? { outcome: 'failure', outputs: { 'live-ms': '3600000' } } : {};
/** A smoke test whose watch window catches a degrading release: it fails only when the workflow passes it `watch`. */
const watchFails = async (call: StepCall): Promise<StepResult> =>
  call.with.watch === '10m' ? { outcome: 'failure', outputs: { passed: 'false', samples: '42' } } : {};

export const cases: Case[] = [
  staging(
    'all green',
    {},
    {
      jobs: { gate: 'success', deploy: 'success' },
      steps: ['preflight', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'gate fails → nothing deploys',
    { steps: { 'gate.gate': { outcome: 'failure' } } },
    {
      jobs: { gate: 'failure', deploy: 'skipped' },
      steps: [],
    },
  ),
  staging(
    'bad settings (provider) → nothing deploys',
    { steps: { 'gate.settings': { outcome: 'failure' } } },
    {
      jobs: { gate: 'failure', deploy: 'skipped' },
      steps: [],
    },
  ),
  staging(
    'staging secret missing → nothing touched',
    { steps: { 'deploy.secrets': { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: [],
    },
  ),
  staging(
    'migration fails → no deploy, no rollback',
    { steps: { migrate: { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate'],
    },
  ),
  staging(
    'smoke fails → rollback runs',
    { steps: { deploy: { outputs: deployed }, smoke: { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate', 'deploy', 'smoke', 'rollback'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'deploy fails before deploying → no rollback',
    { steps: { deploy: { outcome: 'failure', outputs: notDeployed } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate', 'deploy'],
    },
  ),
  staging(
    'deploy fails after deploying → rollback runs',
    { steps: { deploy: { outcome: 'failure', outputs: { ...deployed, status: 'failed' } } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate', 'deploy', 'rollback'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'deploy cancelled mid-way → rollback runs',
    { steps: { deploy: { outcome: 'cancelled', outputs: notDeployed } } },
    {
      jobs: { gate: 'success', deploy: 'cancelled' },
      steps: ['preflight', 'migrate', 'deploy', 'rollback'],
    },
  ),
  staging(
    'smoke fails, rollback: false → no rollback',
    { inputs: { rollback: false }, steps: { deploy: { outputs: deployed }, smoke: { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'no database (migration-tool: none)',
    { inputs: { 'migration-tool': 'none' } },
    {
      jobs: { gate: 'success', deploy: 'success' },
      steps: ['deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'the platform migrates (migration-tool: platform) → no migrate step',
    { inputs: { 'migration-tool': 'platform' }, secrets: { DEPLOY_TOKEN: 'token' } },
    {
      jobs: { gate: 'success', deploy: 'success' },
      steps: ['deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    "migration-tool: platform, the platform's pre-deploy step fails → deploy fails, the old deployment still live",
    {
      inputs: { 'migration-tool': 'platform' },
      secrets: { DEPLOY_TOKEN: 'token' },
      // a failed deploy writes its deployment id and what was live, never a url (deploy-action.ts)
      steps: {
        deploy: {
          outcome: 'failure',
          outputs: { 'deployment-id': 'dpl_new', 'previous-deployment-id': 'dpl_old', status: 'failed' },
        },
      },
    },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      // rollback-on-failure finds the previous deployment still live and changes nothing
      steps: ['deploy', 'rollback'],
    },
  ),
  staging(
    'smoke-watch: the release degrades in the watch window → rollback runs',
    { inputs: { 'smoke-watch': '10m' }, steps: { smoke: { run: watchFails } } },
    {
      jobs: { gate: 'success', deploy: 'failure' },
      steps: ['preflight', 'migrate', 'deploy', 'smoke', 'rollback'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  staging(
    'NOTIFY_WEBHOOK given, every notification fails → the deploy is still green',
    { secrets: { ...secrets, NOTIFY_WEBHOOK: 'https://hooks.example.com/x' }, steps: notifyDown },
    {
      jobs: { gate: 'success', deploy: 'success' },
      steps: ['notify-deploying', 'preflight', 'migrate', 'deploy', 'smoke', 'notify-outcome'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'all green',
    {},
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'gate fails → nothing deploys',
    { steps: { 'gate.gate': { outcome: 'failure' } } },
    {
      jobs: { gate: 'failure', 'require-staging': 'skipped', production: 'skipped' },
      steps: [],
    },
  ),
  production(
    'backup fails → no migration, no deploy',
    { steps: { backup: { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup'],
    },
  ),
  production(
    'smoke fails → rollback runs',
    { steps: { deploy: { outputs: deployed }, smoke: { outcome: 'failure' } } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'smoke', 'rollback'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'deploy fails before deploying → no rollback',
    { steps: { deploy: { outcome: 'failure', outputs: notDeployed } } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate', 'deploy'],
    },
  ),
  production(
    'deploy cancelled mid-way → rollback runs',
    { steps: { deploy: { outcome: 'cancelled', outputs: notDeployed } } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'cancelled' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'rollback'],
    },
  ),
  production(
    'smoke-watch: the release degrades in the watch window → rollback runs',
    { inputs: { 'smoke-watch': '10m' }, steps: { smoke: { run: watchFails } } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'smoke', 'rollback'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'NOTIFY_WEBHOOK given, every notification fails → production is still green',
    { secrets: { ...secrets, NOTIFY_WEBHOOK: 'https://hooks.example.com/x' }, steps: notifyDown },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['notify-deploying', 'preflight', 'backup', 'migrate', 'deploy', 'smoke', 'notify-outcome'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'require-staging: commit passed staging',
    { inputs: { 'require-staging': true } },
    {
      jobs: { gate: 'success', 'require-staging': 'success', production: 'success' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'require-staging: commit never passed staging → nothing deploys, no approval asked',
    { inputs: { 'require-staging': true }, steps: { 'require-staging.staging': { outcome: 'failure' } } },
    { jobs: { gate: 'success', 'require-staging': 'failure', production: 'skipped' }, steps: [] },
  ),
  production(
    'require-staging + staging-min-age: not live on staging long enough → nothing deploys, no approval asked',
    {
      inputs: { 'require-staging': true, 'staging-min-age': '24h' },
      steps: { 'require-staging.staging': { run: soakFails } },
    },
    { jobs: { gate: 'success', 'require-staging': 'failure', production: 'skipped' }, steps: [] },
  ),
  production(
    'freeze window now, require-staging off → refused before the approval',
    { inputs: { freeze }, steps: { 'require-staging.freeze': { outcome: 'failure' } } },
    { jobs: { gate: 'success', 'require-staging': 'failure', production: 'skipped' }, steps: [] },
  ),
  production(
    'freeze windows, none open (or bypassed) → deploys, checked again when the job starts',
    { inputs: { freeze } },
    {
      jobs: { gate: 'success', 'require-staging': 'success', production: 'success' },
      steps: ['freeze', 'preflight', 'backup', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'rehearse: the backup is restored into the scratch database and migrated there first → deploys',
    {
      inputs: { rehearse: true },
      secrets: { ...secrets, REHEARSE_DATABASE_URL: SCRATCH },
      steps: { backup: { run: restoredIntoScratch }, migrate: { run: rehearsal(true) } },
    },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['preflight', 'backup', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'rehearse: the migrations fail on the scratch copy → production not migrated, nothing deploys',
    {
      inputs: { rehearse: true },
      secrets: { ...secrets, REHEARSE_DATABASE_URL: SCRATCH },
      steps: { backup: { run: restoredIntoScratch }, migrate: { run: rehearsal(false) } },
    },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'failure' },
      steps: ['preflight', 'backup', 'migrate'],
    },
  ),
  production(
    'no database (migration-tool: none) → no backup',
    { inputs: { 'migration-tool': 'none' } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'the platform migrates (migration-tool: platform) → backup, then deploy; no migrate step',
    { inputs: { 'migration-tool': 'platform' } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['preflight', 'backup', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'migration-tool: platform, backup: false → no database step (DATABASE_URL not needed)',
    { inputs: { 'migration-tool': 'platform', backup: false }, secrets: { DEPLOY_TOKEN: 'token' } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'backup: false → migrate without a backup',
    { inputs: { backup: false } },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', production: 'success' },
      steps: ['preflight', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'approval: comment, tag push → gate, release issue, then the run ends',
    { inputs: comment, github: tagPush },
    {
      jobs: { gate: 'success', 'require-staging': 'skipped', 'release-issue': 'success' },
      steps: [],
    },
  ),
  production(
    'approval: comment, tag push, gate fails → no release issue',
    { inputs: comment, github: tagPush, steps: { 'gate.gate': { outcome: 'failure' } } },
    { jobs: { gate: 'failure', 'require-staging': 'skipped' }, steps: [] },
  ),
  production(
    'approval: comment, tag push, commit never passed staging → no release issue',
    {
      inputs: { ...comment, 'require-staging': true },
      github: tagPush,
      steps: { 'require-staging.staging': { outcome: 'failure' } },
    },
    { jobs: { gate: 'success', 'require-staging': 'failure' }, steps: [] },
  ),
  production(
    'approval: comment, tag push inside a freeze window → no release issue',
    { inputs: { ...comment, freeze }, github: tagPush, steps: { 'require-staging.freeze': { outcome: 'failure' } } },
    { jobs: { gate: 'success', 'require-staging': 'failure' }, steps: [] },
  ),
  production(
    'approval: comment, approved after a freeze window opened → refused before anything is touched',
    {
      inputs: { ...comment, freeze },
      github: approveComment,
      steps: { 'approval.check': approvedCheck, 'production.freeze': { outcome: 'failure' } },
    },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'failure',
        report: 'success',
      },
      steps: ['claim', 'freeze'],
    },
  ),
  production(
    'approval: comment, /approve passes the check → production job, outcome reported',
    { inputs: comment, github: approveComment, steps: { 'approval.check': approvedCheck } },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'success',
        report: 'success',
      },
      steps: ['claim', 'preflight', 'backup', 'migrate', 'deploy', 'smoke'],
      environmentUrl: 'https://app-new.example.com',
    },
  ),
  production(
    'approval: comment, failed jobs re-run on the same approval → the claim refuses, nothing deploys',
    {
      inputs: comment,
      github: approveComment,
      steps: { 'approval.check': approvedCheck, 'production.claim': { outcome: 'failure' } },
    },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'failure',
        report: 'success',
      },
      steps: ['claim'],
    },
  ),
  production(
    'approval: comment, comment refused by the check → nothing deploys',
    {
      inputs: comment,
      github: approveComment,
      steps: { 'approval.check': { outputs: { approved: 'false', 'issue-number': '7' } } },
    },
    { jobs: { gate: 'skipped', 'require-staging': 'skipped', approval: 'success' }, steps: [] },
  ),
  production(
    'approval: comment, the check itself fails (API down) → nothing deploys',
    { inputs: comment, github: approveComment, steps: { 'approval.check': { outcome: 'failure' } } },
    { jobs: { gate: 'skipped', 'require-staging': 'skipped', approval: 'failure' }, steps: [] },
  ),
  production(
    'approval: comment, approved, smoke fails → rollback, failure reported',
    {
      inputs: comment,
      github: approveComment,
      steps: { 'approval.check': approvedCheck, smoke: { outcome: 'failure' } },
    },
    {
      jobs: {
        gate: 'skipped',
        'require-staging': 'skipped',
        approval: 'success',
        production: 'failure',
        report: 'success',
      },
      steps: ['claim', 'preflight', 'backup', 'migrate', 'deploy', 'smoke', 'rollback'],
    },
  ),
  production(
    'approval: environment ignores comments (no gate, no deploy)',
    { github: approveComment, steps: { 'approval.check': approvedCheck } },
    { jobs: { gate: 'skipped', 'require-staging': 'skipped' }, steps: [] },
  ),
];

/** The job that runs in the environment: `deploy` in staging, `production` in production. */
export const environmentJob = (c: Case) => (c.workflow === STAGING ? 'deploy' : 'production');

export const mark: Record<Outcome, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '–' };

export function tableRow(c: Case, sim: Simulation): string {
  const jobs = sim.order.map((id) => `${id} ${mark[sim.jobs[id]?.result ?? 'skipped']}`).join(', ');
  const steps = kitStepsRan(sim.jobs[environmentJob(c)]);
  const workflow = c.workflow === STAGING ? 'staging' : 'production';
  return `| ${workflow} | ${c.name} | ${jobs} | ${steps.join(' → ') || '(none)'} | ${sim.jobs[environmentJob(c)]?.environmentUrl || ''} |`;
}

export async function table(): Promise<string> {
  const rows = [
    '| workflow | scenario | jobs | kit steps run in the environment job | environment URL |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const c of cases) rows.push(tableRow(c, await simulate(c)));
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await table());
