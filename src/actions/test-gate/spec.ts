import { defineAction } from '../../lib/action-spec.js';
import { bool, decimal, duration, lines, oneOf, optional, text } from '../../lib/schemas.js';
import { MANAGERS } from '../../gate/cache.js';
import { SEVERITIES } from '../../gate/audit.js';

export const spec = defineAction({
  name: 'test-gate',
  title: 'deploy-kit test-gate',
  description:
    "The quality gate every deploy waits on: run the project's checks, read their JUnit and coverage reports, audit the dependencies, and pass only when all of it is green.",
  branding: { icon: 'check-square', color: 'green' },
  inputs: {
    commands: {
      description:
        'The checks to run, in order: one command per line, or a YAML map of `name: command` (a value may be a multi-line `|` block). Each runs through the shell like a `run:` step, in its own log group, with its wall time. A line such as `echo a: b` reads as a map entry; give it a name to keep it a command.',
      example: 'unit: npm test\nlint: npm run lint\ntypes: npx tsc --noEmit',
      // Parsed by the action (parseCommands), which loads the YAML parser only for a map.
      parse: text(),
    },
    'working-directory': {
      description: 'Where the commands run, and where lockfiles and relative report paths are looked up.',
      default: '.',
      parse: text(),
    },
    shell: {
      description:
        'The shell that runs each command: `bash` (as `bash --noprofile --norc -eo pipefail`) or `sh` (`sh -e`).',
      default: 'bash',
      parse: oneOf(['bash', 'sh'] as const),
    },
    timeout: {
      description: 'Deadline for each command (and for the audit); a command still running then is stopped and fails.',
      default: '60m',
      example: '15m',
      parse: duration(),
    },
    'fail-fast': {
      description:
        'Stop at the first failing command (the rest are reported as skipped, and the audit is skipped). By default every command runs and every failure is reported.',
      default: 'false',
      parse: bool(),
    },
    cache: {
      description: `Cache the package manager's downloads with the Actions cache, keyed on the lockfile's hash and the runner OS: \`auto\` (detect from lockfiles), ${MANAGERS.map((m) => `\`${m}\``).join(', ')} or \`none\`. A miss or an unavailable cache service is a warning, never a failure.`,
      default: 'auto',
      parse: oneOf(['auto', ...MANAGERS, 'none'] as const),
    },
    junit: {
      description:
        'Glob(s) of JUnit XML reports, one per line (jest-junit, pytest `--junitxml`, …). Their totals become outputs, each failing test an annotation at its file and line, and a row in the summary. When given, no matching report fails the gate.',
      example: 'reports/junit-*.xml',
      parse: lines(),
    },
    'coverage-file': {
      description: 'A coverage report: lcov, Cobertura XML or Istanbul json-summary (the format is detected).',
      example: 'coverage/lcov.info',
      parse: optional(text()),
    },
    'min-coverage': {
      description: 'Lowest line coverage, in percent, that passes the gate (needs `coverage-file`).',
      example: '80',
      parse: optional(decimal(0, 100)),
    },
    audit: {
      description:
        'Run `npm audit` and fail on advisories at this severity or above: `info`, `low`, `moderate`, `high`, `critical`, or `none` to skip it. An audit that cannot reach the registry fails the gate (it cannot vouch for the dependencies); set `none` to deploy without it.',
      default: 'none',
      parse: oneOf(['none', ...SEVERITIES] as const),
    },
  },
  outputs: {
    passed: '`true` when every command, report, coverage minimum and audit passed.',
    'failed-commands': 'JSON array of the names of the commands that failed or timed out.',
    tests: 'Number of tests in the JUnit reports.',
    failures: 'Number of failing tests (failures and errors) in the JUnit reports.',
    coverage: 'Line coverage in percent, from `coverage-file`.',
  },
});
