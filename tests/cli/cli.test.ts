/**
 * The deploy-kit command: argument errors, the env file, the terminal rendering, and a
 * real `deploy-kit run smoke-test` (bin/deploy-kit.js → dist/cli → dist/smoke-test)
 * against an HTTP server on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';
import { UsageError, parseArgs, parseEnvFile } from '../../src/cli/args.js';
import { createLogPrinter, renderSummary, renderTable } from '../../src/cli/terminal.js';
import { postRuns } from '../../src/cli/run.js';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/deploy-kit.js'), ...args], {
      cwd: mkdtempSync(path.join(tmpdir(), 'dk-cli-')),
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('arguments', () => {
  test('run with inputs and env files', () => {
    expect(
      parseArgs(['run', 'smoke-test', '--input', 'url=https://x.test/?a=b', '--input=path=/health', '--env-file', 'f']),
    ).toEqual({
      kind: 'run',
      action: 'smoke-test',
      inputs: { url: 'https://x.test/?a=b', path: '/health' },
      envFiles: ['f'],
    });
  });
  test.each([
    [[], 'help'],
    [['--help'], 'help'],
    [['setup', '--help'], 'help'],
    [['run', '-h'], 'help'],
    [['run', 'smoke-test', '--input', 'url=x', '--help'], 'action-help'],
    [['--version'], 'version'],
    [['list'], 'list'],
    [['setup', '--repo', 'a/b', '--check'], 'setup'],
  ])('%j is %s', (argv, kind) => expect(parseArgs(argv).kind).toBe(kind));
  test.each([
    [['deploy'], /unknown command "deploy"/],
    [['run'], /run needs the action to run/],
    [['run', '--input', 'a=b'], /run needs the action to run/],
    [['run', 'smoke-test', '--input'], /--input needs a value/],
    [['run', 'smoke-test', '--input', 'url'], /"url" has no name=value form/],
    [['run', 'smoke-test', '--input', '=x'], /has no name=value form/],
    [['run', 'smoke-test', '--input', 'a b=c'], /is not an input name/],
    [['run', 'smoke-test', '--inptu', 'url=x'], /run does not know "--inptu"/],
    [['run', 'smoke-test', '--env-file'], /--env-file needs a file name/],
    [['run', 'smoke-test', '--dotenv', '--input'], /--dotenv needs a file name/],
    [['setup', '--check'], /setup needs --repo owner\/name/],
    [['setup', '--repo', 'a/b', '--check', '--reviewer', 'x'], /--check only reads/],
    [['setup', '--repo', 'a/b', '--secret', 'prod:X', '--reviewer', 'x'], /is not environment:NAME/],
    [['setup', '--repo', 'a/b', '--reviewer', 'x', '--wait-timer', '5m'], /is not whole minutes/],
    [['setup', '--repo', 'a/b', '--reviewers', 'x'], /setup does not know "--reviewers"/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
  test('setup: repeated reviewers and secrets, options with = or a space', () => {
    expect(
      parseArgs([
        'setup',
        '--repo=acme/shop',
        '--reviewer',
        'alice',
        '--reviewer=acme/leads',
        '--secret',
        'staging:DATABASE_URL',
        '--wait-timer',
        '10',
        '--allow-self-review',
      ]),
    ).toEqual({
      kind: 'setup',
      repository: 'acme/shop',
      check: false,
      reviewers: ['alice', 'acme/leads'],
      waitTimer: 10,
      allowSelfReview: true,
      secrets: [{ environment: 'staging', name: 'DATABASE_URL' }],
    });
  });
  test('env files: comments, export, quotes; a bad line is named by number, not content', () => {
    expect(parseEnvFile('# c\nexport A=1\nB="two\\nlines"\nC=\'$x\'\n\nINPUT_TOKEN = t=k\n', 'f')).toEqual({
      A: '1',
      B: 'two\nlines',
      C: '$x',
      INPUT_TOKEN: 't=k',
    });
    expect(() => parseEnvFile('A=1\nsecret-value-without-key\n', '.env')).toThrow(/^\.env line 2 is not KEY=value$/);
  });
  test('post-if conditions', () => {
    expect(postRuns('failure() || cancelled()', 'success')).toBe(false);
    expect(postRuns('failure() || cancelled()', 'cancelled')).toBe(true);
    expect(postRuns('${{ failure() }}', 'failure')).toBe(true);
    expect(postRuns('always()', 'success')).toBe(true);
  });
});

describe('terminal rendering', () => {
  test('summary tables become aligned text', () => {
    const html =
      '<h3>Smoke test passed ✅</h3>\n<table><tr><th>check</th><th>latency</th></tr><tr><td>/health</td><td>12 ms</td></tr><tr><td>a &amp; &lt;b&gt;</td><td>1 ms</td></tr></table>\n\n> note<br>next';
    expect(renderSummary(html)).toBe(
      [
        'Smoke test passed ✅',
        '',
        'check    latency',
        '───────  ───────',
        '/health  12 ms',
        'a & <b>  1 ms',
        '',
        '> note',
        'next',
      ].join('\n'),
    );
  });
  test('emoji take two columns', () => {
    expect(
      renderTable(
        [
          ['a', 'b'],
          ['✅', 'x'],
        ],
        true,
      ).split('\n'),
    ).toEqual(['a   b', '──  ─', '✅  x']);
  });
  test('log: groups, an annotation repeated by setFailed shown once, masks, debug hidden, partial lines', () => {
    const lines: string[] = [];
    const printer = createLogPrinter((l) => lines.push(l));
    printer.write('::add-mask::s3cret\n::group::Work\nusing s3cr');
    printer.write(
      'et now\n::debug::hidden\n::endgroup::\n::error title=Boom::bad%0Athing s3cret\n::error::Boom: bad%0Athing s3cret\ntail',
    );
    printer.flush();
    expect(lines).toEqual(['▸ Work', '  using *** now', 'Error: Boom: bad', '  thing ***', 'tail']);
  });
});

describe('deploy-kit run (compiled)', () => {
  let server: Server;
  let base: string;
  const secret = 'tok-7f3a9c2e51';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const authorized = req.headers.authorization === `Bearer ${secret}`;
      res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: authorized ? 'ok' : 'denied', version: 'v1.2.3' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('passes, prints outputs and the summary as text, never the secret header', async () => {
    const { code, out } = await cli([
      'run',
      'smoke-test',
      '--input',
      `url=${base}`,
      '--input',
      'path=/health',
      '--input',
      `headers=Authorization: Bearer ${secret}`,
      '--input',
      'expect-version=v1.2.3',
      '--input',
      'requests=3',
    ]);
    expect(out).not.toContain(secret);
    expect(out).not.toMatch(/<t[dhr]>|::add-mask::/);
    expect(out).toMatch(/^passed\s+true$/m);
    expect(out).toMatch(/^Job summary$/m);
    expect(out).toMatch(/^\/health\s+http:\/\/127\.0\.0\.1:\d+\/health\s+ok\s+200\s+\d+ ms$/m);
    expect(out).toMatch(/✔ passed in/);
    expect(code).toBe(0);
  });

  test('a failing check exits non-zero with the reason; inputs can come from --dotenv', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-env-'));
    writeFileSync(path.join(dir, '.env'), `INPUT_URL=${base}\nINPUT_TIMEOUT=1s\nINPUT_INTERVAL=0.2s\n`);
    const { code, out } = await cli(['run', 'smoke-test', '--dotenv', path.join(dir, '.env')]);
    expect(out).toMatch(/Error: .*Smoke test failed/);
    expect(out).toMatch(/^passed\s+false$/m);
    expect(out).toMatch(/✖ failed \(exit 1\)/);
    expect(code).toBe(1);
  });

  test('argument errors are clear and exit 2', async () => {
    const unknown = await cli(['run', 'no-such-action']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/there is no action "no-such-action"; this copy has: .*smoke-test/);
    // --dotenv, not --env-file: Node 20 claims --env-file anywhere on its command line and
    // stops with its own error for a missing file before deploy-kit runs.
    const missing = await cli(['run', 'smoke-test', '--dotenv', '/nonexistent/.env']);
    expect(missing.out).toContain('deploy-kit: cannot read --dotenv /nonexistent/.env: ENOENT');
    expect(missing.code).toBe(2);
    // One line pointing at the right help, not the whole usage after every typo.
    const option = await cli(['run', 'smoke-test', '--url', 'x']);
    expect(option.out).toBe(
      'deploy-kit: run does not know "--url"; expected --input name=value, --dotenv file or --help\n' +
        'Run deploy-kit run smoke-test --help for its inputs.\n',
    );
    const verb = await cli(['deploy']);
    expect(verb.out).toMatch(/^deploy-kit: unknown command "deploy".*\nRun deploy-kit --help for the commands/);
    expect(verb.out).not.toContain('Usage:');
  });

  test('a misspelled input is refused, naming the real one, before the action runs', async () => {
    const { code, out } = await cli(['run', 'smoke-test', '--input', `url=${base}`, '--input', 'expect_status=200']);
    expect(out).toContain('smoke-test has no input "expect_status"; did you mean "expect-status"?');
    expect(out).not.toContain('▶ smoke-test');
    expect(code).toBe(2);
  });

  test('run <action> --help lists its inputs with defaults; --version prints the version', async () => {
    const help = await cli(['run', 'smoke-test', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^ {2}url \(required\)$/m);
    expect(help.out).toMatch(/^ {2}expect-status \(default: 200\)$/m);
    expect(help.out).toMatch(/^ {6}Accepted status codes/m);
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^deploy-kit \d+\.\d+\.\d+ \(node \d+/);
  });

  test('a run leaves no temp folder behind', async () => {
    const temp = mkdtempSync(path.join(tmpdir(), 'dk-tmp-'));
    const { code, out } = await cli(
      ['run', 'smoke-test', '--input', `url=${base}`, '--input', `headers=Authorization: Bearer ${secret}`],
      { TMPDIR: temp },
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^report\s+\(a file in the run's temp folder, removed with it\)$/m);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a missing required input is the action’s own ConfigurationError', async () => {
    const { code, out } = await cli(['run', 'smoke-test']);
    expect(out).toMatch(/Error: Input "url" is required/);
    expect(code).toBe(1);
  });
});
