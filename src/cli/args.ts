/** The deploy-kit command line, parsed into a command or a UsageError that says what is wrong. */
import { readFileSync } from 'node:fs';
import type { SetupCommand } from '../setup/cli.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage:
  deploy-kit run <action> [--input name=value]... [--dotenv file]
      Run a deploy-kit action on this machine through the same runner contract as GitHub,
      then print its outputs and job summary. Inputs are the action's \`with:\` keys;
      deploy-kit run <action> --help lists them. An input the action does not have is
      refused (the runner would only warn, and the check would silently disappear).
      --dotenv  KEY=value lines added to the action's environment (e.g. DATABASE_URL),
                or INPUT_<NAME>=value to pass a secret input without a command line.
                (--env-file is accepted too, but Node 20 itself claims that flag and
                stops with its own error when the file is missing.)
  deploy-kit demo [--keep]
      The whole pipeline on this machine: an example app, a throwaway PostgreSQL,
      test-gate → backup-db → migrate → release of two services, then a release broken on
      purpose and one that degrades in its watch window, each rolled back. --keep leaves
      the temporary workspace for you to look at.
  deploy-kit setup --repo owner/name --check
      Tells which approval mode the repository can use: required reviewers on the
      production environment (public repositories; private ones on GitHub Enterprise),
      or /approve comments (private repositories on Free, Pro and Team). Changes nothing.
  deploy-kit setup --repo owner/name --reviewer login|org/team [--reviewer …] | --approval comment
                   [--staging-branch staging] [--tags 'v*'] [--wait-timer minutes]
                   [--allow-self-review] [--secret environment:NAME …]
      Creates or updates the staging and production environments: production approved by
      the reviewers and deployable only from the tags, staging only from the branch.
      --approval comment (for /approve comments, no reviewers): production deploys only
      from the default branch, which is protected (a reviewed pull request) first.
      --secret production:DEPLOY_TOKEN stores the value of the environment variable
      DEPLOY_TOKEN as that environment's secret (values never go on the command line).
      Both read the token from GITHUB_TOKEN or GH_TOKEN (repository admin for setup, read
      for --check), and GITHUB_API_URL for GitHub Enterprise Server.
  deploy-kit restore --from <file | s3://bucket/key> [--identity key.txt] [--clean]
      Restore a backup-db backup (decrypted as it streams) into the database whose URL is
      in DATABASE_URL, with the target server's own pg_restore. deploy-kit restore --help
  deploy-kit rollback --to <version> [--environment production] [--manifest deploy-kit.yml]
      Roll an environment back to an earlier release, as the rollback.yml workflow does:
      every service returned, confirmed, smoke-tested, recorded. Reads GITHUB_TOKEN and
      GITHUB_REPOSITORY from the environment. deploy-kit rollback --help
  deploy-kit list
      The actions this copy of deploy-kit can run.
  deploy-kit --version
  deploy-kit --help`;

export type Command =
  | { kind: 'run'; action: string; inputs: Record<string, string>; envFiles: string[] }
  | { kind: 'demo'; keep: boolean }
  | { kind: 'list' }
  | { kind: 'version' }
  | { kind: 'action-help'; action: string }
  | ({ kind: 'setup' } & SetupCommand)
  | { kind: 'help' };

/** Splits `name=value` at the first `=` (values may contain more). */
function nameValue(option: string, text: string | undefined): [string, string] {
  if (text === undefined || text === '' || text.startsWith('--'))
    throw new UsageError(`${option} needs a value: ${option} name=value`);
  const at = text.indexOf('=');
  if (at <= 0)
    throw new UsageError(`${option} "${text}" has no name=value form; expected e.g. ${option} url=https://example.com`);
  return [text.slice(0, at).trim(), text.slice(at + 1)];
}

/** `--flag=value` → ['--flag', 'value']; anything else → [arg, undefined]: its value, if any, is the next argument. */
export function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

