/** The deploy-kit command (bin/deploy-kit.js imports this bundle): see USAGE. */
import { USAGE, UsageError, parseArgs, readEnvFiles } from './args.js';
import { availableActions, runLocally } from './run.js';
import { runDemo } from '../demo/report.js';
import { runSetup } from '../setup/cli.js';
import { KitError } from '../lib/errors.js';
import { RESTORE_HELP, parseRestoreArgs } from './restore-args.js';
import { runRestore } from './restore.js';
import { checkInputs, formatActionHelp, readActionInputs } from './action-inputs.js';
import { kitVersion } from './version.js';
import { ROLLBACK_HELP, parseRollbackArgs } from './rollback-args.js';
import { runRollback } from './rollback.js';

/** Commands with their own options and --help. */
const OWN_PARSER = { restore: parseRestoreArgs, rollback: parseRollbackArgs } as const;

export async function main(argv: string[]): Promise<number> {
  try {
    const own = OWN_PARSER[argv[0] as keyof typeof OWN_PARSER];
    const command = own ? own(argv.slice(1)) : parseArgs(argv);
    switch (command.kind) {
      case 'help':
        console.log(USAGE);
        return 0;
      case 'list':
        console.log(availableActions().join('\n'));
        return 0;
      case 'version':
        console.log(`deploy-kit ${kitVersion()} (node ${process.versions.node})`);
        return 0;
      case 'action-help': {
        const inputs = readActionInputs(command.action);
        if (!inputs) throw new UsageError(`there is no action "${command.action}"; deploy-kit list shows them`);
        console.log(formatActionHelp(command.action, inputs));
        return 0;
      }
      case 'run': {
        const inputs = readActionInputs(command.action);
        if (inputs) checkInputs(command.action, Object.keys(command.inputs), inputs);
        const env = readEnvFiles(command.envFiles);
        const { exitCode } = await runLocally(command.action, {
          inputs: command.inputs,
          env,
          debug: process.env.RUNNER_DEBUG === '1',
        });
        return exitCode;
      }
      case 'demo':
        return await runDemo({ keep: command.keep });
      case 'setup':
        return await runSetup(command, process.env, (line) => console.log(line));
      case 'restore-help':
        console.log(RESTORE_HELP);
        return 0;
      case 'restore':
        return await runRestore(command);
      case 'rollback-help':
        console.log(ROLLBACK_HELP);
        return 0;
      case 'rollback':
        return await runRollback(command);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `deploy-kit: ${error.message}${/deploy-kit [^\n]*--help/.test(error.message) ? '' : `\n${usageHint(argv)}`}`,
      );
      return 2;
    }
    if (error instanceof KitError) {
      console.error(`deploy-kit: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** One line pointing at the right help, as git does, instead of the whole usage after every typo. */
function usageHint(argv: string[]): string {
  const [verb, action] = argv;
  if (verb && verb in OWN_PARSER) return `Run deploy-kit ${verb} --help for its options.`;
  if (verb === 'run' && action && !action.startsWith('-') && readActionInputs(action))
    return `Run deploy-kit run ${action} --help for its inputs.`;
  return 'Run deploy-kit --help for the commands and their options.';
}

process.exitCode = await main(process.argv.slice(2));
