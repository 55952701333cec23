/** The gate's parsers, directly: commands, coverage formats, JUnit shapes, npm audit output. */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { judgeAuditOutput } from '../../src/gate/audit.js';
import { cacheKey, defaultFolder, detectManagers } from '../../src/gate/cache.js';
import { parseCommands, runCommands, shellArgv } from '../../src/gate/commands.js';
import { runCommand } from '../../src/lib/exec.js';
import { parseCoverage } from '../../src/gate/coverage.js';
import { parseJUnit } from '../../src/gate/junit.js';
import { Fail } from '../../src/lib/schemas.js';
import { KitError } from '../../src/lib/errors.js';

describe('parseCommands', () => {
  it('reads one command per line, skipping blanks and comments', async () => {
    expect(await parseCommands('npm ci\n\n# lint next\nnpm run lint -- --max-warnings=0\n')).toEqual([
      { name: 'npm ci', script: 'npm ci' },
      { name: 'npm run lint -- --max-warnings=0', script: 'npm run lint -- --max-warnings=0' },
    ]);
  });

  it('reads a YAML map of name: command, with block scalars kept as one script', async () => {
    expect(await parseCommands('unit tests: npm test\nbuild: |\n  npm run build\n  test -f dist/index.js\n')).toEqual([
      { name: 'unit tests', script: 'npm test' },
      { name: 'build', script: 'npm run build\ntest -f dist/index.js' },
    ]);
  });

  it('keeps lines that only look a little like YAML as commands', async () => {
    for (const line of ['npm run lint:fix', 'pytest -k "a: b"', 'echo "time: $(date)"', 'FOO=1 make test'])
      expect(await parseCommands(line)).toEqual([{ name: line, script: line }]);
  });

  it('rejects a map that is not valid YAML, or with an empty command, naming the problem', async () => {
    expect(await parseCommands('unit: npm test\nunit: npm run e2e')).toBeInstanceOf(Fail);
    expect(((await parseCommands('lint:\n')) as Fail).message).toContain('"lint"');
  });

  it('passes the script to the shell as one argument', () => {
    expect(shellArgv('bash', 'a && b')).toEqual(['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', 'a && b']]);
    expect(shellArgv('sh', 'a && b')).toEqual(['sh', ['-e', '-c', 'a && b']]);
  });
});

describe('runCommands', () => {
  it('prints a progress line while a command is silent, and streams its output', async () => {
    const log: string[] = [];
    const written: string[] = [];
    const outcomes = await runCommands(
      [{ name: 'quiet', script: 'sleep 0.8; echo done' }],
      {
        shell: 'bash',
        cwd: tmpdir(),
        env: process.env,
        timeoutMs: 10_000,
        failFast: false,
        tailLines: 5,
        heartbeatMs: 200,
      },
      {
        run: runCommand,
        group: (_title, fn) => fn(),
        write: (chunk) => written.push(chunk),
        log: (line) => log.push(line),
      },
    );
    expect(outcomes).toMatchObject([{ name: 'quiet', result: 'passed', exitCode: 0 }]);
    expect(log.some((line) => /^… quiet still running \(\d+ s\)$/.test(line))).toBe(true);
    expect(written.join('')).toBe('done\n');
  });

  it('a shell that cannot be started fails the command with the reason', async () => {
    const [outcome] = await runCommands(
      [{ name: 'x', script: 'true' }],
      {
        shell: 'bash',
        cwd: tmpdir(),
        env: { PATH: '/nonexistent' },
        timeoutMs: 1000,
        failFast: false,
        tailLines: 5,
        heartbeatMs: 1000,
      },
      { run: runCommand, group: (_title, fn) => fn(), write: () => undefined, log: () => undefined },
    );
    expect(outcome).toMatchObject({ result: 'failed', reason: expect.stringContaining('could not start bash') });
  });
});

describe('parseCoverage', () => {
  it('lcov without LF/LH counts DA lines', () => {
    expect(parseCoverage('SF:a.js\nDA:1,1\nDA:2,0\nDA:3,5\nend_of_record\n', 'x')).toMatchObject({
      format: 'lcov',
      linesCovered: 2,
      linesValid: 3,
      percent: 66.67,
    });
  });

  it('Cobertura with only line-rate', () => {
    expect(parseCoverage('<coverage line-rate="0.9134"></coverage>', 'c.xml')).toEqual({
      format: 'cobertura',
      percent: 91.34,
    });
  });

  it('names the file and the format it expected when it cannot read it', () => {
    expect(() => parseCoverage('hello', 'cov.txt')).toThrow(/cov\.txt is not a format the gate reads/);
    expect(() => parseCoverage('{"total": {}}', 'summary.json')).toThrow(
      /summary\.json is not an Istanbul json-summary/,
    );
    expect(() => parseCoverage('<report/>', 'r.xml')).toThrow(/r\.xml is not a Cobertura report/);
    expect(() => parseCoverage('SF:a.js\n', 'lcov.info')).toThrow(/no records/);
  });
});

