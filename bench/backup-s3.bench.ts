/**
 * backup-db and the AWS SDK (npm run bench -- backup-s3):
 * - cold start of dist/backup-db (spawn to exit, on a database that refuses the
 *   connection) with upload: none and with upload: s3: the SDK sits in its own chunk and is
 *   imported only when the upload starts, so neither run should pay for it;
 * - uploadS3 of a 64 MiB file to s3rver on 127.0.0.1 (multipart, 16 MiB parts).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, inputVariable, makeRunnerFiles } from '../tests/harness/runner.js';
import { uploadS3 } from '../src/db/s3.js';
import { startS3rver } from '../tests/support/s3rver.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

export default async function bench(): Promise<BenchTable[]> {
  const files = makeRunnerFiles();
  const base = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: files.runnerTemp,
    // Port 9 refuses: the run ends right after loading and checking its inputs.
    [inputVariable('database-url')]: 'postgres://app:pw@127.0.0.1:9/app',
  };
  const modes: Record<string, NodeJS.ProcessEnv> = {
    'upload: none': { ...base, [inputVariable('upload')]: 'none' },
    'upload: s3': {
      ...base,
      [inputVariable('upload')]: 's3',
      [inputVariable('s3-bucket')]: 'b',
      [inputVariable('s3-region')]: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    },
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  for (let i = 0; i < scaled(17, 3); i++)
    for (const [mode, env] of Object.entries(modes)) {
      const ms = await timeProcess([path.join(ROOT, 'dist/backup-db/index.js')], env);
      if (i >= 2) times[mode]?.push(ms);
    }
  const dist = path.join(ROOT, 'dist/backup-db');
  const sizes = readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${f} ${(statSync(path.join(dist, f)).size / 1024 ** 2).toFixed(2)} MB`)
    .join(', ');
  const cold: BenchTable = {
    title: 'backup-db cold start (spawn to exit, median of 15)',
    rows: Object.entries(times).map(([mode, ms]) => ({ mode, 'median ms': Math.round(median(ms)) })),
    notes: [`dist/backup-db: ${sizes}; the AWS SDK is the chunk loaded only when an S3 upload starts.`],
  };

  const s3 = await startS3rver('b');
  const dir = s3.dir;
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  try {
    const file = path.join(dir, 'upload.bin');
    const size = scaled(64, 2) * 1024 * 1024;
    writeFileSync(file, randomBytes(size));
    const target = { bucket: 'b', prefix: 'bench', region: 'us-east-1', endpoint: s3.endpoint };
    const rows: BenchTable['rows'] = [];
    for (let round = 1; round <= 2; round++) {
      const started = performance.now();
      await uploadS3(file, target, { sha256: 'bench' });
      const ms = performance.now() - started;
      rows.push({
        run: `round ${round}`,
        time: `${(ms / 1000).toFixed(2)} s`,
        'MB/s': (size / 1024 ** 2 / (ms / 1000)).toFixed(1),
      });
    }
    return [cold, { title: 'uploadS3: 64 MiB to s3rver on 127.0.0.1 (16 MiB parts, 2 at a time)', rows }].map((t, i) =>
      i === 1 ? { ...t, title: t.title.replace('64 MiB', `${size / 1024 ** 2} MiB`) } : t,
    );
  } finally {
    process.env = saved;
    await s3.close();
  }
}
