/** The real world a provider talks to inside a runner: child processes, fetch, the CLI installer. */
import { inheritedEnv, runCommand } from '../lib/exec.js';
import { sleep } from '../lib/retry.js';
import { type CliRequest, type CliTool, type InstalledCli, installCli } from './cli.js';
import { runnerInstallDeps } from './cli-runner.js';
import type { ProviderDeps } from './provider.js';

export interface RunnerDeps extends ProviderDeps {
  /** The CLI as installed, once cli() has been called. */
  installed(): InstalledCli | undefined;
}

export function runnerDeps(
  tool: CliTool | undefined,
  request: CliRequest = {},
  log: (line: string) => void,
): RunnerDeps {
  let pending: Promise<InstalledCli> | undefined;
  let installed: InstalledCli | undefined;
  // The CLI inherits the runner's environment, but not the action's own inputs (the token among them).
  const env = inheritedEnv();
  return {
    cli: () => {
      if (!tool) return Promise.reject(new Error('this provider drives no CLI'));
      pending ??= runnerInstallDeps(log)
        .then((deps) => installCli(tool, request, deps))
        .then((cli) => {
          installed = cli;
          return cli;
        });
      return pending;
    },
    installed: () => installed,
    run: runCommand,
    fetch: (input, init) => fetch(input, init),
    env,
    log,
    sleep,
  };
}
