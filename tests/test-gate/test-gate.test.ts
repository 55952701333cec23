/**
 * test-gate through the runner contract: the compiled dist/test-gate/index.js runs as the
 * GitHub runner runs it, against small real projects in temp dirs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ActionRun, runAction } from '../harness/runner.js';
import { startFakeCacheService } from './fake-cache-service.js';
import { type FakeRegistry, closedPort, startFakeRegistry } from './fake-registry.js';
import { FAILING_ASSERT_LINE, FIXTURES, copyPytestProject, makeNodeProject } from './projects.js';

const gate = (cwd: string, inputs: Record<string, string>, env: Record<string, string | undefined> = {}) =>
  runAction('test-gate', { cwd, inputs: { cache: 'none', ...inputs }, env });

/** Whether a process is still running (a zombie waiting for PID 1 to reap it is not) after a grace period. */
async function runningAfter(pid: number, graceMs: number): Promise<boolean> {
  const running = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };
  for (const end = Date.now() + graceMs; running() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
  return running();
}

const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');
const warnings = (run: ActionRun) => run.annotations.filter((a) => a.level === 'warning');

describe('test-gate: node projects with jest-junit reports', () => {
  it('passes a passing project: every command in its own group, totals in the outputs and summary', async () => {
    const dir = makeNodeProject();
    const run = await gate(dir, {
      commands: 'unit: npm test\nsyntax: node --check src/sum.js',
      junit: 'junit.xml',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ passed: 'true', 'failed-commands': '[]', tests: '2', failures: '0' });
    expect(run.log).toContain('::group::▶ unit\n');
    expect(run.log).toContain('::group::▶ syntax\n');
    expect(run.log).toContain('PASS sum adds negative numbers');
    expect(run.log).toMatch(/✔ unit passed in \d+\.\d s/);
    expect(run.summary).toContain('Test gate passed ✅');
    expect(run.summary).toMatch(/<td>unit<\/td><td>✅ passed<\/td><td>\d+(\.\d)? m?s<\/td>/);
    expect(run.summary).toContain('2 in 1 report(s) — 2 passed, 0 failed, 0 skipped');
    expect(errors(run)).toEqual([]);
  });

  it('fails a failing project: the failing test is an annotation at its file and line, and a summary row', async () => {
    const dir = makeNodeProject({ failing: true });
    const run = await gate(dir, { commands: 'unit: npm test\nsyntax: node --check src/sum.js', junit: 'junit.xml' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ passed: 'false', 'failed-commands': '["unit"]', tests: '2', failures: '1' });
    const test = errors(run).find((a) => a.properties.title?.startsWith('Test failed'));
    expect(test?.properties).toMatchObject({
      title: 'Test failed: sum adds negative numbers',
      file: 'test/sum.test.js',
      line: String(FAILING_ASSERT_LINE),
    });
    expect(test?.message).toContain('-3 !== 3');
    // The other command still ran (fail-fast is off by default) and passed.
    expect(run.summary).toMatch(/<td>syntax<\/td><td>✅ passed/);
    // The failing command's row carries the last lines of its output.
    expect(run.summary).toMatch(/<td>unit<\/td><td>❌ failed<\/td>.*exit code 1<pre>[^<]*1 of 2 tests failed/s);
    expect(run.summary).toContain(`<td>sum adds negative numbers</td><td>test/sum.test.js:${FAILING_ASSERT_LINE}</td>`);
    const failed = errors(run).at(-1);
    expect(failed?.message).toContain('Test gate failed: "unit" failed (exit code 1). 1 of 2 tests failed.');
    expect(run.log).not.toContain('bug in deploy-kit');
  });

  it('runs each command as the user wrote it, through bash -e -o pipefail, as one script', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-shell-'));
    const run = await gate(dir, {
      commands: [
        'quoting: |',
        '  printf "%s\\n" "a  b" \'$HOME\' > out.txt',
        '  echo "$((6 * 7))" >> out.txt',
        'pipefail: false | true',
        'errexit: |',
        '  false',
        '  touch should-not-exist',
      ].join('\n'),
    });
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('a  b\n$HOME\n42\n');
    expect(existsSync(path.join(dir, 'should-not-exist'))).toBe(false);
    expect(JSON.parse(run.outputs['failed-commands'] as string)).toEqual(['pipefail', 'errexit']);
    // The command's environment is the job's, without the action's own inputs.
    const env = await gate(dir, { commands: 'env | grep -c "^INPUT_" || true' });
    expect(env.log).toMatch(/::group::▶ env \| grep -c "\^INPUT_" \|\| true\n0\n/);
  });
});

