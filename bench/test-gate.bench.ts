/**
 * test-gate's own overhead: the same commands run by the compiled action (as the runner
 * runs it: a node process with INPUT_* variables) and run directly, one `bash -eo
 * pipefail -c` after another, as a plain `run:` script would. Target: the gate adds less
 * than 300 ms to the commands' own time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { runAction } from '../tests/harness/runner.js';
import { makeNodeProject } from '../tests/test-gate/projects.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';

const ROUNDS = scaled(15, 1);
const TARGET_MS = 300;
const COMMANDS = ['node --check src/sum.js', 'node run-tests.js', 'sleep 0.2'];

/**
 * CPU time (user + system) of this process's finished children, from /proc/self/stat
 * (cutime, cstime in clock ticks of 10 ms): unlike wall time it barely moves when other
 * work shares the machine's cores.
 */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Sample {
  wall: number;
  cpu: number;
}

async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  const cpu = childrenCpuMs();
  const wall = performance.now();
  await fn();
  return { wall: performance.now() - wall, cpu: childrenCpuMs() - cpu };
}

function time(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} exit ${code}`)),
    );
  });
}

async function direct(cwd: string): Promise<number> {
  let total = 0;
  for (const command of COMMANDS)
    total += await time('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], cwd);
  return total;
}

async function viaGate(cwd: string, inputs: Record<string, string>): Promise<number> {
  const run = await runAction('test-gate', { cwd, inputs: { commands: COMMANDS.join('\n'), ...inputs } });
  if (run.exitCode !== 0) throw new Error(`the gate failed:\n${run.log}`);
  return run.durationMs;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export default async function bench(): Promise<BenchTable> {
  const cwd = makeNodeProject();
  const variants: Array<[string, Record<string, string>]> = [
    ['commands only (cache: none)', { cache: 'none' }],
    ['+ junit report', { cache: 'none', junit: 'junit.xml' }],
    ['+ junit, cache: auto (no cache service)', { junit: 'junit.xml' }],
  ];
  const samples = new Map<string, Sample[]>([
    ['direct', []],
    ['node', []],
    ['start', []],
    ...variants.map(([n]) => [n, []] as [string, Sample[]]),
  ]);
  const add = async (name: string, fn: () => Promise<unknown>) => samples.get(name)?.push(await measure(fn));
  await viaGate(cwd, { cache: 'none' }); // warm the file cache once
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so a change in the machine's load hits every variant alike.
    await add('direct', () => direct(cwd));
    await add('node', () => time(process.execPath, ['-e', '0'], cwd));
    // The bundle loaded and the inputs read, then a bad input stops it: the fixed start-up cost.
    await add('start', () => runAction('test-gate', { cwd, inputs: { commands: 'true', timeout: 'never' } }));
    for (const [name, inputs] of variants) await add(name, () => viaGate(cwd, inputs));
  }
  const med = (name: string, key: keyof Sample) => median((samples.get(name) ?? []).map((s) => s[key]));
  const verdict = (ms: number) => (ms < TARGET_MS ? 'met' : 'MISSED');
  // The overhead is the median of each round's own difference (gate minus direct, run back to
  // back), which the machine's drift between rounds does not move as much as a difference of medians.
  const paired = (name: string, key: keyof Sample) => {
    const gate = samples.get(name) ?? [];
    const base = samples.get('direct') ?? [];
    return median(gate.map((s, i) => s[key] - (base[i] as Sample)[key]));
  };
  const rows = variants.map(([name]) => {
    const wall = paired(name, 'wall');
    const cpu = paired(name, 'cpu');
    return {
      run: name,
      'gate, wall': `${Math.round(med(name, 'wall'))} ms`,
      'direct, wall': `${Math.round(med('direct', 'wall'))} ms`,
      'overhead, wall': `${Math.round(wall)} ms (${verdict(wall)})`,
      'overhead, CPU': `${Math.round(cpu)} ms (${verdict(cpu)})`,
      'CPU after start-up': `${Math.round(cpu - med('start', 'cpu'))} ms`,
    };
  });
  return {
    title: `test-gate overhead over running the same ${COMMANDS.length} commands directly (median of ${ROUNDS} rounds; overhead: median of each round's gate minus direct; target < ${TARGET_MS} ms)`,
    rows,
    notes: [
      `commands: ${COMMANDS.map((c) => `\`${c}\``).join(', ')} in a small node project (${path.basename(cwd)})`,
      `of that, starting the action (node, loading the bundle with @actions/core, reading the inputs, nothing run) takes ${Math.round(med('start', 'wall'))} ms wall, ${Math.round(med('start', 'cpu'))} ms CPU`,
      `a bare \`node -e 0\` takes ${Math.round(med('node', 'wall'))} ms wall, ${Math.round(med('node', 'cpu'))} ms CPU here: the start-up every JavaScript action pays`,
      `load average now ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ' ',
        )} on ${cpus().length} cores: when it is above the core count, wall times stretch with it and the CPU column is the figure to read`,
    ],
  };
}
