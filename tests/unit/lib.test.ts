import { describe, it, expect } from '@jest/globals';
import { readInputs, defineAction, maskSecret } from '../../src/lib/action-spec.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { bool, duration, httpUrl, integer, optional, text } from '../../src/lib/schemas.js';
import { parseDuration } from '../../src/lib/duration.js';
import { retry } from '../../src/lib/retry.js';
import { inheritedEnv, runCommand } from '../../src/lib/exec.js';
import { parseCommandFile, parseWorkflowCommands, inputVariable } from '../harness/runner.js';

const spec = defineAction({
  name: 'example',
  title: 'example',
  description: 'example',
  inputs: {
    'database-url': {
      description: 'The database. Masked.',
      required: true,
      secret: true,
      example: 'postgres://…',
      parse: text(),
    },
    'lock-timeout': { description: 'How long.', default: '5m', parse: duration() },
    'dry-run': { description: 'Plan only.', default: 'false', parse: bool() },
    retries: { description: 'Count.', parse: optional(integer(0, 5)) },
    url: { description: 'Where.', parse: optional(httpUrl()) },
  },
  outputs: {},
});

function source(values: Record<string, string>) {
  const masked: string[] = [];
  return { masked, getInput: (name: string) => values[name] ?? '', setSecret: (v: string) => void masked.push(v) };
}

describe('readInputs', () => {
  it('applies defaults, parses, and camel-cases names', () => {
    const inputs = readInputs(spec, source({ 'database-url': 'postgres://u:p@h/db' }));
    expect(inputs).toEqual({
      databaseUrl: 'postgres://u:p@h/db',
      lockTimeout: 300_000,
      dryRun: false,
      retries: undefined,
      url: undefined,
    });
  });

  it('masks a secret and the password part of a URL (raw and decoded) the moment it is read', () => {
    const src = source({ 'database-url': 'postgres://app:s3cr%40t@db/prod' });
    readInputs(spec, src);
    expect(src.masked).toEqual(['postgres://app:s3cr%40t@db/prod', 's3cr%40t', 's3cr@t']);
  });

  it('names the input and the problem, with an example', () => {
    expect(() => readInputs(spec, source({}))).toThrow(
      new ConfigurationError('Input "database-url" is required: The database. Example: database-url: postgres://…'),
    );
    expect(() => readInputs(spec, source({ 'database-url': 'x', 'lock-timeout': 'soon' }))).toThrow(
      /Input "lock-timeout" is invalid: "soon" is not a duration/,
    );
    expect(() => readInputs(spec, source({ 'database-url': 'x', retries: '9' }))).toThrow(
      /Input "retries" is invalid: 9 is out of range; expected 0 to 5/,
    );
    expect(() => readInputs(spec, source({ 'database-url': 'x', url: 'not a url' }))).toThrow(
      /Input "url" is invalid: not a valid absolute URL/,
    );
  });

  it('never echoes a secret value in an error message', () => {
    const secretSpec = defineAction({
      ...spec,
      inputs: { token: { description: 'Token.', secret: true, parse: integer() } },
    });
    expect(() => readInputs(secretSpec, source({ token: 'abc123secret' }))).toThrow(
      'Input "token" is invalid: "***" is not a whole number',
    );
  });

  it('maskSecret ignores empty values and masks a non-URL whole', () => {
    const masked: string[] = [];
    maskSecret('', (v) => masked.push(v));
    maskSecret('plain-token', (v) => masked.push(v));
    expect(masked).toEqual(['plain-token']);
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['30', 30_000],
    ['250ms', 250],
    ['1.5m', 90_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', 'soon', '5 minutes', '-1s'])('%j is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('retry', () => {
  it('backs off exponentially and stops at the limit or a non-retryable error', async () => {
    const delays: number[] = [];
    let calls = 0;
    const flaky = async () => {
      calls++;
      throw new Error('flaky');
    };
    await expect(
      retry(flaky, { attempts: 4, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) }),
    ).rejects.toThrow('flaky');
    expect(calls).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
    calls = 0;
    await expect(retry(flaky, { attempts: 4, retryable: () => false })).rejects.toThrow('flaky');
    expect(calls).toBe(1);
  });
});

describe('runCommand', () => {
  it('passes argv without a shell, so metacharacters stay literal', async () => {
    const result = await runCommand('printf', ['%s|', '$(whoami)', '; rm -rf /', '`id`']);
    expect(result.stdout).toBe('$(whoami)|; rm -rf /|`id`|');
    expect(result.exitCode).toBe(0);
  });

  it('kills the whole process group at the timeout', async () => {
    const result = await runCommand('bash', ['-c', 'sleep 30 & sleep 30; echo never'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).not.toContain('never');
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("gives the program the runner's environment without the action's inputs and state", async () => {
    process.env['INPUT_DATABASE-URL'] = 'postgres://u:secret@db/app';
    process.env.STATE_deployed = 'x';
    try {
      const result = await runCommand('env', []);
      expect(result.stdout).not.toContain('INPUT_');
      expect(result.stdout).not.toContain('STATE_');
      expect(result.stdout).toContain('PATH=');
      expect(inheritedEnv({ INPUT_TOKEN: 't', STATE_x: 'y', HOME: '/h' })).toEqual({ HOME: '/h' });
    } finally {
      delete process.env['INPUT_DATABASE-URL'];
      delete process.env.STATE_deployed;
    }
  });

  it('rejects when the program does not exist', async () => {
    await expect(runCommand('/nonexistent/tool', [])).rejects.toThrow(/ENOENT/);
  });
});

describe('runner contract parsing', () => {
  it("uses the runner's input name transformation: upper case, spaces to _, dashes kept", () => {
    expect(inputVariable('expect-status')).toBe('INPUT_EXPECT-STATUS');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
  });

  it('reads name=value and the multi-line delimiter form', () => {
    expect(parseCommandFile('a=1\nplan<<ghadelimiter_x\nline 1\nline 2\nghadelimiter_x\nb=x=y\n')).toEqual({
      a: '1',
      plan: 'line 1\nline 2',
      b: 'x=y',
    });
    expect(() => parseCommandFile('plan<<EOF\nnever closed\n')).toThrow(/unterminated/);
  });

  it('reads annotations with properties and masks', () => {
    const { annotations, masks } = parseWorkflowCommands(
      '::add-mask::s3cret\n::error file=db/001.sql,line=3,title=Migration failed::syntax error%0Aat "FROM"\nplain\n',
    );
    expect(masks).toEqual(['s3cret']);
    expect(annotations).toEqual([
      {
        level: 'error',
        message: 'syntax error\nat "FROM"',
        properties: { file: 'db/001.sql', line: '3', title: 'Migration failed' },
      },
    ]);
  });
});
