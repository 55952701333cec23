/**
 * The end-to-end test of the whole kit: `deploy-kit demo` as a user runs it (bin →
 * dist/cli → every action's dist bundle), with a real PostgreSQL, the example app
 * deployed with deploy-vm host: local, a broken release caught and rolled back.
 */
import { expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';

jest.setTimeout(15 * 60_000);

test('deploy-kit demo: every step does what it should, and everything is cleaned up', async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/deploy-kit.js'), 'demo'], { cwd: ROOT });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
  const table = out.slice(out.lastIndexOf('\n#  '));
  expect(table).toMatch(/^1\s+test-gate: the app’s tests\s+pass\s+passed ✔/m);
  expect(table).toMatch(/^5\s+smoke-test v1\s+pass\s+passed ✔/m);
  expect(table).toMatch(/^8\s+smoke-test v2\s+fail\s+failed ✔/m);
  expect(table).toMatch(/^9\s+rollback-on-failure → v1\s+pass\s+passed ✔/m);
  expect(table).toMatch(/^10\s+smoke-test: v1 serves again\s+pass\s+passed ✔/m);
  expect(table).not.toContain('✖');
  expect(out).toMatch(/current → releases\/\S+-v1 \(release v1\), as expected/);
  expect(out).toContain('✔ Every step did what it should');
  expect(code).toBe(0);
  const workspace = /deploy-kit demo — workspace (\S+)/.exec(out)?.[1] as string;
  expect(existsSync(workspace)).toBe(false);
});