describe('parseJUnit', () => {
  const where = { cwd: '/nowhere', workspace: '/nowhere' };

  it('reads a bare <testsuite> root with <error> and nested suites', () => {
    const result = parseJUnit(
      '<testsuite name="outer"><testcase name="a"/><testsuite name="inner"><testcase name="b"><error message="boom" type="Error">stack</error></testcase></testsuite></testsuite>',
      'r.xml',
      where,
    );
    expect(result).toMatchObject({ tests: 2, passed: 1, failed: 1, skipped: 0 });
    expect(result.failures[0]).toMatchObject({ suite: 'inner', name: 'b', kind: 'error', message: 'boom' });
  });

  it('uses the file and line attributes when the report has them and the file exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-junit-'));
    mkdirSync(path.join(dir, 'pkg'));
    writeFileSync(path.join(dir, 'pkg/test_x.py'), '');
    const result = parseJUnit(
      '<testsuites><testsuite><testcase name="t" file="pkg/test_x.py" line="12"><failure message="no"/></testcase></testsuite></testsuites>',
      'r.xml',
      { cwd: dir, workspace: dir },
    );
    expect(result.failures[0]).toMatchObject({ file: 'pkg/test_x.py', line: 12, message: 'no' });
  });

  it('a report that is not JUnit, or empty, is a KitError naming the file', () => {
    expect(() => parseJUnit('<html></html>', 'page.xml', where)).toThrow(KitError);
    expect(() => parseJUnit('<html></html>', 'page.xml', where)).toThrow(/page\.xml is XML but not a JUnit report/);
    expect(() => parseJUnit('  ', 'empty.xml', where)).toThrow(/empty\.xml is empty/);
  });
});

describe('judgeAuditOutput', () => {
  // npm 11's `npm audit --json` with one high and one moderate advisory (trimmed).
  const report = JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: {
      'left-pad': {
        name: 'left-pad',
        severity: 'high',
        isDirect: true,
        via: [
          {
            source: 1001,
            name: 'left-pad',
            title: 'Prototype pollution',
            url: 'u',
            severity: 'high',
            range: '<=1.3.0',
          },
        ],
        effects: ['wrapper'],
        range: '<=1.3.0',
        nodes: ['node_modules/left-pad'],
        fixAvailable: true,
      },
      wrapper: { name: 'wrapper', severity: 'moderate', via: ['left-pad'], range: '*', fixAvailable: false },
    },
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 1, critical: 0, total: 2 } },
  });

  it('counts by severity and blocks at the level or above', () => {
    const high = judgeAuditOutput(report, '', 'high', 5);
    expect(high).toMatchObject({ status: 'ran', blocking: 1, counts: { high: 1, moderate: 1 } });
    expect(judgeAuditOutput(report, '', 'moderate', 5)).toMatchObject({ blocking: 2 });
    expect(judgeAuditOutput(report, '', 'critical', 5)).toMatchObject({ blocking: 0 });
    if (high.status === 'ran')
      expect(high.advisories.map((a) => [a.name, a.title, a.fixAvailable])).toEqual([
        ['left-pad', 'Prototype pollution', true],
        ['wrapper', 'via left-pad', false],
      ]);
  });

  it('an error report or no JSON at all is "unavailable", with npm\'s reason', () => {
    expect(
      judgeAuditOutput(
        '{"message":"request to x failed, reason: getaddrinfo EAI_AGAIN","error":{"summary":"","detail":""}}',
        '',
        'low',
        1,
      ),
    ).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('EAI_AGAIN'),
    });
    expect(judgeAuditOutput('', 'npm ERR! something', 'low', 1)).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('npm ERR! something'),
    });
  });
});

describe('cache keys and folders', () => {
  it('auto detects every manager with a lockfile; a named manager is kept even without one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-cache-'));
    for (const file of ['yarn.lock', 'requirements.txt', 'requirements-dev.txt', 'uv.lock'])
      writeFileSync(path.join(dir, file), file);
    expect(detectManagers('auto', dir)).toEqual([
      { manager: 'yarn', lockfiles: ['yarn.lock'] },
      { manager: 'uv', lockfiles: ['uv.lock'] },
      { manager: 'pip', lockfiles: ['requirements-dev.txt', 'requirements.txt'] },
    ]);
    expect(detectManagers('poetry', dir)).toEqual([{ manager: 'poetry', lockfiles: [] }]);
    expect(detectManagers('none', dir)).toEqual([]);
  });

  it('the key changes with the lockfile and the OS', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-cache-'));
    writeFileSync(path.join(dir, 'uv.lock'), 'a');
    const context = { cwd: dir, env: { RUNNER_OS: 'Linux' }, platform: 'linux' as const, arch: 'x64' };
    const one = cacheKey('uv', ['uv.lock'], context);
    expect(one.key.startsWith(one.prefix)).toBe(true);
    expect(one.prefix).toBe('deploy-kit-test-gate-uv-Linux-x64-');
    expect(cacheKey('uv', ['uv.lock'], { ...context, env: { RUNNER_OS: 'macOS' } }).key).not.toBe(one.key);
    writeFileSync(path.join(dir, 'uv.lock'), 'b');
    expect(cacheKey('uv', ['uv.lock'], context).key).not.toBe(one.key);
  });

  it('default folders follow each tool and its variables', () => {
    const linux = { cwd: '/', env: { HOME: '/home/u' }, platform: 'linux' as const, arch: 'x64' };
    expect(defaultFolder('npm', linux)).toBe('/home/u/.npm');
    expect(defaultFolder('pip', linux)).toBe('/home/u/.cache/pip');
    expect(defaultFolder('pip', { ...linux, env: { HOME: '/home/u', PIP_CACHE_DIR: '/c/pip' } })).toBe('/c/pip');
    expect(defaultFolder('poetry', { ...linux, platform: 'darwin' })).toBe('/home/u/Library/Caches/pypoetry');
    expect(defaultFolder('uv', { ...linux, env: { HOME: '/home/u', XDG_CACHE_HOME: '/x' } })).toBe('/x/uv');
  });
});
