/** A temp folder with the fake CLIs on PATH, a workspace to deploy from, and a state file. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';

export interface Sandbox {
  dir: string;
  bin: string;
  workspace: string;
  statePath: string;
  /** Environment for the action: the fakes first on PATH, the state file, a private tool cache. */
  env: Record<string, string>;
}

export function makeSandbox(fakes: Record<string, string>, state: unknown, stateVariable: string): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-provider-'));
  const bin = path.join(dir, 'bin');
  const workspace = path.join(dir, 'workspace');
  mkdirSync(bin);
  mkdirSync(workspace);
  writeFileSync(path.join(workspace, 'server.js'), 'console.log("hello")\n');
  for (const [name, script] of Object.entries(fakes))
    symlinkSync(path.join(ROOT, 'tests/fakes', script), path.join(bin, name));
  const statePath = path.join(dir, 'state.json');
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  return {
    dir,
    bin,
    workspace,
    statePath,
    env: {
      PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
      [stateVariable]: statePath,
      RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    },
  };
}
