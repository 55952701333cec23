/**
 * The seams between files: what a starter passes to a reusable workflow, and what a
 * workflow passes to the kit's actions. Plain functions returning problems, so the tests
 * can also show that each check finds a planted mistake.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { ROOT } from '../../scripts/actions.js';

type Permissions = Record<string, string> | string | undefined;

interface StepYaml {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}
interface JobYaml {
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | 'inherit';
  permissions?: Permissions;
  steps?: StepYaml[];
  'timeout-minutes'?: unknown;
  environment?: unknown;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
}
export interface WorkflowYaml {
  on?: Record<string, unknown> & {
    workflow_call?: {
      inputs?: Record<string, { type: string; required?: boolean; default?: unknown }>;
      secrets?: Record<string, { required?: boolean }>;
    };
  };
  permissions?: Permissions;
  jobs: Record<string, JobYaml>;
}

export const readWorkflow = (file: string, content = readFileSync(path.join(ROOT, file), 'utf8')): WorkflowYaml =>
  parseYaml(content) as WorkflowYaml;

export function starterFiles(): string[] {
  const dir = path.join(ROOT, 'workflows');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => readdirSync(path.join(dir, e.name)).map((f) => `workflows/${e.name}/${f}`))
    .filter((f) => f.endsWith('.yml') && !f.endsWith('/deploy-kit.yml'))
    .sort();
}

/** `org/deploy-kit/.github/workflows/x.yml@v1` → `.github/workflows/x.yml` in this repository. */
export function kitWorkflowPath(uses: string): string | undefined {
  const match = /^[^/]+\/deploy-kit\/(\.github\/workflows\/[^@]+)@.+$/.exec(uses);
  return match?.[1];
}

/**
 * GitHub's own check of a caller against the reusable workflow it calls: the parser fetches
 * the called file (here: from this repository) and reports undefined inputs and secrets,
 * and required ones not passed.
 */
export async function parserCallerFindings(file: string, content = readFileSync(path.join(ROOT, file), 'utf8')) {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value || errors.length) return errors;
  const provider = {
    getFileContent: async (ref: FileReference) => {
      if (!('repository' in ref) || ref.repository !== 'deploy-kit')
        throw new Error(`only deploy-kit's workflows are known here, not ${JSON.stringify(ref)}`);
      return { name: ref.path, content: readFileSync(path.join(ROOT, ref.path), 'utf8') };
    },
  };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, {
    fetchReusableWorkflowDepth: 1,
  });
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };

/** Our checks on top: input types, and that the caller grants every permission a called job asks for. */
export function callerFindings(file: string, content?: string): string[] {
  const caller = readWorkflow(file, content);
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(caller.jobs)) {
    if (!job.uses) continue;
    const target = kitWorkflowPath(job.uses);
    if (!target) {
      problems.push(`${file}: job ${jobId} calls ${job.uses}, not a deploy-kit workflow`);
      continue;
    }
    const called = readWorkflow(target);
    const inputs = called.on?.workflow_call?.inputs ?? {};
    const secrets = called.on?.workflow_call?.secrets ?? {};
    for (const [name, value] of Object.entries(job.with ?? {})) {
      const def = inputs[name];
      if (!def) problems.push(`${file}: input ${name} is not an input of ${target}`);
      else if (def.type === 'boolean' && typeof value !== 'boolean' && !isExpression(value))
        problems.push(`${file}: input ${name} must be true or false, not ${JSON.stringify(value)}`);
      else if (def.type === 'number' && typeof value !== 'number' && !isExpression(value))
        problems.push(`${file}: input ${name} must be a number, not ${JSON.stringify(value)}`);
    }
    for (const [name, def] of Object.entries(inputs))
      if (def.required && !(name in (job.with ?? {})))
        problems.push(`${file}: required input ${name} of ${target} is not passed`);
    if (job.secrets !== 'inherit')
      for (const name of Object.keys(job.secrets ?? {}))
        if (!(name in secrets)) problems.push(`${file}: secret ${name} is not a secret of ${target}`);
    const granted = effective(job.permissions ?? caller.permissions);
    for (const [calledJobId, calledJob] of Object.entries(called.jobs)) {
      for (const [scope, level] of Object.entries(effective(calledJob.permissions ?? called.permissions)))
        if ((LEVEL[level] ?? 0) > (LEVEL[granted[scope] ?? 'none'] ?? 0))
          problems.push(
            `${file}: job ${jobId} grants ${scope}: ${granted[scope] ?? 'none'}, but ${target} job ${calledJobId} needs ${scope}: ${level}`,
          );
    }
  }
  return problems;
}

const isExpression = (value: unknown) => typeof value === 'string' && /^\$\{\{[\s\S]*\}\}$/.test(value.trim());

function effective(permissions: Permissions): Record<string, string> {
  if (permissions === undefined) return {}; // unknown: the repository default; callers here always say
  if (typeof permissions === 'string')
    return permissions === 'write-all' ? { contents: 'write', deployments: 'write' } : {};
  return permissions;
}

export interface KitUse {
  file: string;
  job: string;
  step: string;
  action: string;
  metadata: string;
  with: Record<string, unknown>;
}

/** Every `uses: $/…` step: which action.yml it resolves to. */
export function kitUses(file: string, content?: string): KitUse[] {
  const wf = readWorkflow(file, content);
  const uses: KitUse[] = [];
  for (const [job, def] of Object.entries(wf.jobs))
    for (const step of def.steps ?? []) {
      if (!step.uses?.startsWith('$/')) continue;
      const dir = step.uses.slice(2);
      uses.push({
        file,
        job,
        step: step.id ?? step.name ?? step.uses,
        action: dir === 'deploy' ? 'deploy' : dir.replace(/^actions\//, ''),
        metadata: `${dir}/action.yml`,
        with: step.with ?? {},
      });
    }
  return uses;
}

export const actionPresent = (use: KitUse) => existsSync(path.join(ROOT, use.metadata));

/** Keys passed that the action does not declare, and required inputs not passed. */
export function withFindings(use: KitUse, metadata = readFileSync(path.join(ROOT, use.metadata), 'utf8')): string[] {
  const spec = parseYaml(metadata) as { inputs?: Record<string, { required?: boolean; default?: unknown }> };
  const inputs = spec.inputs ?? {};
  const where = `${use.file} job ${use.job} step ${use.step}`;
  const problems = Object.keys(use.with)
    .filter((key) => !(key in inputs))
    .map((key) => `${where}: ${use.metadata} has no input "${key}"`);
  for (const [name, def] of Object.entries(inputs))
    if (def.required && def.default === undefined && !(name in use.with))
      problems.push(`${where}: required input "${name}" of ${use.metadata} is not passed`);
  return problems;
}