describe('test-gate: fail-fast and timeout', () => {
  it('fail-fast: true stops at the first failure and reports the rest as skipped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-ff-'));
    const run = await gate(dir, {
      commands: 'first: exit 3\nsecond: touch second-ran',
      'fail-fast': 'true',
    });
    expect(run.exitCode).toBe(1);
    expect(existsSync(path.join(dir, 'second-ran'))).toBe(false);
    expect(run.outputs['failed-commands']).toBe('["first"]');
    expect(run.summary).toMatch(/<td>second<\/td><td>⏭️ skipped<\/td><td>—<\/td>/);
    expect(run.summary).toContain('exit code 3');
  });

  it('fail-fast: false (the default) runs every command and reports every failure', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-nff-'));
    const run = await gate(dir, { commands: 'exit 3\ntouch second-ran\necho boom >&2; exit 4' });
    expect(run.exitCode).toBe(1);
    expect(existsSync(path.join(dir, 'second-ran'))).toBe(true);
    expect(JSON.parse(run.outputs['failed-commands'] as string)).toEqual(['exit 3', 'echo boom >&2; exit 4']);
    expect(run.summary).toMatch(/exit code 4<pre>boom<\/pre>/);
  });

  it('stops a command that hangs past its timeout, with everything it started, and fails it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-hang-'));
    const run = await gate(dir, {
      commands: 'hang: |\n  sleep 300 &\n  echo $! > child.pid\n  echo waiting\n  wait\nafter: echo after-ran',
      timeout: '3s',
    });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(20_000);
    expect(run.outputs['failed-commands']).toBe('["hang"]');
    // Under a loaded machine the kill lands a little after the deadline: the row says what happened.
    expect(run.summary).toMatch(
      /⏱️ timed out<\/td><td>\d+\.\d s<\/td><td>still running after the timeout of 3 s; stopped<pre>waiting<\/pre>/,
    );
    // The background child was killed with its process group, not left running.
    const pid = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
    expect(await runningAfter(pid, 3000)).toBe(false);
    // fail-fast is off: the next command still ran.
    expect(run.log).toContain('after-ran');
  });
});

describe('test-gate: reports', () => {
  it("reads pytest's JUnit report: totals, skips, annotations at the test's file and line", async () => {
    const dir = copyPytestProject();
    const run = await gate(dir, { junit: '*.xml' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ tests: '4', failures: '2', passed: 'false', 'failed-commands': '[]' });
    const tests = errors(run).filter((a) => a.properties.title?.startsWith('Test failed'));
    expect(tests.map((a) => [a.properties.title, a.properties.file, a.properties.line])).toEqual([
      ['Test failed: test_add_negative', 'tests/test_calc.py', '11'],
      ['Test failed: test_divide_by_zero', 'tests/test_calc.py', '15'],
    ]);
    expect(run.summary).toContain('4 in 1 report(s) — 1 passed, 2 failed, 1 skipped');
    expect(run.summary).toContain('<td>tests/test_calc.py:15</td><td>ZeroDivisionError: division by zero</td>');
  });

  it('annotation paths are relative to the workspace when working-directory is a subfolder', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'dk-gate-ws-'));
    cpSync(path.join(FIXTURES, 'pytest-project'), path.join(workspace, 'api'), { recursive: true });
    const run = await gate(workspace, { 'working-directory': 'api', junit: 'report.xml' });
    const files = errors(run)
      .map((a) => a.properties.file)
      .filter(Boolean);
    expect(files).toEqual(['api/tests/test_calc.py', 'api/tests/test_calc.py']);
  });

  it('a malformed report is a clear error naming the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-bad-'));
    const good = readFileSync(path.join(FIXTURES, 'pytest-project/report.xml'), 'utf8');
    writeFileSync(path.join(dir, 'junit-cut.xml'), good.slice(0, good.length / 2));
    const run = await gate(dir, { junit: 'junit-*.xml' });
    expect(run.exitCode).toBe(1);
    const message = errors(run).at(-1)?.message ?? '';
    expect(message).toContain('The JUnit report junit-cut.xml is not well-formed XML');
    expect(message).not.toContain('bug in deploy-kit');
  });

  it('no report matching the glob fails the gate and says where it looked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-none-'));
    const run = await gate(dir, { commands: 'true', junit: 'reports/*.xml' });
    expect(run.exitCode).toBe(1);
    expect(errors(run).at(-1)?.message).toContain('No JUnit report matched reports/*.xml');
  });

  it.each([
    ['lcov.info', '87.5', '7 of 8 lines', 'lcov'],
    ['cobertura.xml', '87.5', '7 of 8 lines', 'cobertura'],
    ['coverage-summary.json', '75', '30 of 40 lines', 'json-summary'],
  ])('reads %s: coverage %s%% in the output and summary', async (file, percent, lines, format) => {
    const run = await gate(FIXTURES, { 'coverage-file': file, 'min-coverage': '70' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.coverage).toBe(percent);
    expect(run.summary).toContain(`${percent}% (${lines}) ✅ ≥ 70% — ${file} (${format})`);
  });

  it('coverage below min-coverage fails the gate, with the coverage still in the outputs', async () => {
    const run = await gate(FIXTURES, { 'coverage-file': 'lcov.info', 'min-coverage': '90' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ coverage: '87.5', passed: 'false' });
    expect(errors(run).at(-1)?.message).toContain('Line coverage 87.5% is below min-coverage 90%.');
  });
});

