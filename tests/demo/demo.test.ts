/**
 * The end-to-end test of the whole kit: `deploy-kit demo` as a user runs it (bin →
 * dist/cli → every action's dist bundle), with a real PostgreSQL holding seeded data and the
 * example app released as two services (api, web; deploy-vm host: local) by the release
 * action: v1 goes live, v2's web fails its smoke test and both go back to v1, v3's web passes
 * its smoke test and then degrades (slow 503s), which its watch window catches (3 failures in
 * a row, samples every 200 ms) and both go back to v1 again. Under a minute,
 * and afterwards nothing it started runs and its temp folder (TMPDIR) is empty — also when
 * it is interrupted half-way.
 */
import { expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';

jest.setTimeout(5 * 60_000);

interface DemoRun {
  code: number | null;
  out: string;
  ms: number;
  tmp: string;
}

/** Runs the demo with a private TMPDIR; `interruptAt`: send SIGINT when the output shows this. */
function runDemo(interruptAt?: string): Promise<DemoRun> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'dk-demo-test-'));
  // PostgreSQL runs as an unprivileged user, which must reach its data folder inside.
  chmodSync(tmp, 0o1777);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/deploy-kit.js'), 'demo'], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
    });
    let out = '';
    let sent = false;
    const collect = (chunk: string) => {
      out += chunk;
      if (interruptAt && !sent && out.includes(interruptAt)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started, tmp }));
  });
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

/** Nothing the demo started still runs or listens, and it left nothing in its temp folder. */
async function expectNothingLeft(run: DemoRun): Promise<void> {
  const processes = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  expect(processes.split('\n').filter((line) => line.includes(run.tmp))).toEqual([]);
  const ports = [...run.out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  expect(ports.length).toBeGreaterThan(0);
  for (const port of new Set(ports)) expect(await refused(port)).toBe(true);
  const workspace = /deploy-kit demo — workspace (\S+)/.exec(run.out)?.[1] as string;
  expect(workspace.startsWith(run.tmp)).toBe(true);
  expect(existsSync(workspace)).toBe(false);
  expect(readdirSync(run.tmp)).toEqual([]);
  rmSync(run.tmp, { recursive: true, force: true });
}

test('deploy-kit demo: a two-service release, v2 rolled back by its smoke test and v3 by its watch window, in under a minute, nothing left', async () => {
  const run = await runDemo();
  const { out } = run;
  const table = out.slice(out.lastIndexOf('\n#  '));
  expect(table).toMatch(/^1\s+test-gate: the app’s tests\s+pass\s+passed ✔/m);
  // The seeded rows are in the backup: its table of contents is not empty.
  expect(
    Number(/^2\s+backup-db before migrating\s+pass\s+passed ✔\s+\S+ \S+\s+(\d+) entries/m.exec(table)?.[1]),
  ).toBeGreaterThan(0);
  expect(out).toContain('Seeded 3 rows into signups');
  expect(table).toMatch(/^4\s+release v1: api → web\s+pass\s+passed ✔/m);
  expect(table).toMatch(/^6\s+release v2: web fails its smoke test → both back to v1\s+fail\s+failed ✔/m);
  expect(table).toMatch(/^7\s+test-gate: the app’s tests\s+pass\s+passed ✔/m);
  expect(table).toMatch(/^8\s+release v3: web degrades in its 3s watch window → both back to v1\s+fail\s+failed ✔/m);
  expect(table).toMatch(/^9\s+smoke-test: v1 serves again \(api and web\)\s+pass\s+passed ✔/m);
  expect(table).not.toContain('✖');

  // The release's own table, printed: both services went back to their v1 deployment.
  // (printed as the release ends, indented under its step)
  const release = out.slice(out.lastIndexOf('Release v2 to demo: rolled back'), out.indexOf('── Release v3'));
  expect(release).toMatch(/^ *api\s+vm\s+(\S+-v1) .*\s+\S+-v2 .*success ✅\s+passed ✅\s+rolled back ↩️ \1/m);
  expect(release).toMatch(/^ *web\s+vm\s+(\S+-v1) .*\s+\S+-v2 .*success ✅\s+failed ❌\s+rolled back ↩️ \1/m);

  // v3 passed its smoke test (web answered its first requests well), then its watch window
  // saw the slow 503s: 3 in a row failed it, and the release put both services back on v1.
  const third = out.slice(out.lastIndexOf('Release v3 to demo: rolled back'));
  expect(third).toMatch(/^api\s+vm\s+(\S+-v1) .*\s+\S+-v3 .*success ✅\s+passed ✅\s+rolled back ↩️ \1/m);
  expect(third).toMatch(/^web\s+vm\s+(\S+-v1) .*\s+\S+-v3 .*success ✅\s+failed ❌\s+rolled back ↩️ \1/m);
  expect(third).toContain('The watch window failed after');
  expect(third).toContain('failed 3 checks in a row in the watch window (max-consecutive-failures 3)');
  // The summary shows the window: how long it watched, its samples, the timeline with the failures.
  const watch = out.slice(out.lastIndexOf("web's watch window in release v3:"));
  expect(watch).toMatch(/^watched\s+\S+ m?s of 3\.0 s$/m);
  const samples = /^watch samples\s+(\d+) \((\d+) failed/m.exec(watch);
  expect(Number(samples?.[2])).toBe(3);
  expect(Number(samples?.[1])).toBeGreaterThan(3); // healthy samples first, then the 3 failures
  expect(watch).toMatch(/^watch timeline\s+\S*[▁-█]\S*✗/m);
  expect(watch).toMatch(/^first failure\s+\S+ m?s: \/: status 503, expected 200/m);
  expect(out).toMatch(/^api: current → releases\/\S+-v1 \(release v1\), as expected/m);
  expect(out).toMatch(/^web: current → releases\/\S+-v1 \(release v1\), as expected/m);
  expect(out).toContain('✔ Every step did what it should');
  expect(run.code).toBe(0);
  expect(run.ms).toBeLessThan(60_000);
  await expectNothingLeft(run);
});

test('deploy-kit demo interrupted during a release: exit 130, nothing left running or on disk', async () => {
  const run = await runDemo('▶ 6.');
  expect(run.code).toBe(130);
  expect(run.out).toContain('SIGINT: stopping the demo and cleaning up');
  await expectNothingLeft(run);
});
