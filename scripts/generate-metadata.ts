/**
 * Writes every action.yml and the input/output tables of every action README from the
 * spec declared beside the zod schemas (src/actions/<name>/spec.ts), the manifest's JSON
 * Schema (schema/deploy-kit.schema.json) and, from it, the manifest reference in
 * docs/manifest.md (between its markers).
 *   npm run generate            write the files
 *   npm run generate -- --check exit 1 when a committed file differs
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ActionSpec } from '../src/lib/action-spec.js';
import { manifestJsonSchema } from '../src/release/manifest.js';
import { secretInputOf, usualTokenEnv } from '../src/release/manifest-inputs.js';
import { definitions } from '../src/providers/registry.js';
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

const MANIFEST_BEGIN = '<!-- BEGIN GENERATED: manifest reference (npm run generate) -->';

interface JsonNode {
  description?: string;
  properties?: Record<string, JsonNode>;
  additionalProperties?: JsonNode & { oneOf?: JsonNode[]; anyOf?: JsonNode[] };
  const?: string;
}

/** A description as the schema has it, its trailing one-word default set as code. */
const described = (node: JsonNode) => cell((node.description ?? '').replace(/ Default: (\S+)\.$/, ' Default: `$1`.'));

const keyRows = (properties: Record<string, JsonNode>, required: (key: string) => string) =>
  Object.entries(properties).map(([key, node]) => `| \`${key}\` | ${required(key)} | ${described(node)} |`);

const keyTable = (rows: string[]) => ['| key | required | description |', '| --- | --- | --- |', ...rows];

/**
 * The manifest reference: every key the JSON Schema (made from the zod schema that parses
 * deploy-kit.yml) allows, with the description editors show; which provider inputs are
 * required, their examples and the usual token variable come from the same provider specs.
 */
export function renderManifestReference(schema: Record<string, unknown>): string {
  const top = schema as JsonNode;
  const servicesNode = top.properties?.services as JsonNode;
  const variants = servicesNode.additionalProperties?.oneOf ?? [];
  const providerOf = (variant: JsonNode) => variant.properties?.provider?.const as string;
  const first = variants[0]?.properties ?? {};
  // Keys every provider has, described alike: listed once.
  const shared = Object.keys(first).filter((key) =>
    variants.every((v) => v.properties?.[key]?.description === first[key]?.description),
  );
  const sharedProps: Record<string, JsonNode> = {
    provider: { description: `Where the service runs: ${variants.map((v) => `\`${providerOf(v)}\``).join(', ')}.` },
    ...Object.fromEntries(shared.map((key) => [key, first[key] as JsonNode])),
  };
  const smoke = (first.smoke as JsonNode).properties ?? {};
  const environments = top.properties?.environments as JsonNode;
  const lines = [
    MANIFEST_BEGIN,
    '## Top level',
    '',
    keyTable(keyRows(top.properties ?? {}, (key) => (key === 'services' ? 'yes' : ''))).join('\n'),
    '',
    'A service name is letters, digits, `-` and `_`.',
    '',
    '## Keys of every service',
    '',
    keyTable(keyRows(sharedProps, (key) => (key === 'provider' ? 'yes' : ''))).join('\n'),
  ];
  for (const variant of variants) {
    const name = providerOf(variant);
    const definition = definitions.find((d) => d.name === name);
    if (!definition) continue;
    const own = Object.fromEntries(
      Object.entries(variant.properties ?? {}).filter(([key]) => key !== 'provider' && !shared.includes(key)),
    );
    const input = (key: string) => definition.inputs[key as keyof typeof definition.inputs];
    const secret = secretInputOf(definition);
    const token =
      secret === 'token'
        ? `Token: from the variable \`token-env\` names, default \`${usualTokenEnv(name)}\`; ${definition.tokenHelp}`
        : `\`${secret}\`: from the variable \`token-env\` names, default \`${usualTokenEnv(name)}\`; optional (deploy-${name}'s \`${secret}\` input says what happens without it).`;
    const rows = Object.entries(own).map(([key, node]) => {
      const example = input(key)?.example;
      // A workflow expression (`${{ vars.X }}`) is not expanded in the manifest: no such example.
      const e = example && !example.includes('${{') ? ` Example: \`${key}: ${example.split('\n')[0]}\`.` : '';
      return `| \`${key}\` | ${input(key)?.required ? 'yes' : ''} | ${described(node)}${cell(e)} |`;
    });
    lines.push(
      '',
      `## \`provider: ${name}\` — ${definition.title}`,
      '',
      `${cell(variant.description ?? '')} ${cell(token)}`,
      '',
      keyTable(rows).join('\n'),
    );
  }
  lines.push(
    '',
    '## `smoke`',
    '',
    cell(first.smoke?.description ?? ''),
    '',
    keyTable(keyRows(smoke, () => '')).join('\n'),
    '',
    '## `environments`',
    '',
    `${cell(environments?.description ?? '')} \`environments.<name>.services.<service>\` takes any key of that service except \`provider\` (${cell(environments?.additionalProperties?.anyOf?.[0]?.properties?.services?.additionalProperties?.description ?? '')}); the release action's \`environment\` input picks \`<name>\`. With no \`environments\`, any environment name is accepted.`,
    END,
  );
  return lines.join('\n');
}

export function renderManifestDoc(schema: Record<string, unknown>, existing: string | undefined): string {
  const reference = renderManifestReference(schema);
  if (existing?.includes(MANIFEST_BEGIN) && existing.includes(END)) {
    const at = existing.indexOf(MANIFEST_BEGIN);
    return existing.slice(0, at) + reference + existing.slice(existing.indexOf(END, at) + END.length);
  }
  return `# deploy-kit.yml reference\n\n${reference}\n`;
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
  // Its reference for readers, from that JSON Schema: key names, descriptions, defaults as editors show them.
  const manifestDoc = path.join(ROOT, 'docs/manifest.md');
  files.set(
    'docs/manifest.md',
    renderManifestDoc(manifestJsonSchema(), existsSync(manifestDoc) ? readFileSync(manifestDoc, 'utf8') : undefined),
  );
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