describe('test-gate: npm audit against a registry on 127.0.0.1', () => {
  let registry: FakeRegistry;
  beforeAll(async () => {
    registry = await startFakeRegistry({
      'left-pad': [
        { id: 1001, title: 'Prototype pollution in left-pad', severity: 'high', vulnerable_versions: '<=1.3.0' },
      ],
    });
  });
  afterAll(() => registry.close());

  const auditProject = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-audit-'));
    const deps = { 'left-pad': '1.3.0' };
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'audited', version: '1.0.0', dependencies: deps }),
    );
    writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'audited',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'audited', version: '1.0.0', dependencies: deps },
          'node_modules/left-pad': { version: '1.3.0', resolved: `${registry.url}left-pad/-/left-pad-1.3.0.tgz` },
        },
      }),
    );
    return dir;
  };
  // npm's own config, as a user's .npmrc would set it; no retries keeps the no-network case short.
  const npmEnv = (url: string) => ({
    npm_config_registry: url,
    npm_config_fetch_retries: '0',
    npm_config_cache: mkdtempSync(path.join(tmpdir(), 'dk-npm-cache-')),
  });

  it('fails on advisories at the level or above, summarized by severity', async () => {
    const run = await gate(auditProject(), { audit: 'high' }, npmEnv(registry.url));
    expect(registry.audits.at(-1)).toEqual({ 'left-pad': ['1.3.0'] });
    expect(run.exitCode).toBe(1);
    expect(errors(run).at(-1)?.message).toContain('npm audit found 1 vulnerable package at high or above.');
    expect(run.summary).toContain('<td>npm audit (high)</td><td>❌ 1 high');
    expect(run.summary).toContain('<td>left-pad</td><td>high</td><td>Prototype pollution in left-pad');
  });

  it('passes when the advisories are below the level, still listing them', async () => {
    const run = await gate(auditProject(), { audit: 'critical' }, npmEnv(registry.url));
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('<td>npm audit (critical)</td><td>✅ 1 high');
  });

  it('with no network the audit fails the gate with a clear message, not a crash', async () => {
    const port = await closedPort();
    const run = await gate(auditProject(), { audit: 'moderate' }, npmEnv(`http://127.0.0.1:${port}/`));
    expect(run.exitCode).toBe(1);
    const message = errors(run).at(-1)?.message ?? '';
    expect(message).toContain('The audit did not run: npm audit could not get the advisories from the registry');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('bug in deploy-kit');
    expect(run.summary).toContain('❌ did not run');
  });
});

