import { describe, it, expect } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintManifest, manifestFiles, workflowFiles } from '../../scripts/lint-workflows.js';
import { usualTokenEnv } from '../../src/release/manifest-inputs.js';
import {
  kitWorkflowPath,
  starterFiles,
  parserCallerFindings,
  callerFindings,
  kitUses,
  actionPresent,
  withFindings,
  readWorkflow,
} from './interfaces.js';

const reusable = ['.github/workflows/deploy-staging.yml', '.github/workflows/deploy-production.yml'];

describe('starter workflows → the reusable workflows they call', () => {
  const starters = starterFiles();

  it('there is a staging and a production starter for each provider, and a set with a manifest for each stack', () => {
    const withManifest = ['compose-vm', 'vercel-fly', 'vercel-railway'];
    expect(starters).toEqual(
      [
        ...['fly', 'railway', 'render', 'vercel', 'vm'].flatMap((p) =>
          ['production-comment-approval', 'production', 'staging'].map((f) => `workflows/${p}/${f}.yml`),
        ),
        ...withManifest.flatMap((p) => ['production', 'rollback', 'staging'].map((f) => `workflows/${p}/${f}.yml`)),
      ].sort(),
    );
    expect(manifestFiles()).toEqual(withManifest.map((stack) => `workflows/${stack}/deploy-kit.yml`));
  });

  for (const file of starters) {
    // The rollback workflow is another engineer's, in flight: its callers are checked once it lands.
    const target = kitWorkflowPath(readWorkflow(file).jobs[Object.keys(readWorkflow(file).jobs)[0]!]?.uses ?? '');
    const present = !!target && existsSync(target);
    (present ? it : it.skip)(
      `${file}: GitHub's parser, given the called workflow, finds nothing (inputs and secrets defined, required ones passed)`,
      async () => {
        expect(await parserCallerFindings(file)).toEqual([]);
      },
    );
    (present ? it : it.skip)(
      `${file}: input types match and the caller grants every permission the called jobs need`,
      () => {
        expect(callerFindings(file)).toEqual([]);
      },
    );
  }

  it('only the rollback workflow may be missing (a typo in a caller is not skipped)', () => {
    const missing = starters
      .map(
        (file) => kitWorkflowPath(Object.values(readWorkflow(file).jobs)[0]?.uses ?? '') ?? `${file}: no kit workflow`,
      )
      .filter((target) => !existsSync(target));
    expect([...new Set(missing)].filter((target) => target !== '.github/workflows/rollback.yml')).toEqual([]);
  });

  it('staging starters run on a push to staging, production starters on v* tags, rollback ones by hand with `to`', () => {
    for (const file of starters) {
      const on = readWorkflow(file).on as {
        push?: { branches?: string[]; tags?: string[] };
        workflow_dispatch?: { inputs?: Record<string, { required?: boolean }> };
      };
      if (file.endsWith('staging.yml')) expect(on.push?.branches).toEqual(['staging']);
      else if (file.endsWith('rollback.yml')) {
        expect(on.push).toBeUndefined();
        expect(on.workflow_dispatch?.inputs?.to).toMatchObject({ required: true });
      } else expect(on.push?.tags).toEqual(['v*']);
    }
  });

  it('the stack starters release their manifest, with every platform token it needs passed', () => {
    for (const file of starters.filter((f) => /workflows\/(compose-vm|vercel-)/.test(f))) {
      const job = Object.values(readWorkflow(file).jobs)[0]!;
      expect([file, job.with?.manifest]).toEqual([file, 'deploy-kit.yml']);
      const manifest = readFileSync(path.join(path.dirname(file), 'deploy-kit.yml'), 'utf8');
      const providers = [...manifest.matchAll(/^\s+provider: (\w+)/gm)].map((m) => m[1]!);
      const secrets = Object.keys(job.secrets as Record<string, string>);
      for (const provider of new Set(providers))
        expect({ file, secrets }).toEqual({ file, secrets: expect.arrayContaining([usualTokenEnv(provider)]) });
    }
  });

  it('a manifest mistake is a finding of the linter, naming the service and key', async () => {
    const good = readFileSync('workflows/vercel-railway/deploy-kit.yml', 'utf8');
    expect(await lintManifest('good.yml', good)).toEqual([]);
    const bad = good.replace('needs: [api]', 'needs: [apii]').replace('service: worker', 'servise: worker');
    const findings = (await lintManifest('bad.yml', bad)).map((f) => f.message).join('\n');
    expect(findings).toContain('service "web", key "needs": "apii" is not a service of the manifest');
    expect(findings).toContain('service "worker": unknown key "servise"');
    expect(findings).toMatch(/^environment staging: /m);
  });

  it('the checks find planted mistakes', async () => {
    const good = readFileSync('workflows/railway/production.yml', 'utf8');
    const typo = good.replace('railway-service:', 'railway-servce:');
    expect((await parserCallerFindings('typo.yml', typo)).join('\n')).toMatch(/railway-servce is not defined/);
    expect(callerFindings('typo.yml', typo).join('\n')).toMatch(/railway-servce is not an input/);
    const missing = good.replace(/ {6}test-commands: \|\n( {8}.*\n)+/, '');
    expect(missing).not.toBe(good);
    expect((await parserCallerFindings('missing.yml', missing)).join('\n')).toMatch(/Input test-commands is required/);
    const badType = good.replace('require-staging: true', "require-staging: 'yes'");
    expect(callerFindings('type.yml', badType).join('\n')).toMatch(/require-staging must be true or false/);
    const noPermission = good.replace(/ {6}deployments: write.*\n/, '');
    expect(noPermission).not.toBe(good);
    expect(callerFindings('perm.yml', noPermission).join('\n')).toMatch(/needs deployments: (read|write)/);
  });
});

describe("workflows → the kit's actions (actions/<name>/action.yml, generated from each spec)", () => {
  const uses = workflowFiles().flatMap((file) => kitUses(file));

  it('the reusable workflows use the kit only through $/ (never ./, which is the caller’s repository)', () => {
    for (const file of reusable) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/uses:\s*\.\//);
      expect(kitUses(file).length).toBeGreaterThan(3);
    }
  });

  it('an action that is not there yet is one being built (a typo in a uses: line is not skipped)', () => {
    const inFlight = ['test-gate', 'migrate', 'backup-db', 'deploy', 'rollback-on-failure', 'require-deployment'];
    const missing = [...new Set(uses.filter((u) => !actionPresent(u)).map((u) => u.action))];
    expect(missing.filter((name) => !inFlight.includes(name))).toEqual([]);
  });

  for (const use of uses) {
    const title = `${use.file} ${use.job}.${use.step} → ${use.metadata}: every with: key is an input, every required input is passed`;
    // An action another engineer has not landed yet is skipped only while its action.yml is missing.
    (actionPresent(use) ? it : it.skip)(title, () => {
      expect(withFindings(use)).toEqual([]);
    });
  }

  it('the check finds a key the action does not have, and a required input not passed', () => {
    const smoke = uses.find((u) => u.action === 'smoke-test');
    expect(smoke).toBeDefined();
    if (!smoke) return;
    expect(withFindings({ ...smoke, with: { ...smoke.with, 'expect-stauts': '200' } })).toEqual([
      expect.stringContaining('has no input "expect-stauts"'),
    ]);
    const { url: _url, ...withoutUrl } = smoke.with;
    expect(withFindings({ ...smoke, with: withoutUrl })).toEqual([expect.stringContaining('required input "url"')]);
  });
});
