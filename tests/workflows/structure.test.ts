/**
 * The rules every workflow here keeps (issue 6, docs/design.md "Reusable workflows and
 * approval"), checked on the files themselves, plus the shell of the two check steps run for
 * real with bash.
 */
import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workflowFiles } from '../../scripts/lint-workflows.js';
import { PRE_DEPLOY_STEPS } from '../../src/providers/pre-deploy.js';
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

  it.each(runnable)('%s: deploy secrets are read only in a job with an environment (after its approval)', (file) => {
    // Outside an environment only the notification and release-issue tokens may be read.
    const allowed = new Set(['NOTIFY_WEBHOOK', 'SLACK_BOT_TOKEN', 'APPROVAL_TOKEN', 'GITHUB_TOKEN']);
    for (const [id, job] of Object.entries(readWorkflow(file).jobs)) {
      if (job.uses || job.environment) continue;
      const read = [...JSON.stringify(job).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
      expect([id, read.filter((name) => !allowed.has(name))]).toEqual([id, []]);
    }
  });

  it.each(runnable)('%s: third-party actions are pinned to a full commit SHA', (file) => {
    for (const job of Object.values(readWorkflow(file).jobs))
      for (const step of job.steps ?? [])
        if (step.uses && !step.uses.startsWith('$/')) expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });
});

describe('callers pin the kit to a commit (secrets are never handed to a movable tag)', () => {
  // `@<40 hex> # vX.Y.Z`: the form Dependabot and Renovate update. The starters carry the
  // documented placeholder (all zeros), which GitHub cannot resolve: a copied file fails
  // until its user pins the release they use (README "Production safety").
  const PINNED = /@[0-9a-f]{40} # v\d+\.\d+\.\d+(?: .*)?$/;
  const kitUses = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^\s*(?:- )?uses: [\w.-]+\/deploy-kit[/@]/.test(line));
  it.each([...all.filter((file) => file.startsWith('workflows/')), 'README.md'])('%s', (file) => {
    const lines = kitUses(file);
    if (file.startsWith('workflows/')) expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(PINNED);
  });
  it('the check catches a movable tag', () => {
    expect('    uses: org/deploy-kit/.github/workflows/deploy-staging.yml@v1').not.toMatch(PINNED);
  });
});