export function parseArgs(argv: string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') return { kind: 'help' };
  if (verb === '--version' || verb === '-v' || verb === 'version') {
    if (rest.length) throw new UsageError(`--version takes no arguments (got ${rest.join(' ')})`);
    return { kind: 'version' };
  }
  // `deploy-kit <command> --help` (for run, only right after the command: later it may be a value).
  const help = (arg: string) => arg === '--help' || arg === '-h';
  if (verb === 'run' ? help(rest[0] ?? '') : rest.some(help)) return { kind: 'help' };
  if (verb === 'list') {
    if (rest.length) throw new UsageError(`list takes no arguments (got ${rest.join(' ')})`);
    return { kind: 'list' };
  }
  if (verb === 'demo') {
    const unknown = rest.filter((arg) => arg !== '--keep');
    if (unknown.length) throw new UsageError(`demo does not know ${unknown.join(' ')}; the only option is --keep`);
    return { kind: 'demo', keep: rest.includes('--keep') };
  }
  if (verb === 'setup') return parseSetup(rest);
  if (verb !== 'run')
    throw new UsageError(`unknown command "${verb}"; expected run, demo, setup, restore, rollback or list`);

  const [action, ...options] = rest;
  if (!action || action.startsWith('-'))
    throw new UsageError('run needs the action to run, e.g. deploy-kit run smoke-test --input url=https://example.com');
  const inputs: Record<string, string> = {};
  const envFiles: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const arg = options[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'action-help', action };
    const [flag, inline] = splitOption(arg);
    const value = inline ?? options[++i];
    if (flag === '--input' || flag === '-i') {
      const [name, text] = nameValue('--input', value);
      if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name))
        throw new UsageError(`--input name "${name}" is not an input name; expected kebab-case like expect-status`);
      inputs[name] = text;
    } else if (flag === '--dotenv' || flag === '--env-file') {
      if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a file name`);
      envFiles.push(value);
    } else {
      throw new UsageError(`run does not know "${arg}"; expected --input name=value, --dotenv file or --help`);
    }
  }
  return { kind: 'run', action, inputs, envFiles };
}

/** `deploy-kit setup` options: `--flag value` or `--flag=value`; --reviewer and --secret repeat. */
function parseSetup(options: string[]): Command {
  const command: Extract<Command, { kind: 'setup' }> = {
    kind: 'setup',
    repository: '',
    check: false,
    reviewers: [],
    allowSelfReview: false,
    secrets: [],
  };
  for (let i = 0; i < options.length; i++) {
    const arg = options[i] as string;
    if (arg === '--check') command.check = true;
    else if (arg === '--allow-self-review') command.allowSelfReview = true;
    else {
      const [flag, inline] = splitOption(arg);
      const value = inline ?? options[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`setup ${flag} needs a value`);
      if (flag === '--repo') command.repository = value;
      else if (flag === '--reviewer') command.reviewers.push(value);
      else if (flag === '--staging-branch') command.stagingBranch = value;
      else if (flag === '--tags') command.tags = value;
      else if (flag === '--approval') {
        if (value !== 'comment' && value !== 'environment')
          throw new UsageError(`setup --approval "${value}" is not environment or comment`);
        command.approval = value;
      } else if (flag === '--wait-timer') {
        if (!/^\d+$/.test(value)) throw new UsageError(`setup --wait-timer "${value}" is not whole minutes`);
        command.waitTimer = Number(value);
      } else if (flag === '--secret') {
        const match = /^(staging|production):([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
        if (!match)
          throw new UsageError(
            `setup --secret "${value}" is not environment:NAME (staging or production), e.g. production:DEPLOY_TOKEN`,
          );
        command.secrets.push({ environment: match[1] as 'staging' | 'production', name: match[2] as string });
      } else
        throw new UsageError(
          `setup does not know "${arg}"; expected --repo, --check, --approval, --reviewer, --staging-branch, --tags, --wait-timer, --allow-self-review or --secret`,
        );
    }
  }
  if (!command.repository) throw new UsageError('setup needs --repo owner/name');
  if (command.check && (command.reviewers.length || command.secrets.length))
    throw new UsageError('setup --check only reads: leave out --reviewer and --secret');
  if (!command.check && !command.reviewers.length && command.approval !== 'comment')
    throw new UsageError(
      'setup needs at least one --reviewer (who approves production), or --check to see what the repository allows',
    );
  return command;
}

/**
 * Reads KEY=value lines (`export ` prefixes, # comments, blank lines and "double" or
 * 'single' quoted values allowed). A bad line is reported by number, never by content:
 * the file usually holds secrets.
 */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const result: Record<string, string> = {};
  const all = text.split(/\r?\n/);
  for (let i = 0; i < all.length; i++) {
    const line = (all[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new UsageError(`${file} line ${i + 1} is not KEY=value`);
    const [, key, raw = ''] = match as unknown as [string, string, string];
    let value = raw;
    if (/^".*"$/.test(raw) && raw.length >= 2)
      value = raw.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    else if (/^'.*'$/.test(raw) && raw.length >= 2) value = raw.slice(1, -1);
    result[key] = value;
  }
  return result;
}

export function readEnvFiles(files: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --dotenv ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    Object.assign(env, parseEnvFile(text, file));
  }
  return env;
}