describe('test-gate: dependency cache', () => {
  it('outside GitHub (no cache service) caching is a warning, never a failure', async () => {
    const dir = makeNodeProject();
    const run = await runAction('test-gate', { cwd: dir, inputs: { commands: 'npm test' } });
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain('cache: auto detected npm from package-lock.json');
    expect(warnings(run).map((w) => w.message)).toEqual([
      expect.stringContaining('the GitHub Actions cache service is not available here'),
    ]);
    expect(run.summary).toContain('<td>cache (npm)</td><td>unavailable</td>');
  });

  it('a cache service that is configured but not there: restore and save fail with warnings, the gate passes', async () => {
    const dir = makeNodeProject();
    const port = await closedPort();
    const npmCache = mkdtempSync(path.join(tmpdir(), 'dk-npm-cache-'));
    writeFileSync(path.join(npmCache, 'marker'), 'x');
    const run = await runAction('test-gate', {
      cwd: dir,
      inputs: { commands: 'npm test', cache: 'npm' },
      env: {
        ACTIONS_CACHE_URL: `http://127.0.0.1:${port}/`,
        ACTIONS_RUNTIME_TOKEN: 'dummy',
        npm_config_cache: npmCache,
      },
      timeoutMs: 90_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.log).toContain(`cache: npm folder ${npmCache} (from \`npm config get cache\`)`);
    const messages = warnings(run).map((w) => w.message);
    expect(messages.some((m) => /Failed to restore|restoring npm's cache failed/.test(m))).toBe(true);
    expect(messages.some((m) => /Failed to save|saving npm's cache/.test(m))).toBe(true);
    expect(errors(run)).toEqual([]);
  });
});

describe('test-gate: dependency cache with a cache service on 127.0.0.1', () => {
  it('saves after a miss, restores on the next run (exact hit), and from an older key when the lockfile changes', async () => {
    const service = await startFakeCacheService();
    try {
      const dir = makeNodeProject();
      const npmCache = mkdtempSync(path.join(tmpdir(), 'dk-npm-cache-'));
      const env = { ACTIONS_CACHE_URL: service.url, ACTIONS_RUNTIME_TOKEN: 'dummy', npm_config_cache: npmCache };
      const gateWithCache = () =>
        runAction('test-gate', { cwd: dir, inputs: { commands: 'npm test' }, env, timeoutMs: 90_000 });
      // The first run: nothing cached yet; a command fills the folder, the gate saves it.
      writeFileSync(path.join(npmCache, 'downloaded.tgz'), 'first run');
      const first = await gateWithCache();
      expect(first.exitCode).toBe(0);
      expect(warnings(first).map((w) => w.message)).toEqual([
        expect.stringContaining('no npm cache for package-lock.json yet'),
      ]);
      const [saved] = service.entries();
      expect(saved?.key).toMatch(/^deploy-kit-test-gate-npm-Linux-x64-[0-9a-f]{64}$/);
      expect(first.summary).toContain('<td>cache (npm)</td><td>miss, saved</td>');

      // The second run on a fresh machine: the folder comes back from the cache.
      rmSync(npmCache, { recursive: true, force: true });
      const second = await gateWithCache();
      expect(second.exitCode).toBe(0);
      expect(readFileSync(path.join(npmCache, 'downloaded.tgz'), 'utf8')).toBe('first run');
      expect(second.summary).toContain('<td>cache (npm)</td><td>hit, not needed</td>');
      expect(warnings(second)).toEqual([]);

      // A changed lockfile: the older cache is restored by prefix and a new one saved.
      writeFileSync(
        path.join(dir, 'package-lock.json'),
        readFileSync(path.join(dir, 'package-lock.json'), 'utf8') + '\n',
      );
      const third = await gateWithCache();
      expect(third.summary).toContain(`<td>cache (npm)</td><td>partial from ${saved?.key}, saved</td>`);
      expect(service.entries()).toHaveLength(2);
    } finally {
      await service.close();
    }
  });
});

describe('test-gate: bad input fails before anything runs', () => {
  it.each([
    [{ commands: 'touch ran', timeout: 'soon' }, 'Input "timeout" is invalid: "soon" is not a duration'],
    [{ commands: 'touch ran', 'min-coverage': '80' }, 'Input "min-coverage" needs "coverage-file"'],
    [{ commands: 'touch ran', cache: 'maven' }, 'Input "cache" is invalid: "maven" is not one of auto, npm'],
    [{ commands: 'touch ran', audit: 'severe' }, 'Input "audit" is invalid'],
    [
      { commands: 'touch ran', 'working-directory': 'nope' },
      'Input "working-directory" is invalid: nope is not a directory',
    ],
    [
      { commands: 'unit: [touch ran' },
      'Input "commands" is invalid: reads as a YAML map of name: command but is not valid YAML',
    ],
    [{ commands: '' }, 'The gate has nothing to check'],
  ])('%j', async (inputs, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-input-'));
    const run = await gate(dir, inputs);
    expect(run.exitCode).toBe(1);
    expect(errors(run).at(-1)?.message).toContain(message);
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });
});
