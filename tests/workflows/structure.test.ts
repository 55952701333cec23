/**
 * The rules every workflow here keeps (issue 6, DESIGN.md "Reusable workflows"), checked on
 * the files themselves, plus the shell of the two check steps run for real with bash.
 */
import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { workflowFiles } from '../../scripts/lint-workflows.js';
import { readWorkflow } from './interfaces.js';

const reusable = ['.github/workflows/deploy-staging.yml', '.github/workflows/deploy-production.yml'];
const all = workflowFiles();
const runnable = all.filter((file) => Object.values(readWorkflow(file).jobs).some((job) => job.steps));

describe('every workflow', () => {
  it.each(all)('%s: least permissions at the workflow level (read at most; jobs ask for more)', (file) => {
    const permissions = readWorkflow(file).permissions;
    expect(typeof permissions).toBe('object');
    expect(Object.values(permissions as object)).not.toContain('write');
  });

  it.each(runnable)('%s: every job has timeout-minutes and its own permissions', (file) => {
    for (const [id, job] of Object.entries(readWorkflow(file).jobs)) {
      if (job.uses) continue; // a call: the called workflow's jobs carry their own
      expect([id, job['timeout-minutes'] !== undefined]).toEqual([id, true]);
      expect([id, typeof job.permissions]).toEqual([id, 'object']);
    }
  });

  it.each(all)('%s: no ${{ }} inside run: (values reach scripts through env:)', (file) => {
    for (const [id, job] of Object.entries(readWorkflow(file).jobs))
      for (const step of job.steps ?? [])
        if (step.run) expect([id, step.run]).not.toEqual([id, expect.stringContaining('${{')]);
  });

  it.each(runnable)('%s: third-party actions are pinned to a full commit SHA', (file) => {
    for (const job of Object.values(readWorkflow(file).jobs))
      for (const step of job.steps ?? [])
        if (step.uses && !step.uses.startsWith('$/')) expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });
});

describe('the reusable workflows', () => {
  it.each(reusable)('%s: one deploy at a time per environment, never cancelled half-way', (file) => {
    const jobs = Object.values(readWorkflow(file).jobs).filter((job) => job.environment);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const env = job.environment as { name: string; url: string };
    // Per environment AND per caller: one app's waiting release is not cancelled by another's.
    expect(job.concurrency).toEqual({
      group: `deploy-kit-${env.name}-\${{ github.workflow }}-\${{ inputs.provider }}-\${{ inputs.fly-app || inputs.railway-service || inputs.vercel-project-id || inputs.vm-host }}`,
      'cancel-in-progress': false,
    });
    expect(env.url).toBe('${{ inputs.environment-url || steps.deploy.outputs.url }}');
  });

  it('staging and production declare the inputs they share identically', () => {
    const [staging, production] = reusable.map((f) => readWorkflow(f).on?.workflow_call?.inputs ?? {});
    const differ = Object.keys(staging!).filter(
      (name) =>
        !['environment-url', 'deploy-timeout-minutes'].includes(name) &&
        JSON.stringify(staging![name]) !== JSON.stringify(production![name]),
    );
    expect(differ).toEqual([]);
    expect(Object.keys(staging!).filter((name) => !(name in production!))).toEqual([]);
  });

  it('production takes an `approval` input defaulting to environment (where other approval modes plug in)', () => {
    const inputs = readWorkflow(reusable[1]!).on?.workflow_call?.inputs ?? {};
    expect(inputs.approval).toMatchObject({ type: 'string', default: 'environment' });
  });
});

/** The run: script and env: of a step, with the expressions replaced by the values given. */
function stepScript(file: string, job: string, id: string) {
  const step = readWorkflow(file).jobs[job]?.steps?.find((s) => s.id === id) as {
    run: string;
    env: Record<string, string>;
  };
  return (env: Record<string, string>) => {
    const result = spawnSync('bash', ['-e', '-c', step.run], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    expect(Object.keys(env).sort()).toEqual(Object.keys(step.env).sort()); // the test sets exactly what the step passes
    return { code: result.status, out: result.stdout + result.stderr };
  };
}

describe('the check steps (bash, as on the runner)', () => {
  const production = reusable[1]!;

  it('settings: a known provider, migration tool and approval pass; anything else fails naming the input', () => {
    const settings = stepScript(production, 'gate', 'settings');
    expect(settings({ PROVIDER: 'fly', MIGRATION_TOOL: 'none', APPROVAL: 'environment', APPROVERS: '' }).code).toBe(0);
    const bad = settings({ PROVIDER: 'heroku', MIGRATION_TOOL: 'flyway', APPROVAL: 'slack', APPROVERS: '' });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('::error title=deploy-kit::Input provider must be railway, vercel, fly or vm');
    expect(bad.out).toContain('Input migration-tool must be');
    expect(bad.out).toContain('Input approval must be environment');
    // approval: comment needs approvers.
    const comment = settings({ PROVIDER: 'fly', MIGRATION_TOOL: 'none', APPROVAL: 'comment', APPROVERS: '' });
    expect([comment.code, comment.out]).toEqual([1, expect.stringContaining('Input approvers is required')]);
    expect(settings({ PROVIDER: 'fly', MIGRATION_TOOL: 'none', APPROVAL: 'comment', APPROVERS: 'alice' }).code).toBe(0);
    // A hostile value is data, never code.
    expect(
      settings({ PROVIDER: '$(touch /tmp/pwned)', MIGRATION_TOOL: 'none', APPROVAL: 'environment', APPROVERS: '' }).out,
    ).not.toContain('pwned)');
  });

  it('secrets: says which environment secret is empty, before anything is touched', () => {
    const secrets = stepScript(production, 'production', 'secrets');
    const env = {
      ENVIRONMENT: 'production',
      PROVIDER: 'railway',
      HAS_DEPLOY_TOKEN: 'true',
      HAS_SSH_KEY: 'false',
      HAS_DATABASE_URL: 'true',
      NEEDS_DATABASE: 'true',
    };
    expect(secrets(env).code).toBe(0);
    const noToken = secrets({ ...env, HAS_DEPLOY_TOKEN: 'false' });
    expect(noToken.code).toBe(1);
    expect(noToken.out).toContain('Secret DEPLOY_TOKEN is empty. Add it to the production environment');
    expect(secrets({ ...env, HAS_DATABASE_URL: 'false' }).out).toContain('Secret DATABASE_URL is empty');
    expect(secrets({ ...env, HAS_DATABASE_URL: 'false', NEEDS_DATABASE: 'false' }).code).toBe(0);
    const vm = secrets({ ...env, PROVIDER: 'vm', HAS_DEPLOY_TOKEN: 'false' });
    expect(vm.out).toContain('Secret SSH_KEY is empty');
    expect(secrets({ ...env, PROVIDER: 'vm', HAS_DEPLOY_TOKEN: 'false', HAS_SSH_KEY: 'true' }).code).toBe(0);
  });
});

it('the release workflow moves the major tag with the tested script', () => {
  expect(readFileSync('.github/workflows/release.yml', 'utf8')).toContain('node scripts/release-tags.ts "$TAG"');
});
