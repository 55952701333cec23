/**
 * What a newcomer following only the README trips over, found mechanically (issue 17):
 * relative links and anchors that lead nowhere, `deploy-kit` commands and flags the CLI
 * does not have, inputs and secrets in the YAML examples that the action or reusable
 * workflow does not declare, starter files that do not exist. Each function returns the
 * problems it found as lines ("README.md: …"), so a failing test lists all of them at once.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT, actionNames, metadataFiles } from '../../scripts/actions.js';

export const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** Fenced code blocks (language, text, line) and the prose with the blocks blanked out. */
export function splitMarkdown(text: string): { blocks: { lang: string; code: string; line: number }[]; prose: string } {
  const blocks: { lang: string; code: string; line: number }[] = [];
  const prose: string[] = [];
  let open: { lang: string; lines: string[]; line: number } | undefined;
  text.split('\n').forEach((line, i) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(line);
    if (fence && !open) open = { lang: fence[1] ?? '', lines: [], line: i + 2 };
    else if (fence && open) {
      blocks.push({ lang: open.lang, code: open.lines.join('\n'), line: open.line });
      open = undefined;
    } else if (open) open.lines.push(line);
    else {
      prose.push(line);
      return;
    }
    prose.push('');
  });
  return { blocks, prose: prose.join('\n') };
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const match of splitMarkdown(markdown).prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (match[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n ? `${slug}-${n}` : slug);
  }
  return found;
}

