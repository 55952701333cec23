/**
 * Runs a workflow's job graph on paper: GitHub's own parser (@actions/workflow-parser)
 * turns the file into jobs, `needs` and `if:` conditions (adding the implied `success() &&`
 * exactly as GitHub does), and GitHub's own expression evaluator (@actions/expressions)
 * decides every `if:`. Only the status functions are ours, implemented as the runner
 * documents them (docs.github.com, "Status check functions"):
 *   job level:  success() — every job it depends on (transitively) succeeded;
 *               failure() — one of them failed; cancelled() — the run was cancelled.
 *   step level: success() — no earlier step failed and the run is not cancelled;
 *               failure() — an earlier step failed; cancelled() — the run was cancelled.
 * What each step does (succeed, fail, be cancelled, which outputs it writes) is the
 * scenario's input: the question answered is which steps and jobs then run, in what order.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { truthy } from '@actions/expressions/result';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';
import type { WorkflowJob, Step } from '@actions/workflow-parser/model/workflow-template';
import { ROOT } from '../../scripts/actions.js';
import { DONE, type Status, evaluate, evaluateTemplate, templateExpression } from './expressions.js';

export { evaluate };

export type Outcome = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  outcome?: Exclude<Outcome, 'skipped'>;
  outputs?: Record<string, string>;
}

/** What the workflow hands a step: its `with:` and `env:`, every expression evaluated. */
export interface StepCall {
  with: Record<string, string>;
  env: Record<string, string>;
}

export interface StepBehaviour extends StepResult {
  /** The step's result computed from what the workflow passes it (instead of outcome/outputs). */
  run?: (call: StepCall) => Promise<StepResult>;
  /** A kit action's post phase (runs.post in its action.yml), when its post-if holds. Default: success. */
  post?: (call: StepCall) => Promise<StepResult>;
}

export interface Scenario {
  name: string;
  /** Path from the repository root, e.g. .github/workflows/deploy-staging.yml */
  workflow: string;
  /** The workflow's text, when not the file's (tests of the simulator itself). */
  source?: string;
  inputs: Record<string, string | boolean | number>;
  secrets?: Record<string, string>;
  /** The github context, merged over a push to refs/heads/staging (e.g. event_name, event). */
  github?: Record<string, unknown>;
  /** What the step with this id does, as `<job>.<step id>` or just `<step id>`. Default: success, no outputs. */
  steps?: Record<string, StepBehaviour>;
}

export interface StepRun {
  id: string;
  uses?: string;
  outcome: Outcome;
}

export interface JobRun {
  id: string;
  result: Outcome;
  steps: StepRun[];
  environment?: string;
  environmentUrl?: string;
  /** The job's `outputs:`, evaluated after its steps (what `needs.<id>.outputs` reads). */
  outputs?: Record<string, string>;
  /** Post phases of the kit's actions that ran, in the order they ran (reverse of their steps). */
  posts: StepRun[];
}

export interface Simulation {
  jobs: Record<string, JobRun>;
  /** Job ids in the order they ran (skipped ones included, in graph order). */
  order: string[];
  /** Every step that ran, across jobs, as `<job>.<step>` in order. */
  ran: string[];
}

const expressionOf = (token: unknown): string =>
  (token as { expression?: string } | undefined)?.expression ?? 'success()';

export async function loadTemplate(file: string, content = readFileSync(path.join(ROOT, file), 'utf8')) {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (!parsed.value || errors.length) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length) throw new Error(`${file}: ${template.errors.map((e) => e.Message).join('; ')}`);
  return { template, yaml: parseYaml(content) as WorkflowYaml };
}

export interface WorkflowYaml {
  on?: { workflow_call?: { inputs?: Record<string, { type: string; default?: unknown; required?: boolean }> } };
  jobs: Record<
    string,
    {
      environment?: { name?: string; url?: string } | string;
      env?: Record<string, unknown>;
      steps?: {
        id?: string;
        with?: Record<string, unknown>;
        env?: Record<string, unknown>;
        'continue-on-error'?: unknown;
      }[];
      outputs?: Record<string, string>;
    }
  >;
}

