/**
 * Fly.io's release_command as `fly deploy` reports it (docs/platforms.md §9.3; flyctl
 * internal/command/deploy at ad0172fa): it runs on a temporary machine before any of the
 * app's machines is updated (machines_deploymachinesapp.go:462-476), announced on stderr as
 * `Running <app> release_command: <cmd>` (machines_releasecommand.go:64-68). A non-zero exit
 * prints `Error release_command failed running on machine <id> with exit code <n>.`, then
 * `Checking logs: fetching the last 100 lines below:` and the machine's log lines
 * (machines_releasecommand.go:176-190), and the deploy fails with `release command failed -
 * aborting deployment. …` (machines_deploymachinesapp.go:474), its release `failed`.
 */
import { PRE_DEPLOY_STEPS } from '../pre-deploy.js';
import type { PreDeploy } from '../provider.js';

const RAN = /Running \S+ release_command: /;
const FAILED = /release_command failed running on machine (\S+) with exit code (\d+)/;
const ABORTED = /release command failed - aborting deployment/;
const LOGS_START = 'Checking logs: fetching the last 100 lines below:';

/** How the deploy's release_command ended, read from `fly deploy`'s output; undefined when it ran none. */
export function flyReleaseCommand(stderr: string, stdout = ''): PreDeploy | undefined {
  const all = `${stdout}\n${stderr}`;
  const step = PRE_DEPLOY_STEPS.fly;
  const failed = FAILED.exec(all);
  if (failed || ABORTED.test(all))
    return {
      step,
      result: 'failed',
      detail: failed ? `machine ${failed[1]} exited with code ${failed[2]}` : undefined,
      log: releaseLog(stderr),
    };
  return RAN.test(all) ? { step, result: 'passed' } : undefined;
}

/** The release machine's log lines flyctl prints after a failure, without its own closing error. */
function releaseLog(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/);
  const start = lines.findIndex((line) => line.includes(LOGS_START));
  const from = start === -1 ? lines.findIndex((line) => RAN.test(line)) : start + 1;
  if (from === -1) return undefined;
  const log = lines
    .slice(from)
    .filter((line) => line.trim() && !ABORTED.test(line))
    .join('\n');
  return log || undefined;
}
