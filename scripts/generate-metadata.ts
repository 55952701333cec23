/**
 * Writes every action.yml and the input/output tables of every action README from the
 * spec declared beside the zod schemas (src/actions/<name>/spec.ts).
 *   npm run generate            write the files
 *   npm run generate -- --check exit 1 when a committed file differs
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ActionSpec } from '../src/lib/action-spec.js';
import { manifestJsonSchema } from '../src/release/manifest.js';
import { ROOT, actionNames, loadSpec, metadataFiles, bundlePath, usesRef } from './actions.js';

const BEGIN = '<!-- BEGIN GENERATED: inputs and outputs (npm run generate) -->';
const END = '<!-- END GENERATED -->';

export function renderActionYml(spec: ActionSpec, actionYml: string): string {
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    inputs[name] = {
      description: input.description,
      required: input.required ?? false,
      ...(input.default !== undefined ? { default: input.default } : {}),
    };
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [name, description] of Object.entries(spec.outputs))
    outputs[name] = { description: description as string };
  const main = bundlePath(actionYml, spec.name);
  const document = {
    name: spec.title,
    description: spec.description,
    author: 'deploy-kit',
    branding: spec.branding ?? { icon: 'check-circle', color: 'green' },
    inputs,
    outputs,
    runs: {
      using: 'node24',
      main,
      ...(spec.post ? { post: main, 'post-if': spec.post.if } : {}),
    },
  };
  return (
    `# Generated from src/actions/${spec.name}/spec.ts by \`npm run generate\`: edit the spec, not this file.\n` +
    stringify(document, { lineWidth: 0 })
  );
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function renderTables(spec: ActionSpec): string {
  const rows = Object.entries(spec.inputs).map(([name, input]) => {
    const fallback = input.default !== undefined && input.default !== '' ? `\`${input.default}\`` : '';
    const required = input.required ? 'yes' : '';
    const secret = input.secret ? ' (secret: masked)' : '';
    return `| \`${name}\` | ${required} | ${cell(fallback)} | ${cell(input.description + secret)} |`;
  });
  const outputs = Object.entries(spec.outputs).map(([name, text]) => `| \`${name}\` | ${cell(text as string)} |`);
  const required = Object.entries(spec.inputs)
    .filter(([, input]) => input.required)
    .map(([name, input]) => `    ${name}: ${input.example ?? '…'}`);
  return [
    BEGIN,
    '```yaml',
    `- uses: ${usesRef(spec.name)}`,
    ...(required.length ? ['  with:', ...required] : []),
    '```',
    '',
    '### Inputs',
    '',
    '| name | required | default | description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '### Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...outputs,
    END,
  ].join('\n');
}

export function renderReadme(spec: ActionSpec, existing: string | undefined): string {
  const tables = renderTables(spec);
  if (existing && existing.includes(BEGIN) && existing.includes(END)) {
    const before = existing.slice(0, existing.indexOf(BEGIN));
    const after = existing.slice(existing.indexOf(END) + END.length);
    return before + tables + after;
  }
  return `# ${spec.title}\n\n${spec.description}\n\n${tables}\n`;
}

/** Every generated file and the text it should have. */
export async function expectedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of actionNames()) {
    const spec = await loadSpec(name);
    const { actionYml, readme } = metadataFiles(name);
    for (const file of actionYml) files.set(file, renderActionYml(spec, file));
    const readmePath = path.join(ROOT, readme);
    files.set(readme, renderReadme(spec, existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined));
  }
  // The manifest's JSON Schema, for editors (yaml-language-server, VS Code): from the zod schema that parses it.
  files.set('schema/deploy-kit.schema.json', `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, text] of await expectedFiles()) {
    const full = path.join(ROOT, file);
    const current = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length) {
    console.error(`These files differ from their specs; run npm run generate:\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
