/**
 * migrate's `tool: platform` through the runner contract (dist/migrate): the platform's own
 * pre-deploy step migrates, so the step runs nothing, needs no database, and says so; every
 * other tool still needs `database-url`, refused by name before anything is touched.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction } from '../harness/runner.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'dk-migrate-platform-'));

describe('migrate tool: platform', () => {
  it('runs nothing, connects to nothing, and says the platform migrates during the deploy', async () => {
    const run = await runAction('migrate', { cwd, inputs: { tool: 'platform' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ applied: '0', 'applied-versions': '[]', 'applied-verdicts': '[]' });
    const notice = run.annotations.find((a) => a.level === 'notice')?.message ?? '';
    expect(notice).toContain("the platform's own pre-deploy step migrates");
    expect(notice).toContain("Fly.io's release_command");
    expect(run.summary).toContain('Migrations: run by the platform');
  });

  it('any other tool without database-url is refused by name, before anything runs', async () => {
    const run = await runAction('migrate', { cwd, inputs: { tool: 'sql' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Input "database-url" is required with tool: sql: the PostgreSQL URL to migrate\. Example: database-url: \$\{\{ secrets\.DATABASE_URL \}\}/,
    );
  });

  it('with preflight: true it checks the database and nothing else, and needs database-url for that', async () => {
    const missing = await runAction('migrate', { cwd, inputs: { tool: 'platform', preflight: 'true' } });
    expect(missing.exitCode).toBe(1);
    expect(missing.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Input "database-url" is required with preflight: true: /,
    );
    // Nothing listens on port 1: the preflight itself answers, not the platform notice.
    const run = await runAction('migrate', {
      cwd,
      inputs: {
        tool: 'platform',
        preflight: 'true',
        'database-url': 'postgresql://kit@127.0.0.1:1/app',
        timeout: '5s',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.some((a) => a.message.includes("platform's own pre-deploy step"))).toBe(false);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(/127\.0\.0\.1:1/);
  });

  it('an unknown tool names the accepted ones, platform among them', async () => {
    const run = await runAction('migrate', { cwd, inputs: { tool: 'flyway' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain('platform');
  });
});
