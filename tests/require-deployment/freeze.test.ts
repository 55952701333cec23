/** Freeze windows (src/gate/freeze.ts): parsing, bad input, and evaluation with a fixed clock across DST changes. */
import { describe, it, expect } from '@jest/globals';
import { Fail } from '../../src/lib/schemas.js';
import { type FreezeWindow, frozenAt, localTime, parseFreeze, parseFreezeLine } from '../../src/gate/freeze.js';
import { runAction } from '../harness/runner.js';
import { useFakeGitHub } from '../support/fake-github.js';

const windows = (...lines: string[]) => {
  const parsed = parseFreeze(lines);
  if (parsed instanceof Fail) throw new Error(parsed.message);
  return parsed;
};
const at = (iso: string) => Date.parse(iso);
const frozen = (w: FreezeWindow[], iso: string) => frozenAt(w, at(iso))?.window.text;

describe('freeze windows', () => {
  it('parses weekly and yearly windows, with and without times and zones', () => {
    expect(parseFreezeLine('Fri 16:00 - Mon 08:00 Europe/Berlin')).toMatchObject({
      kind: 'weekly',
      from: { major: 4, minutes: 960, text: 'Fri 16:00' },
      to: { major: 0, minutes: 480, text: 'Mon 08:00' },
      timeZone: 'Europe/Berlin',
    });
    expect(parseFreezeLine('Dec 24 - Jan 2')).toMatchObject({
      kind: 'yearly',
      from: { major: 12, day: 24, minutes: 0 },
      to: { major: 1, day: 2, minutes: 1440, text: 'the end of Jan 2' },
      timeZone: 'UTC',
    });
    expect(parseFreezeLine('friday 16:00 to monday 8:00 America/New_York')).toMatchObject({ kind: 'weekly' });
    expect(parseFreezeLine('24 December 18:00 – 1 January 12:00 Asia/Tokyo')).toMatchObject({
      from: { major: 12, day: 24, minutes: 1080 },
    });
  });

  it('bad windows fail with what is wrong', () => {
    const problem = (...lines: string[]) => (parseFreeze(lines) as Fail).message;
    expect(problem('Fri 16:00 - Mon 08:00 Europe/Berln')).toMatch(/"Europe\/Berln" is not a time zone/);
    expect(problem('Fri 16:00 - Fri 16:00 UTC')).toMatch(/is empty: it ends where it starts/);
    expect(problem('Fri 16:00 - Mon 08:00 Europe/Berlin', 'Sun 12:00 - Sun 18:00 Europe/Berlin')).toMatch(
      /"Sun 12:00 - Sun 18:00 Europe\/Berlin" overlaps "Fri 16:00 - Mon 08:00 Europe\/Berlin"/,
    );
    expect(problem('Dec 20 - Dec 28', 'Dec 24 - Jan 2')).toMatch(/overlaps/);
    expect(problem('Feb 30 - Mar 2')).toMatch(/"Feb 30" is not a date/);
    expect(problem('Fri 25:00 - Mon 08:00')).toMatch(/"25:00" is not a time/);
    expect(problem('Fri - Dec 24')).toMatch(/mixes a weekday and a date/);
    expect(problem('every friday')).toMatch(/is not a window/);
    expect(problem('Fri 16:00 - Mon 08:00 Europe/Berlin extra')).toMatch(/is not a time zone/);
    // Different zones or kinds may overlap: they are separate rules.
    expect(parseFreeze(['Fri 16:00 - Mon 08:00 Europe/Berlin', 'Sat - Sun UTC', 'Dec 24 - Jan 2'])).toHaveLength(3);
  });

  it('a weekend window holds 16:00 and 08:00 local on both sides of the spring DST change (Europe/Berlin, 2026-03-29)', () => {
    const w = windows('Fri 16:00 - Mon 08:00 Europe/Berlin');
    // Friday before the change: CET (UTC+1), so 16:00 local is 15:00 UTC.
    expect(frozen(w, '2026-03-27T14:59:00Z')).toBeUndefined();
    expect(frozen(w, '2026-03-27T15:00:00Z')).toBe('Fri 16:00 - Mon 08:00 Europe/Berlin');
    // Sunday 02:00 → 03:00: still frozen on both sides of the gap.
    expect(frozen(w, '2026-03-29T00:59:00Z')).toBeDefined();
    expect(frozen(w, '2026-03-29T01:00:00Z')).toBeDefined();
    // Monday after the change: CEST (UTC+2), so 08:00 local is 06:00 UTC.
    expect(frozen(w, '2026-03-30T05:59:00Z')).toBeDefined();
    expect(frozen(w, '2026-03-30T06:00:00Z')).toBeUndefined();
    const verdict = frozenAt(w, at('2026-03-30T05:59:00Z'));
    expect(verdict?.localNow).toBe('Mon Mar 30 07:59 Europe/Berlin');
    expect(verdict?.until).toBe('Mon 08:00 Europe/Berlin');
  });

  it('and across the autumn change (2026-10-25), and in another zone on its own date (America/New_York, 2026-03-08)', () => {
    const w = windows('Fri 16:00 - Mon 08:00 Europe/Berlin');
    expect(frozen(w, '2026-10-23T13:59:00Z')).toBeUndefined(); // 15:59 CEST
    expect(frozen(w, '2026-10-23T14:00:00Z')).toBeDefined(); // 16:00 CEST
    expect(frozen(w, '2026-10-26T06:59:00Z')).toBeDefined(); // 07:59 CET
    expect(frozen(w, '2026-10-26T07:00:00Z')).toBeUndefined(); // 08:00 CET
    const ny = windows('Fri 17:00 - Mon 09:00 America/New_York');
    expect(frozen(ny, '2026-03-06T21:59:00Z')).toBeUndefined(); // 16:59 EST
    expect(frozen(ny, '2026-03-06T22:00:00Z')).toBeDefined(); // 17:00 EST
    expect(frozen(ny, '2026-03-09T12:59:00Z')).toBeDefined(); // 08:59 EDT
    expect(frozen(ny, '2026-03-09T13:00:00Z')).toBeUndefined(); // 09:00 EDT
    // Mid-week is open.
    expect(frozen(w, '2026-10-21T10:00:00Z')).toBeUndefined();
  });

  it('a yearly window wraps the new year and includes its last day, in its own zone', () => {
    const w = windows('Dec 24 - Jan 2 Europe/Berlin');
    expect(frozen(w, '2026-12-23T22:59:00Z')).toBeUndefined(); // Dec 23 23:59 CET
    expect(frozen(w, '2026-12-23T23:00:00Z')).toBe('Dec 24 - Jan 2 Europe/Berlin'); // Dec 24 00:00 CET
    expect(frozen(w, '2027-01-01T12:00:00Z')).toBeDefined();
    expect(frozen(w, '2027-01-02T22:59:00Z')).toBeDefined(); // Jan 2 23:59 CET
    expect(frozen(w, '2027-01-02T23:00:00Z')).toBeUndefined(); // Jan 3 00:00 CET
    expect(frozenAt(w, at('2027-01-01T12:00:00Z'))?.until).toBe('the end of Jan 2 Europe/Berlin');
    expect(frozen(windows('Dec 31 18:00 - Jan 1 12:00'), '2026-12-31T18:00:00Z')).toBeDefined();
    expect(frozen(windows('Jul 1 - Jul 31'), '2026-12-31T18:00:00Z')).toBeUndefined();
  });

  it('reads the wall clock of a zone', () => {
    expect(localTime(at('2026-12-04T16:12:00Z'), 'Europe/Berlin')).toMatchObject({
      weekday: 4,
      month: 12,
      day: 4,
      minutes: 17 * 60 + 12,
    });
    expect(localTime(at('2026-12-04T00:30:00Z'), 'UTC').minutes).toBe(30);
  });
});

