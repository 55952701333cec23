/**
 * The secrets sweep's instrument (issue 16): runs a compiled action with known secrets and
 * reports every place one of them showed up — the log (other than the ::add-mask:: line
 * that registers it), the summary, outputs, exported env, saved state, annotations, any
 * file left in the temp folders or the workspace, and the command line of any process
 * started while it ran (read from /proc, which any user on the machine can read).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type ActionRun, type RunOptions, runAction } from '../harness/runner.js';

export interface SweepResult {
  run: ActionRun;
  /** "place: secret" for every leak found. */
  leaks: string[];
  /** How many command lines were seen while the action ran (to know the watch worked). */
  processesSeen: number;
}

function* files(dir: string, skip: Set<string>): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    if (skip.has(full) || name === 'node_modules' || name === '.git') continue;
    let stat;
    try {
      stat = statSync(full);
    } catch {
      continue;
    }
    if (stat.isDirectory()) yield* files(full, skip);
    else if (stat.isFile() && stat.size < 8 * 1024 * 1024) yield full;
  }
}

/** Command lines of this machine's processes, except this test process's own. */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return lines;
}

export async function sweep(
  action: string,
  options: RunOptions,
  secrets: string[],
  scan: { dirs: string[]; skip?: string[]; notMasked?: string[] },
): Promise<SweepResult> {
  const seen = new Set<string>();
  let done = false;
  const watch = (async () => {
    while (!done) {
      for (const line of commandLines()) seen.add(line);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const run = await runAction(action, options).finally(() => {
    done = true;
  });
  await watch;
  const leaks: string[] = [];
  const places: Record<string, string> = {
    log: run.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    env: JSON.stringify(run.env),
    state: JSON.stringify(run.state),
    annotations: JSON.stringify(run.annotations),
  };
  const skip = new Set((scan.skip ?? []).map((p) => path.resolve(p)));
  for (const dir of [...scan.dirs, run.workspace.runnerTemp])
    for (const file of files(dir, skip)) {
      if ([run.workspace.output, run.workspace.env, run.workspace.state, run.workspace.summary].includes(file))
        continue;
      places[`file ${file}`] = readFileSync(file).toString('latin1');
    }
  for (const line of seen) places[`argv of "${line.slice(0, 80)}…"`] = line;
  for (const secret of secrets)
    for (const [place, text] of Object.entries(places)) if (text.includes(secret)) leaks.push(`${place}: ${secret}`);
  for (const secret of secrets)
    if (!scan.notMasked?.includes(secret) && !run.masks.includes(secret)) leaks.push(`never masked: ${secret}`);
  return { run, leaks, processesSeen: seen.size };
}
