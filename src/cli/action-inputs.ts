/**
 * What `deploy-kit run` knows about an action's inputs, read from its action.yml (the
 * file the runner reads): the help listing, and refusing an input the action does not
 * have — the runner only warns ("Unexpected input"), and a misspelled check would then
 * silently disappear.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './local-runner.js';
import { UsageError } from './args.js';

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}

/** The metadata file of an action (the umbrella deploy's is the repository's action.yml). */
export const actionYml = (name: string): string =>
  path.join(ROOT, name === 'deploy' ? 'action.yml' : path.join('actions', name, 'action.yml'));

export function readActionInputs(action: string): ActionInput[] | undefined {
  const file = actionYml(action);
  if (!existsSync(file)) return undefined;
  const meta = parse(readFileSync(file, 'utf8')) as {
    inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  };
  return Object.entries(meta.inputs ?? {}).map(([name, input]) => ({
    name,
    description: String(input.description ?? '').trim(),
    required: input.required === true,
    ...(input.default !== undefined ? { default: String(input.default) } : {}),
  }));
}

/** Levenshtein distance, with `_` and `-` taken as the same character (expect_status). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase().replace(/_/g, '-');
  const y = b.toLowerCase().replace(/_/g, '-');
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[y.length] as number;
}

/** The closest real input name, if it is close enough to be what was meant. */
export function nearestInput(name: string, inputs: ActionInput[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const input of inputs) {
    const d = distance(name, input.name);
    if (!best || d < best.d) best = { name: input.name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Refuses inputs the action does not declare, naming the nearest real one. */
export function checkInputs(action: string, given: string[], inputs: ActionInput[]): void {
  for (const name of given) {
    if (inputs.some((input) => input.name === name)) continue;
    const near = nearestInput(name, inputs);
    throw new UsageError(
      `${action} has no input "${name}"` +
        (near ? `; did you mean "${near}"?` : '') +
        ` Run deploy-kit run ${action} --help for its inputs.`,
    );
  }
}

/** `deploy-kit run <action> --help`: each input with its default and description. */
export function formatActionHelp(action: string, inputs: ActionInput[]): string {
  const lines = [`Usage: deploy-kit run ${action} [--input name=value]... [--dotenv file]`, '', 'Inputs:'];
  for (const input of inputs) {
    const note = input.required
      ? ' (required)'
      : input.default !== undefined && input.default !== ''
        ? ` (default: ${input.default})`
        : '';
    lines.push(`  ${input.name}${note}`);
    for (const line of wrap(input.description, 88)) lines.push(`      ${line}`);
  }
  if (!inputs.length) lines.push('  (none)');
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
