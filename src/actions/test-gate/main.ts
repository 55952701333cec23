import * as core from '@actions/core';
import { statSync } from 'node:fs';
import path from 'node:path';
import { invalidInput, readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { Fail } from '../../lib/schemas.js';
import { parseCommands } from '../../gate/commands.js';
import { runCommand } from '../../lib/exec.js';
import { loadRunnerCache } from '../../lib/runner-bundles.js';
import { writeSummary } from '../../lib/summary.js';
import { type GateReport, runGate } from '../../gate/gate.js';
import { renderGateSummary } from '../../gate/summary.js';
import { spec } from './spec.js';

/** GitHub shows at most 10 error annotations per step; one is kept for the step's own failure. */
const MAX_TEST_ANNOTATIONS = 9;

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  const commands = await parseCommands(inputs.commands);
  if (commands instanceof Fail) throw invalidInput('commands', spec.inputs.commands, commands.message);
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const cwd = path.resolve(workspace, inputs.workingDirectory);
  if (!isDirectory(cwd))
    throw new ConfigurationError(
      `Input "working-directory" is invalid: ${inputs.workingDirectory} is not a directory in ${workspace}.`,
    );
  if (inputs.minCoverage !== undefined && !inputs.coverageFile)
    throw new ConfigurationError('Input "min-coverage" needs "coverage-file": the report to read the coverage from.');
  if (!commands.length && !inputs.junit.length && !inputs.coverageFile && inputs.audit === 'none')
    throw new ConfigurationError(
      'The gate has nothing to check: give "commands" (example: commands: npm test), or "junit", "coverage-file" or "audit".',
    );

  // Only JUnit reports are globbed: load @actions/glob while the commands run.
  const globModule = inputs.junit.length ? import('@actions/glob') : undefined;
  globModule?.catch(() => {}); // awaited, and reported, in glob()
  const report = await runGate(
    {
      commands,
      cwd,
      workspace,
      shell: inputs.shell,
      timeoutMs: inputs.timeout,
      failFast: inputs.failFast,
      cache: inputs.cache,
      junit: inputs.junit,
      coverageFile: inputs.coverageFile,
      minCoverage: inputs.minCoverage,
      audit: inputs.audit,
    },
    {
      env: process.env,
      platform: process.platform,
      arch: process.arch,
      run: runCommand,
      cache: {
        // Only where the runner's cache service can be there (never outside GitHub).
        isFeatureAvailable: async () =>
          Boolean(process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL) &&
          (await loadRunnerCache()).isFeatureAvailable(),
        restoreCache: async (paths, key, restoreKeys) =>
          (await loadRunnerCache()).restoreCache(paths, key, restoreKeys),
        saveCache: async (paths, key) => (await loadRunnerCache()).saveCache(paths, key),
      },
      glob: async (patterns) => {
        const glob = await (globModule ?? import('@actions/glob'));
        return (await glob.create(patterns, { matchDirectories: false, implicitDescendants: false })).glob();
      },
      group: core.group,
      write: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
      info: core.info,
      warning: core.warning,
    },
  );

  setOutputs(spec, {
    passed: report.passed,
    'failed-commands': JSON.stringify(
      report.commands.filter((c) => c.result === 'failed' || c.result === 'timed out').map((c) => c.name),
    ),
    tests: report.junit?.tests,
    failures: report.junit?.failed,
    coverage: report.coverage?.percent,
  });
  annotateTests(report);
  await writeSummary((summary) => renderGateSummary(summary, report));
  if (!report.passed) throw new KitError(`Test gate failed: ${report.problems.join(' ')}`);
  core.info(`Test gate passed in ${(report.durationMs / 1000).toFixed(1)} s.`);
}

function annotateTests(report: GateReport): void {
  const failures = report.junit?.failures ?? [];
  for (const failure of failures.slice(0, MAX_TEST_ANNOTATIONS)) {
    core.error(failure.details, {
      title: `Test failed: ${failure.name}`,
      file: failure.file,
      startLine: failure.line,
    });
  }
  if (failures.length > MAX_TEST_ANNOTATIONS)
    core.info(`${failures.length - MAX_TEST_ANNOTATIONS} more failing tests are listed in the job summary.`);
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