export const headings = (markdown: string): string[] =>
  [...splitMarkdown(markdown).prose.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => (m[1] ?? '').replace(/`/g, ''));

/** Every relative link `[text](target#anchor)` of a Markdown file: the file must exist, and the anchor in it. */
export function linkProblems(file: string): string[] {
  const problems: string[] = [];
  const { prose } = splitMarkdown(read(file));
  for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] ?? '';
    if (/^[a-z]+:/i.test(target)) continue;
    const [where = '', anchor] = target.split('#');
    const resolved = where ? path.posix.normalize(path.posix.join(path.posix.dirname(file), where)) : file;
    if (!existsSync(path.join(ROOT, resolved))) {
      problems.push(`${file}: link ${target}: ${resolved} does not exist`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
      problems.push(`${file}: link ${target}: ${resolved} has no heading #${anchor}`);
  }
  return problems;
}

/** The `deploy-kit …` command lines in a Markdown file's code (inline spans and sh blocks), continuation lines joined. */
export function commandLines(markdown: string): string[] {
  const { blocks, prose } = splitMarkdown(markdown);
  const code = [
    ...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''),
    ...blocks
      .filter((b) => /^(sh|bash|shell|console)?$/.test(b.lang))
      .flatMap((b) =>
        b.code
          .replace(/\\\n\s*/g, ' ')
          .split('\n')
          .map((line) => line.replace(/\s#\s.*$/, '')),
      ),
  ];
  return code.flatMap((line) =>
    [
      ...line.matchAll(/(?:^|[\s;&|(])(?:npx\s+)?(?:node\s+bin\/)?deploy-kit(?:\.js)?\s+([a-z][\w-]*.*?)(?=[;&|)]|$)/g),
    ].map((m) => (m[1] ?? '').trim()),
  );
}

export interface CliUsage {
  /** command → the flags its usage text names (--help is every command's). */
  flags: Map<string, Set<string>>;
}

/** The commands and flags of the CLI, read from its usage texts (the main one and each command's --help). */
export function cliUsage(usage: string, extra: Record<string, string>): CliUsage {
  const flags = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const line of usage.split('\n')) {
    const header = /^ {2}deploy-kit ([a-z]+)\b/.exec(line);
    if (header) current = header[1];
    if (!current) continue;
    const set = flags.get(current) ?? new Set(['--help']);
    for (const flag of line.matchAll(/--[a-z][a-z0-9-]*/g)) set.add(flag[0]);
    flags.set(current, set);
  }
  for (const [command, text] of Object.entries(extra))
    for (const flag of text.matchAll(/--[a-z][a-z0-9-]*/g)) flags.get(command)?.add(flag[0]);
  flags.delete('--version');
  return { flags };
}

export const actionInputs = (name: string): Set<string> =>
  new Set(Object.keys((parseYaml(read(metadataFiles(name).actionYml[0]!)) as { inputs?: object }).inputs ?? {}));

/** A command line's problems: unknown command, unknown flag, unknown action or input for `run`. */
export function commandProblems(file: string, line: string, cli: CliUsage): string[] {
  const [command = '', ...args] = line.split(/\s+/);
  const known = cli.flags.get(command);
  if (!known) return [`${file}: \`deploy-kit ${line}\`: no command "${command}" (${[...cli.flags.keys()].join(', ')})`];
  const problems: string[] = [];
  for (const flag of args.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0] ?? ''))
    if (!known.has(flag)) problems.push(`${file}: \`deploy-kit ${line}\`: ${command} has no ${flag}`);
  if (command === 'run') {
    const action = args[0] ?? '';
    if (action.startsWith('<')) return problems; // a placeholder: `deploy-kit run <action> --help`
    if (!actionNames().includes(action)) return [...problems, `${file}: \`deploy-kit ${line}\`: no action "${action}"`];
    const inputs = actionInputs(action);
    args.forEach((arg, i) => {
      const name = args[i - 1] === '--input' || args[i - 1] === '-i' ? arg.split('=')[0] : undefined;
      if (name && !inputs.has(name)) problems.push(`${file}: \`deploy-kit ${line}\`: ${action} has no input ${name}`);
    });
  }
  return problems;
}

/** The inputs and secrets a reusable workflow declares (on.workflow_call). */
export function workflowInterface(file: string): { inputs: Set<string>; secrets: Set<string> } {
  const doc = parseYaml(read(file)) as { on: { workflow_call: { inputs?: object; secrets?: object } } };
  const call = doc.on.workflow_call;
  return { inputs: new Set(Object.keys(call.inputs ?? {})), secrets: new Set(Object.keys(call.secrets ?? {})) };
}

/** What a `uses:` of the kit names: an action (its inputs) or a reusable workflow (its inputs and secrets). */
export function kitTarget(uses: string): { name: string; inputs: Set<string>; secrets?: Set<string> } | undefined {
  const ref = /^org\/deploy-kit(\/[^@\s]*)?@/.exec(uses.trim());
  if (!ref) return undefined;
  const where = (ref[1] ?? '').replace(/^\//, '');
  if (where === '' || where === 'deploy') return { name: 'deploy', inputs: actionInputs('deploy') };
  const action = /^actions\/([\w-]+)$/.exec(where);
  if (action) return { name: where, inputs: existsSync(path.join(ROOT, where)) ? actionInputs(action[1]!) : new Set() };
  if (existsSync(path.join(ROOT, where))) return { name: where, ...workflowInterface(where) };
  return { name: where, inputs: new Set(), secrets: new Set() };
}

/**
 * Every `with:` and `secrets:` key in a YAML example against what it calls. A `with:` with no
 * `uses:` beside it (a fragment of a caller) is checked against `fragmentTarget`.
 */
export function yamlProblems(file: string, code: string, line: number, fragmentTarget: string): string[] {
  const problems: string[] = [];
  const doc: unknown = parseYaml(code);
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    const uses = typeof record.uses === 'string' ? record.uses : undefined;
    if (uses !== undefined || 'with' in record || 'secrets' in record) {
      const target =
        uses !== undefined ? kitTarget(uses) : { name: fragmentTarget, ...workflowInterface(fragmentTarget) };
      if (target) {
        if (!target.inputs.size && !target.secrets?.size)
          problems.push(`${file}:${line}: uses ${uses}: ${target.name} does not exist`);
        for (const key of Object.keys((record.with as object) ?? {}))
          if (!target.inputs.has(key)) problems.push(`${file}:${line}: ${target.name} has no input ${key}`);
        if (target.secrets)
          for (const key of Object.keys((record.secrets as object) ?? {}))
            if (!target.secrets.has(key)) problems.push(`${file}:${line}: ${target.name} has no secret ${key}`);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(doc);
  return problems;
}

/** The starter folders (workflows/<stack>/) and their files. */
export function starterFolders(): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const entry of readdirSync(path.join(ROOT, 'workflows'), { withFileTypes: true }))
    if (entry.isDirectory()) folders.set(entry.name, readdirSync(path.join(ROOT, 'workflows', entry.name)).sort());
  return folders;
}

/** Every `workflows/<stack>/<file>` a text names; `<provider>` stands for each one-service folder. */
export function starterPathProblems(file: string, providers: string[]): string[] {
  const problems: string[] = [];
  for (const match of read(file).matchAll(/(?<![\w./-])workflows\/([\w<>-]+)\/([\w.-]*[\w])?/g)) {
    const [whole, folder = '', name] = match;
    for (const stack of folder === '<provider>' ? providers : [folder]) {
      const target = name ? `workflows/${stack}/${name}` : `workflows/${stack}`;
      if (!existsSync(path.join(ROOT, target))) problems.push(`${file}: ${whole}: ${target} does not exist`);
    }
  }
  return problems;
}

/** `see "Heading" in deploy-kit's README` (or `in docs/x.md`) in a file's comments: that heading exists there. */
export function sectionReferenceProblems(file: string): string[] {
  const problems: string[] = [];
  const text = read(file).replace(/\n\s*#\s*/g, ' ');
  for (const match of text.matchAll(/"([^"]+)" in (?:deploy-kit's |the )?(README|docs\/[\w-]+\.md)/g)) {
    const [, title = '', where = ''] = match;
    const target = where === 'README' ? 'README.md' : where;
    if (!headings(read(target)).some((heading) => heading.includes(title)))
      problems.push(`${file}: "${title}" is no heading of ${target}`);
  }
  return problems;
}

/** Words from the top of a Markdown file to a marker (code included: a newcomer reads what they copy). */
export function wordsBefore(markdown: string, marker: string): number {
  const end = markdown.indexOf(marker);
  if (end < 0) throw new Error(`no marker ${marker}`);
  return markdown
    .slice(0, end)
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}