describe('require-deployment freeze (compiled action, fake GitHub API)', () => {
  const REPO = 'octo-org/app';
  const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const TOKEN = 'ghs_faketoken1234567890abcdefghijkl';
  const github = useFakeGitHub((github) => {
    github.tokens.set(TOKEN, new Set(['deployments:read', 'actions:read']));
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success'] });
  });
  const run = (inputs: Record<string, string>) =>
    runAction('require-deployment', {
      inputs: { token: TOKEN, 'api-url': github.url, ...inputs },
      env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: undefined },
    });
  // Windows around the real clock (the action reads it): today and tomorrow in UTC, or two days away.
  const day = (offset: number) =>
    ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + offset) % 7] as string;
  const now = `${day(0)} 00:00 - ${day(1)} 24:00 UTC`;
  const later = `${day(3)} 00:00 - ${day(4)} 12:00 Europe/Berlin`;

  it('refuses inside a window before any API request, naming the window and until when', async () => {
    const result = await run({ freeze: `${later}\n${now}` });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.level === 'error')?.message).toMatch(
      new RegExp(
        `^Deploys to staging are frozen: it is \\w{3} \\w{3} \\d+ \\d\\d:\\d\\d UTC, inside the freeze window "${now}" \\(until ${day(1)} 24:00 UTC\\)\\. To deploy anyway, set freeze-bypass-reason`,
      ),
    );
    expect(result.outputs.freeze).toBe(now);
    expect(result.summary).toContain('are frozen');
    expect(github.requests).toEqual([]);
  });

  it('a bypass reason lets it through, recorded in the summary, a warning and the output', async () => {
    const result = await run({ freeze: now, 'freeze-bypass-reason': 'hotfix for <INC-42> & co' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['freeze-bypassed']).toBe('hotfix for <INC-42> & co');
    expect(result.summary).toContain('Freeze bypassed');
    expect(result.summary).toContain('hotfix for &lt;INC-42&gt; &amp; co');
    expect(result.annotations.some((a) => a.level === 'warning' && /Freeze bypassed/.test(a.message))).toBe(true);
    expect(result.outputs['deployment-id']).toBeDefined();
  });

  it('check-deployment: false checks the windows only: no deployment needed, no API request', async () => {
    const other = { 'check-deployment': 'false', sha: 'f'.repeat(40), environment: 'production' };
    const open = await run({ ...other, freeze: later });
    expect([open.exitCode, open.outputs['deployment-id']]).toEqual([0, undefined]);
    const refused = await run({ ...other, freeze: now });
    expect(refused.exitCode).toBe(1);
    expect(refused.annotations.find((a) => a.level === 'error')?.message).toMatch(/^Deploys to production are frozen/);
    const bypassed = await run({ ...other, freeze: now, 'freeze-bypass-reason': 'incident 7' });
    expect([bypassed.exitCode, bypassed.outputs['freeze-bypassed']]).toEqual([0, 'incident 7']);
    expect(github.requests).toEqual([]);
  });

  it('outside every window it passes; a bad window is a ConfigurationError naming the input, before any request', async () => {
    const open = await run({ freeze: later });
    expect(open.exitCode).toBe(0);
    expect(open.outputs.freeze).toBe('');
    github.requests.length = 0;
    for (const [freeze, problem] of [
      ['Fri 16:00 - Mon 08:00 Mars/Olympus', '"Mars/Olympus" is not a time zone'],
      ['Fri 16:00 - Fri 16:00', 'is empty'],
      ['Fri 16:00 - Mon 08:00\nSat 10:00 - Sat 12:00', 'overlaps'],
    ] as const) {
      const bad = await run({ freeze });
      expect(bad.exitCode).toBe(1);
      expect(bad.annotations[0]?.message).toMatch(new RegExp(`^Input "freeze" is invalid: .*${problem}`));
    }
    expect(github.requests).toEqual([]);
  });
});
