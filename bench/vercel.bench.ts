/**
 * Vercel bench (npm run bench -- vercel): what deploy-kit adds to a deploy beyond the
 * vercel CLI's own time, running dist/deploy-vercel like the runner does, with the real
 * CLI against the fake Vercel API (tests/vercel/fake-vercel-api.ts):
 * - warm: `vercel` already on PATH, and the pinned version found in the tool cache;
 * - cold: `cli-version` with an empty tool cache, so the kit installs vercel with npm
 *   (needs the npm registry; skipped with a note when it cannot be reached).
 * Overhead = the step's wall time − the time the CLI ran (the summary's "CLI result").
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runAction } from '../tests/harness/runner.js';
import { FakeVercelApi } from '../tests/vercel/fake-vercel-api.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';

const TOKEN = 'vercelBenchToken1';
const VERSION = '58.10.0';

/** "850 ms", "12.3 s", "1m 5s" (lib/duration.ts formatDuration) → ms. */
function parseShown(text: string): number {
  const m = /(?:(\d+)m (\d+)s)|([\d.]+) (ms|s)/.exec(text);
  if (!m) return NaN;
  if (m[1]) return Number(m[1]) * 60_000 + Number(m[2]) * 1000;
  return Number(m[3]) * (m[4] === 's' ? 1000 : 1);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Sample {
  wallMs: number;
  cliMs: number;
  installMs: number;
  source: string;
}

async function once(api: FakeVercelApi, env: Record<string, string | undefined>, inputs: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-vercel-bench-'));
  writeFileSync(path.join(dir, 'index.html'), '<h1>bench</h1>\n');
  const run = await runAction('deploy-vercel', {
    inputs: {
      ...api.identity(TOKEN, dir),
      production: 'true',
      ...inputs,
    },
    env,
    timeoutMs: 15 * 60_000,
  });
  if (run.exitCode !== 0) throw new Error(`deploy-vercel failed in the bench:\n${run.log.slice(-3000)}`);
  const cliRow = /CLI result<\/td><td>([^<]*)</.exec(run.summary)?.[1] ?? '';
  const installRow = /<td>CLI<\/td><td>([^<]*)</.exec(run.summary)?.[1] ?? '';
  return {
    wallMs: run.durationMs,
    cliMs: parseShown(cliRow.replace(/^.*after /, '')),
    installMs: parseShown(/\(([^()]*)\)\s*$/.exec(installRow)?.[1] ?? ''),
    source: / from (PATH|tool cache|Actions cache|download)/.exec(installRow)?.[1] ?? '?',
  } satisfies Sample;
}

export default async function vercelBench(): Promise<BenchTable> {
  const api = new FakeVercelApi({ token: TOKEN });
  await api.start();
  const rows: BenchTable['rows'] = [];
  const notes: string[] = [];
  const bin = path.join(ROOT, 'node_modules', '.bin');
  const pathWithout = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(path.delimiter);
  // A tool cache already holding the pinned version, as a previous job would leave it.
  const warmCache = mkdtempSync(path.join(tmpdir(), 'dk-toolcache-'));
  const cached = path.join(warmCache, 'vercel', VERSION, process.arch);
  mkdirSync(cached, { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(cached, 'node_modules'));
  writeFileSync(`${cached}.complete`, '');

  const modes: Array<[string, Record<string, string | undefined>, Record<string, string>, number]> = [
    ['warm: vercel on PATH, prebuilt', { PATH: `${bin}${path.delimiter}${process.env.PATH}` }, {}, scaled(3, 1)],
    [
      'warm: vercel on PATH, source deploy',
      { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      { prebuilt: 'false' },
      scaled(3, 1),
    ],
    [
      'warm: pinned version in the tool cache, prebuilt',
      { PATH: pathWithout, RUNNER_TOOL_CACHE: warmCache },
      { 'cli-version': VERSION },
      scaled(3, 1),
    ],
    [
      'cold: empty tool cache, npm install, prebuilt',
      { PATH: pathWithout, RUNNER_TOOL_CACHE: mkdtempSync(path.join(tmpdir(), 'dk-toolcache-')) },
      { 'cli-version': VERSION },
      scaled(1, 0),
    ],
  ];
  try {
    for (const [mode, env, inputs, count] of modes) {
      if (count === 0) continue; // --quick: no npm install of the CLI
      const samples: Sample[] = [];
      try {
        for (let i = 0; i < count; i++) {
          api.seedProduction();
          samples.push(await once(api, env, inputs));
        }
      } catch (error) {
        notes.push(`${mode}: not measured (${String(error).split('\n')[0]})`);
        continue;
      }
      const wall = median(samples.map((x) => x.wallMs));
      const cli = median(samples.map((x) => x.cliMs));
      rows.push({
        mode,
        runs: samples.length,
        'CLI found in': samples[0]?.source ?? '?',
        'step wall time': s(wall),
        'vercel CLI ran': s(cli),
        'kit overhead': s(wall - cli),
        'of which CLI lookup/install': s(median(samples.map((x) => x.installMs))),
      });
    }
  } finally {
    await api.stop();
  }
  notes.push(
    'Medians. Kit overhead = wall time of the whole step minus the CLI processes: node start, reading what production serves, finding/installing the CLI, asking Vercel for the verdict, summary.',
    'Each vercel CLI start costs about 1-2 s of node start-up on this machine, which is the CLI, not the kit; prebuilt runs it three times.',
  );
  return { title: 'deploy-vercel: overhead beyond the vercel CLI (real CLI, fake API on 127.0.0.1)', rows, notes };
}
