import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lintWorkflow } from '../../scripts/lint-workflows.js';
import { table } from './scenarios.js';
import { releaseTable } from './release-scenarios.js';

describe('the docs say what the workflows do', () => {
  it("the README's scenario tables are the ones the simulator prints", async () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(await table());
    expect(readme).toContain(await releaseTable());
  });

  it('the documented fallback for GitHub Enterprise Server / old runners gives workflows with no $/ left and zero findings', async () => {
    const command =
      /^sed -i -E (.+) \.github\/workflows\/deploy-staging\.yml \.github\/workflows\/deploy-production\.yml$/m.exec(
        readFileSync('docs/environments.md', 'utf8'),
      );
    expect(command).not.toBeNull();
    const script = command![1]!.replace(/^'|'$/g, '');
    const dir = mkdtempSync(path.join(tmpdir(), 'fallback-'));
    try {
      for (const name of ['deploy-staging.yml', 'deploy-production.yml']) {
        const file = path.join(dir, name);
        copyFileSync(path.join('.github/workflows', name), file);
        execFileSync('sed', ['-i', '-E', script, file]); // the documented command, run for real
        const text = readFileSync(file, 'utf8');
        expect(text).not.toMatch(/uses:\s*\$\//);
        expect(text).toContain('uses: org/deploy-kit/actions/smoke-test@v1');
        expect(text).toContain('uses: org/deploy-kit/deploy@v1');
        expect(await lintWorkflow(name, text)).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