function inputsWithDefaults(yaml: WorkflowYaml, given: Scenario['inputs']): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(yaml.on?.workflow_call?.inputs ?? {})) {
    if (name in given) result[name] = given[name];
    else if (def.default !== undefined) result[name] = def.default;
    else result[name] = def.type === 'boolean' ? false : def.type === 'number' ? 0 : '';
  }
  for (const name of Object.keys(given))
    if (!(name in result)) throw new Error(`scenario passes input "${name}", which the workflow does not declare`);
  return result;
}

export async function simulate(scenario: Scenario): Promise<Simulation> {
  const { template, yaml } = await loadTemplate(scenario.workflow, scenario.source);
  const inputs = inputsWithDefaults(yaml, scenario.inputs);
  const github = {
    sha: '0123456789abcdef0123456789abcdef01234567',
    ref: 'refs/heads/staging',
    event_name: 'push',
    ...scenario.github,
  };
  const jobs: Record<string, JobRun> = {};
  const order: string[] = [];
  const ran: string[] = [];
  let runCancelled = false;

  const byId = new Map<string, WorkflowJob>(template.jobs.map((job) => [job.id.value, job]));
  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    for (const need of byId.get(id)?.needs ?? []) {
      if (!seen.has(need.value)) {
        seen.add(need.value);
        ancestors(need.value, seen);
      }
    }
    return seen;
  };

  // Topological order, ties in file order (as GitHub starts independent jobs together).
  const pending = template.jobs.map((job) => job.id.value);
  while (pending.length) {
    const index = pending.findIndex((id) => (byId.get(id)?.needs ?? []).every((n) => n.value in jobs));
    if (index === -1) throw new Error(`job graph has a cycle among ${pending.join(', ')}`);
    const id = pending.splice(index, 1)[0] as string;
    const job = byId.get(id) as WorkflowJob;
    order.push(id);

    const up = [...ancestors(id)].map((a) => jobs[a]?.result);
    const jobStatus: Status = {
      success: !runCancelled && up.every((r) => r === 'success'),
      failure: up.some((r) => r === 'failure'),
      cancelled: runCancelled,
    };
    const needs = Object.fromEntries(
      (job.needs ?? []).map((n) => [n.value, { result: jobs[n.value]?.result, outputs: jobs[n.value]?.outputs ?? {} }]),
    );
    const context = {
      inputs,
      github,
      secrets: scenario.secrets ?? {},
      needs,
      env: {},
      vars: {},
      job: {},
      runner: {},
      steps: {},
    };
    const runs = truthy(evaluate(expressionOf(job.if), context, jobStatus));
    // The job's env: (evaluated once the job starts; its steps read it as env.<name>).
    context.env = Object.fromEntries(
      Object.entries(yaml.jobs[id]?.env ?? {}).map(([name, value]) => [name, evaluateTemplate(value, context)]),
    );
    if (!runs || job.type !== 'job') {
      jobs[id] = { id, result: 'skipped', steps: [], posts: [] };
      continue;
    }

    const steps: Record<string, { outputs: Record<string, string>; outcome: Outcome; conclusion: Outcome }> = {};
    const stepRuns: StepRun[] = [];
    let failed = false;
    const postSteps: { id: string; uses: string; behaviour: StepBehaviour; call: () => StepCall }[] = [];
    for (const step of job.steps as Step[]) {
      const stepId = step.id;
      const status: Status = { success: !failed && !runCancelled, failure: failed, cancelled: runCancelled };
      const stepContext = {
        ...context,
        steps,
        job: { status: runCancelled ? 'cancelled' : failed ? 'failure' : 'success' },
      };
      const shouldRun = truthy(evaluate(expressionOf(step.if), stepContext, status));
      const behaviour = scenario.steps?.[`${id}.${stepId}`] ?? scenario.steps?.[stepId] ?? {};
      const call = () => stepCall(yaml, id, stepId, stepContext);
      const done: StepResult = shouldRun ? (behaviour.run ? await behaviour.run(call()) : behaviour) : {};
      const outcome: Outcome = shouldRun ? (done.outcome ?? 'success') : 'skipped';
      const uses = 'uses' in step ? step.uses.value : undefined;
      stepRuns.push({ id: stepId, uses, outcome });
      // continue-on-error: true — a failure is the step's outcome, not its conclusion, and the job goes on.
      const continues = yaml.jobs[id]?.steps?.find((s) => s.id === stepId)?.['continue-on-error'] === true;
      const conclusion: Outcome = outcome === 'failure' && continues ? 'success' : outcome;
      steps[stepId] = { outputs: done.outputs ?? {}, outcome, conclusion };
      if (shouldRun && uses) postSteps.unshift({ id: stepId, uses, behaviour, call });
      if (shouldRun) ran.push(`${id}.${stepId}`);
      if (conclusion === 'failure') failed = true;
      if (outcome === 'cancelled') runCancelled = true;
    }
    // The runner's post phase: each action that ran, last first, when its post-if holds
    // against the job's status at that point.
    const posts: StepRun[] = [];
    for (const post of postSteps) {
      const runs = postOf(post.uses);
      if (!runs) continue;
      const status: Status = { success: !failed && !runCancelled, failure: failed, cancelled: runCancelled };
      if (!truthy(evaluate(runs.if, { ...context, steps }, status))) continue;
      const done = post.behaviour.post ? await post.behaviour.post(post.call()) : {};
      const outcome = done.outcome ?? 'success';
      posts.push({ id: post.id, uses: post.uses, outcome });
      ran.push(`${id}.post:${post.id}`);
      if (outcome === 'failure' && !runCancelled) failed = true; // a cancelled job stays cancelled
    }
    const result: Outcome = failed ? 'failure' : runCancelled ? 'cancelled' : 'success';
    const envYaml = yaml.jobs[id]?.environment;
    const environment = typeof envYaml === 'string' ? envYaml : envYaml?.name;
    const environmentUrl =
      typeof envYaml === 'object' && envYaml.url
        ? evaluate(templateExpression(envYaml.url), { ...context, steps }, DONE).coerceString()
        : undefined;
    const outputs = Object.fromEntries(
      Object.entries(yaml.jobs[id]?.outputs ?? {}).map(([name, value]) => [
        name,
        evaluate(templateExpression(value), { ...context, steps }, DONE).coerceString(),
      ]),
    );
    jobs[id] = { id, result, steps: stepRuns, environment, environmentUrl, outputs, posts };
  }
  return { jobs, order, ran };
}

/** A kit action's post phase and its post-if (default always()), from its action.yml; undefined when it has none. */
function postOf(uses: string): { if: string } | undefined {
  if (!uses.startsWith('$/')) return undefined;
  const file = path.join(ROOT, uses.slice(2), 'action.yml');
  if (!existsSync(file)) return undefined;
  const runs = (parseYaml(readFileSync(file, 'utf8')) as { runs?: { post?: string; 'post-if'?: string } }).runs;
  return runs?.post ? { if: runs['post-if'] ?? 'always()' } : undefined;
}

/** The step's `with:` and `env:` from the file, evaluated in the step's context. */
function stepCall(yaml: WorkflowYaml, job: string, id: string, context: Record<string, unknown>): StepCall {
  const step = yaml.jobs[job]?.steps?.find((s) => s.id === id);
  const evaluated = (values: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, evaluateTemplate(value, context)]));
  return { with: evaluated(step?.with), env: evaluated(step?.env) };
}

/** The kit's steps that ran in a job, in order: `backup → migrate → deploy → smoke`. */
export function kitStepsRan(run: JobRun | undefined): string[] {
  return (run?.steps ?? []).filter((s) => s.outcome !== 'skipped' && s.uses?.startsWith('$/')).map((s) => s.id);
}