describe('the reusable workflows', () => {
  it.each(reusable)('%s: one deploy at a time per environment, never cancelled half-way', (file) => {
    const jobs = Object.values(readWorkflow(file).jobs).filter((job) => job.environment);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const env = job.environment as { name: string; url: string };
    // Per environment AND per app (its manifest, or provider + service): one app's waiting
    // release is not cancelled by another's; rollback.yml of the same manifest shares it.
    expect(job.concurrency).toEqual({
      group: `deploy-kit-${env.name}-\${{ inputs.manifest || inputs.provider }}-\${{ inputs.fly-app || inputs.railway-service || inputs.vercel-project-id || inputs.render-service-id || inputs.vm-host }}`,
      'cancel-in-progress': false,
    });
    expect(env.url).toBe('${{ inputs.environment-url || steps.deploy.outputs.url || steps.release.outputs.url }}');
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

const readStepEnv = (file: string, job: string, id: string) =>
  (readWorkflow(file).jobs[job]?.steps?.find((s) => s.id === id) as { env: Record<string, string> }).env;

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

  it('settings: a known provider (or a manifest), migration tool and approval pass; anything else fails naming the input', () => {
    const settings = stepScript(production, 'gate', 'settings');
    const ok = {
      PROVIDER: 'fly',
      MANIFEST: '',
      MIGRATION_TOOL: 'none',
      APPROVAL: 'environment',
      APPROVERS: '',
      REQUIRE_STAGING: 'false',
      STAGING_MIN_AGE: '',
      REHEARSE: 'false',
      BACKUP: 'true',
    };
    expect(settings(ok).code).toBe(0);
    // rehearse migrates a restored copy of the fresh backup: it needs the backup and a migration tool.
    const rehearse = { ...ok, REHEARSE: 'true', MIGRATION_TOOL: 'sql' };
    expect(settings(rehearse).code).toBe(0);
    for (const bad of [{ BACKUP: 'false' }, { MIGRATION_TOOL: 'none' }])
      expect(settings({ ...rehearse, ...bad }).out).toContain('Input rehearse needs backup: true and a migration-tool');
    // A soak time is of the staging deployment require-staging finds.
    const soak = settings({ ...ok, STAGING_MIN_AGE: '24h' });
    expect([soak.code, soak.out]).toEqual([
      1,
      expect.stringContaining('Input staging-min-age needs require-staging: true'),
    ]);
    expect(settings({ ...ok, STAGING_MIN_AGE: '24h', REQUIRE_STAGING: 'true' }).code).toBe(0);
    const bad = settings({ ...ok, PROVIDER: 'heroku', MIGRATION_TOOL: 'flyway', APPROVAL: 'slack' });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('::error title=deploy-kit::Input provider must be railway, vercel, fly, render or vm');
    expect(bad.out).toContain('Input migration-tool must be');
    expect(bad.out).toContain('Input approval must be environment');
    // approval: comment needs approvers.
    const comment = settings({ ...ok, APPROVAL: 'comment' });
    expect([comment.code, comment.out]).toEqual([1, expect.stringContaining('Input approvers is required')]);
    expect(settings({ ...ok, APPROVAL: 'comment', APPROVERS: 'alice' }).code).toBe(0);
    // Several services: a manifest instead of a provider, never both, and one of them.
    expect(settings({ ...ok, PROVIDER: '', MANIFEST: 'deploy-kit.yml' }).code).toBe(0);
    const both = settings({ ...ok, MANIFEST: 'deploy-kit.yml' });
    expect([both.code, both.out]).toEqual([
      1,
      expect.stringContaining('Inputs provider and manifest exclude each other'),
    ]);
    const neither = settings({ ...ok, PROVIDER: '' });
    expect([neither.code, neither.out]).toEqual([1, expect.stringContaining('or give manifest: deploy-kit.yml')]);
    // A hostile value is data, never code.
    expect(settings({ ...ok, PROVIDER: '$(touch /tmp/pwned)' }).out).not.toContain('pwned)');
  });

  it('secrets: says which environment secret is empty, before anything is touched', () => {
    const secrets = stepScript(production, 'production', 'secrets');
    const env = {
      ENVIRONMENT: 'production',
      PROVIDER: 'railway',
      MANIFEST: '',
      HAS_DEPLOY_TOKEN: 'true',
      HAS_SSH_KEY: 'false',
      HAS_DATABASE_URL: 'true',
      NEEDS_DATABASE: 'true',
      NEEDS_SCRATCH: 'false',
      HAS_REHEARSE_DATABASE_URL: 'false',
      NEEDS_AGE_IDENTITY: 'false',
      HAS_BACKUP_AGE_IDENTITY: 'false',
    };
    expect(secrets(env).code).toBe(0);
    // rehearse: the scratch database, and with an encrypted backup the identity that restores it.
    expect(secrets({ ...env, NEEDS_SCRATCH: 'true' }).out).toContain('Secret REHEARSE_DATABASE_URL is empty');
    expect(secrets({ ...env, NEEDS_SCRATCH: 'true', HAS_REHEARSE_DATABASE_URL: 'true' }).code).toBe(0);
    expect(secrets({ ...env, NEEDS_AGE_IDENTITY: 'true' }).out).toContain('Secret BACKUP_AGE_IDENTITY is empty');
    const noToken = secrets({ ...env, HAS_DEPLOY_TOKEN: 'false' });
    expect(noToken.code).toBe(1);
    expect(noToken.out).toContain('Secret DEPLOY_TOKEN is empty. Add it to the production environment');
    expect(secrets({ ...env, HAS_DATABASE_URL: 'false' }).out).toContain('Secret DATABASE_URL is empty');
    expect(secrets({ ...env, HAS_DATABASE_URL: 'false', NEEDS_DATABASE: 'false' }).code).toBe(0);
    const vm = secrets({ ...env, PROVIDER: 'vm', HAS_DEPLOY_TOKEN: 'false' });
    expect(vm.out).toContain('Secret SSH_KEY is empty');
    expect(secrets({ ...env, PROVIDER: 'vm', HAS_DEPLOY_TOKEN: 'false', HAS_SSH_KEY: 'true' }).code).toBe(0);
    // A manifest: DEPLOY_TOKEN is not used (the release's own check follows); the database still is.
    const manifest = { ...env, PROVIDER: '', MANIFEST: 'deploy-kit.yml', HAS_DEPLOY_TOKEN: 'false' };
    expect(secrets(manifest).code).toBe(0);
    expect(secrets({ ...manifest, HAS_DATABASE_URL: 'false' }).out).toContain('Secret DATABASE_URL is empty');
  });

  it('release-secrets: each platform the manifest deploys to has its token, in both workflows', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    const manifest = (text: string) => {
      const file = path.join(dir, `deploy-kit-${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(file, text);
      return file;
    };
    const railwayAndVercel = manifest(
      [
        'services:',
        '  api: { provider: railway, service: api }',
        '  worker:',
        '    provider: "railway"',
        '  web:',
        '    provider: vercel # the frontend; not provider: fly',
        '    needs: [api]',
        '    token-env: VERCEL_TOKEN',
        '',
      ].join('\n'),
    );
    try {
      for (const [file, job, environment] of [
        [production, 'production', 'production'],
        [reusable[0]!, 'deploy', 'staging'],
      ] as const) {
        const check = stepScript(file, job, 'release-secrets');
        const env = {
          ENVIRONMENT: environment,
          MANIFEST: railwayAndVercel,
          HAS_RAILWAY_TOKEN: 'true',
          HAS_VERCEL_TOKEN: 'true',
          HAS_FLY_API_TOKEN: 'false',
          HAS_RENDER_API_KEY: 'false',
        };
        expect(check(env)).toEqual({ code: 0, out: expect.not.stringContaining('::error') });
        const noVercel = check({ ...env, HAS_VERCEL_TOKEN: 'false' });
        expect(noVercel.code).toBe(1);
        expect(noVercel.out).toContain(
          `Secret VERCEL_TOKEN is empty, and ${railwayAndVercel} has a vercel service. Add it to the ${environment} environment`,
        );
        expect(noVercel.out).not.toContain('RAILWAY_TOKEN');
        expect(check({ ...env, HAS_RAILWAY_TOKEN: 'false' }).out).toContain('Secret RAILWAY_TOKEN is empty');
        const custom = manifest('services:\n  api:\n    provider: fly\n    token-env: "FLY_API_TOKEN_API"\n');
        const unknown = check({ ...env, MANIFEST: custom, HAS_FLY_API_TOKEN: 'true' });
        expect([unknown.code, unknown.out]).toEqual([
          1,
          expect.stringContaining('names token-env: FLY_API_TOKEN_API, but this workflow passes only RAILWAY_TOKEN'),
        ]);
        const missing = check({ ...env, MANIFEST: path.join(dir, 'nope.yml') });
        expect([missing.code, missing.out]).toEqual([1, expect.stringContaining('is not a file of the repository')]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration-tool: platform needs a platform with a pre-deploy step, in both workflows, before anything', () => {
    for (const file of reusable) {
      const settings = stepScript(file, 'gate', 'settings');
      const env = Object.fromEntries(Object.keys(readStepEnv(file, 'gate', 'settings')).map((k) => [k, '']));
      const ok = { ...env, PROVIDER: 'railway', MIGRATION_TOOL: 'platform' };
      if ('APPROVAL' in env) Object.assign(ok, { APPROVAL: 'environment', REHEARSE: 'false', BACKUP: 'true' });
      // the same providers as the kit's own list (src/providers/pre-deploy.ts)
      const withStep = Object.keys(PRE_DEPLOY_STEPS);
      expect(withStep.sort()).toEqual(['fly', 'railway', 'render']);
      for (const provider of withStep) expect(settings({ ...ok, PROVIDER: provider }).code).toBe(0);
      for (const provider of ['vercel', 'vm']) {
        const refused = settings({ ...ok, PROVIDER: provider });
        expect([refused.code, refused.out]).toEqual([
          1,
          expect.stringContaining(
            'Input migration-tool: platform needs a provider whose platform runs a pre-deploy step',
          ),
        ]);
      }
      // a manifest's services are checked by the manifest step, once the file is checked out
      expect(settings({ ...ok, PROVIDER: '', MANIFEST: 'deploy-kit.yml' }).code).toBe(0);
      if ('REHEARSE' in env)
        expect(settings({ ...ok, REHEARSE: 'true' }).out).toContain(
          'Input rehearse cannot be used with migration-tool: platform',
        );
    }
  });

  it('migration-tool: platform with a manifest needs a railway, render or fly service in it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-platform-'));
    try {
      const manifest = (name: string, text: string) => {
        writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      const web = 'services:\n  web: { provider: vercel }\n  # api: { provider: railway }\n';
      const mixed = 'services:\n  web: { provider: vercel }\n  api:\n    provider: "render"\n';
      for (const file of reusable) {
        const check = stepScript(file, 'gate', 'manifest');
        expect(check({ MANIFEST: manifest('mixed.yml', mixed), MIGRATION_TOOL: 'platform' }).code).toBe(0);
        expect(check({ MANIFEST: manifest('web.yml', web), MIGRATION_TOOL: 'sql' }).code).toBe(0);
        const refused = check({ MANIFEST: manifest('web.yml', web), MIGRATION_TOOL: 'platform' });
        expect([refused.code, refused.out]).toEqual([
          1,
          expect.stringContaining('Input migration-tool: platform needs a railway, render or fly service'),
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('manifest: the gate checks the file is in the repository, before any approval', () => {
    const check = stepScript(production, 'gate', 'manifest');
    expect(check({ MANIFEST: 'package.json', MIGRATION_TOOL: 'sql' }).code).toBe(0);
    const missing = check({ MANIFEST: 'deploy-kit.yml', MIGRATION_TOOL: 'sql' });
    expect([missing.code, missing.out]).toEqual([
      1,
      expect.stringContaining('Input manifest: deploy-kit.yml is not a file of the repository'),
    ]);
  });
});

it('the release workflow moves the major tag with the tested script', () => {
  expect(readFileSync('.github/workflows/release.yml', 'utf8')).toContain('node scripts/release-tags.ts "$TAG"');
});
