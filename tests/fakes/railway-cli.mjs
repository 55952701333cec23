#!/usr/bin/env node
/**
 * A fake `railway` CLI for tests: the commands, flags, output and exit codes the kit
 * relies on, written from railwayapp/cli (commit 00f97c2219e2) and
 * docs/platforms.md §2. State lives in the JSON file named by FAKE_RAILWAY_STATE,
 * shared with the fake GraphQL API (railway-api.ts), which moves deployments along.
 *
 * Sources followed:
 * - clap: --version/--help print to stdout and exit 0; usage errors exit 2
 *   (railwayapp/cli src/main.rs, "DisplayHelp || DisplayVersion … exit(0)", "exit(2)").
 * - `up` flags: [PATH] -d/--detach (alias --no-wait) -y -c/--ci -s/--service
 *   -e/--environment -p/--project -w --no-gitignore --path-as-root --verbose --json
 *   -m/--message (src/commands/up.rs Args; docs/platforms.md §2.1 up.rs:41-108).
 * - "--environment is required when using --project" (docs/platforms.md §2.1, up.rs:163-165).
 * - non-json output "Indexing...", "Uploading...", "  Build Logs: <url>"; with --detach
 *   --json a single line {"deploymentId","logsUrl"} (docs/platforms.md §2.1, up.rs:311-321).
 * - with --json an error is one line {"error","code","hint"} on STDOUT, exit 1
 *   (src/util/reporter.rs render_error_message); otherwise the message on stderr, exit 1.
 * - RAILWAY_TOKEN is a project token, RAILWAY_API_TOKEN an account token
 *   (src/client.rs new_authorized; docs/platforms.md §2.4); a rejected token is
 *   RailwayError::Unauthorized (src/client.rs post_graphql → src/errors.rs).
 * - unknown service: RailwayError::ServiceNotFound `Service "x" not found.`,
 *   environment: EnvironmentNotFound (src/errors.rs).
 * - upload 400 → FailedToUpload(body.message) (src/controllers/upload.rs).
 *
 * Switches (state.scenario.up): "success" (default), "fail" (build fails after upload),
 * "crash", "hang" (uploads, then never returns), "hang-upload" (never returns, nothing
 * uploaded), "stuck" (uploads; the deployment never settles), "upload-400",
 * "malformed" (exit 0 with output that is not the documented JSON), "error-exit"
 * (exit 1 after a good upload: the CLI is wrong, the platform is fine), "skipped" (watch
 * paths matched no changed file: the deployment ends SKIPPED, src/commands/up.rs:346-353),
 * "pre-deploy" (the service's pre-deploy command runs and passes) and "pre-deploy-fail" (it
 * exits 1: the deployment ends FAILED and never becomes active, its output in the deploy log;
 * docs/platforms.md §9.2, docs.railway.com/guides/pre-deploy-command). Either way `up
 * --detach` has already exited 0: it does not wait for the deploy phase (up.rs:313-321).
 */
import fs from 'node:fs';

const statePath = process.env.FAKE_RAILWAY_STATE;
const load = () => JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = (state) => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));

const argv = process.argv.slice(2);
const json = argv.includes('--json');

function fail(message, code, exitCode = 1) {
  if (json) process.stdout.write(JSON.stringify({ error: message, code, hint: null }) + '\n');
  else process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}

function usage(message) {
  process.stderr.write(
    `error: ${message}\n\nUsage: railway up [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n`,
  );
  process.exit(2);
}

if (argv[0] === '--version' || argv[0] === '-V') {
  process.stdout.write(`railway ${process.env.FAKE_RAILWAY_VERSION || '5.42.1'}\n`);
  process.exit(0);
}
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write('Upload and deploy project from the current directory\n\nUsage: railway up [OPTIONS] [PATH]\n');
  process.exit(0);
}

const state = load();
state.calls.push({
  tool: 'cli',
  argv,
  cwd: process.cwd(),
  token: process.env.RAILWAY_TOKEN ? 'project' : process.env.RAILWAY_API_TOKEN ? 'account' : 'none',
});
save(state);

if (argv[0] !== 'up') usage(`unrecognized subcommand '${argv[0]}'`);

const valueFlags = {
  '-s': 'service',
  '--service': 'service',
  '-e': 'environment',
  '--environment': 'environment',
  '-p': 'project',
  '--project': 'project',
  '-m': 'message',
  '--message': 'message',
  '-w': 'workspace',
  '--workspace': 'workspace',
};
const boolFlags = new Set([
  '-d',
  '--detach',
  '--no-wait',
  '-y',
  '--yes',
  '-c',
  '--ci',
  '--json',
  '--verbose',
  '--no-gitignore',
  '--path-as-root',
]);
const opts = { detach: false };
for (let i = 1; i < argv.length; i++) {
  const arg = argv[i];
  if (valueFlags[arg]) {
    if (i + 1 >= argv.length) usage(`a value is required for '${arg}' but none was supplied`);
    opts[valueFlags[arg]] = argv[++i];
  } else if (boolFlags.has(arg)) {
    if (arg === '-d' || arg === '--detach' || arg === '--no-wait') opts.detach = true;
  } else if (arg.startsWith('-')) usage(`unexpected argument '${arg}' found`);
  else opts.path = arg;
}

const projectToken = process.env.RAILWAY_TOKEN;
const accountToken = process.env.RAILWAY_API_TOKEN;
if (!projectToken && !accountToken) fail('Not signed in.', 'NOT_AUTHENTICATED');
const authorized = projectToken ? projectToken === state.projectToken : accountToken === state.accountToken;
if (!authorized) fail('Unauthorized. Please login with `railway login`', 'UNAUTHORIZED');
if (opts.project && !opts.environment) fail('--environment is required when using --project', 'ERROR');
if (!opts.project && !projectToken)
  fail('No linked project found. Run railway link to connect to a project', 'NO_LINKED_PROJECT');
if (opts.project && opts.project !== state.project.id)
  fail('Project not found. Run `railway link` to connect to a project.', 'PROJECT_NOT_FOUND');
const environment =
  state.environments.find((e) => e.id === opts.environment || e.name === opts.environment) ??
  (!opts.environment && projectToken ? state.environments.find((e) => e.id === state.tokenEnvironment) : undefined);
if (!environment)
  fail(
    `Environment "${opts.environment}" not found.\nRun \`railway environment\` to connect to an environment.`,
    'ENVIRONMENT_NOT_FOUND',
  );
const service = state.services.find(
  (s) => s.id === opts.service || s.name.toLowerCase() === String(opts.service).toLowerCase(),
);
if (!service) fail(`Service "${opts.service}" not found.`, 'SERVICE_NOT_FOUND');

const scenario = (state.scenario && state.scenario.up) || 'success';
const hang = () => setInterval(() => undefined, 1 << 30);

if (!json) process.stdout.write('Indexing...\nUploading...\n');
if (scenario === 'hang-upload') {
  hang();
} else if (scenario === 'upload-400') {
  fail('Failed to upload: build quota exceeded for this workspace', 'UPLOAD_FAILED');
} else {
  const plans = {
    success: ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'SUCCESS'],
    'error-exit': ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'SUCCESS'],
    malformed: ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'SUCCESS'],
    fail: ['INITIALIZING', 'BUILDING', 'FAILED'],
    crash: ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'CRASHED'],
    hang: ['INITIALIZING', 'BUILDING'],
    stuck: ['INITIALIZING', 'BUILDING'],
    // Watch paths matched no changed file (src/commands/up.rs:346-353 at v5.42.1).
    skipped: ['INITIALIZING', 'BUILDING', 'SKIPPED'],
    'pre-deploy': ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'SUCCESS'],
    'pre-deploy-fail': ['INITIALIZING', 'BUILDING', 'DEPLOYING', 'FAILED'],
  };
  // DeploymentEvent {step, createdAt, completedAt, payload {error}} (src/gql/schema.json at v5.42.1).
  const at = (s) => new Date(Date.parse('2026-11-27T10:00:00.000Z') + s * 1000).toISOString();
  const event = (step, s, error) => ({
    step,
    createdAt: at(s),
    completedAt: at(s + 1),
    payload: error ? { error } : null,
  });
  const preDeployEvents = (error) => [
    event('SNAPSHOT_CODE', 0),
    event('BUILD_IMAGE', 1),
    event('PUBLISH_IMAGE', 2),
    event('PRE_DEPLOY_COMMAND', 3, error),
    ...(error ? [] : [event('CREATE_CONTAINER', 4), event('HEALTHCHECK', 5), event('DRAIN_INSTANCES', 6)]),
  ];
  const events = {
    'pre-deploy': preDeployEvents(),
    'pre-deploy-fail': preDeployEvents('Pre-deploy command failed with exit code 1'),
  };
  const fresh = load();
  const id = `dep-${String(fresh.deployments.length + 1).padStart(4, '0')}-${Date.now().toString(36)}`;
  const logsUrl = `https://railway.com/project/${fresh.project.id}/service/${service.id}?id=${id}`;
  fresh.deployments.push({
    id,
    serviceId: service.id,
    environmentId: environment.id,
    status: 'INITIALIZING',
    plan: plans[scenario] || plans.success,
    createdAt: new Date(Date.now() + fresh.deployments.length).toISOString(),
    canRollback: false,
    staticUrl: `${service.name}-${environment.name}.up.railway.app`,
    url: null,
    meta: { reason: 'deploy', message: opts.message || null, cwd: process.cwd() },
    buildLogs:
      scenario === 'fail'
        ? ['npm ci', 'npm run build', 'error TS2322: Type string is not assignable to type number.', 'Build failed']
        : scenario === 'skipped'
          ? ['No changed files matched patterns: api/**']
          : ['npm ci', 'npm run build', 'Build succeeded'],
    deployLogs:
      scenario === 'crash'
        ? ['node server.js', 'Error: listen EADDRINUSE']
        : scenario === 'pre-deploy-fail'
          ? [
              '> npm run migrate',
              'Applying 0042_add_orders_total.sql',
              'error: column "total" of relation "orders" already exists',
            ]
          : scenario === 'pre-deploy'
            ? ['> npm run migrate', 'Applied 0042_add_orders_total.sql', 'node server.js', 'listening on 8080']
            : ['node server.js', 'listening on 8080'],
    events: events[scenario] || [],
  });
  save(fresh);
  if (scenario === 'malformed') {
    process.stdout.write('{"deploymentId": \n<html>502 Bad Gateway</html>\n');
    process.exit(0);
  }
  if (!json) process.stdout.write(`  Build Logs: ${logsUrl}\n`);
  if (opts.detach) {
    if (json) process.stdout.write(JSON.stringify({ deploymentId: id, logsUrl }) + '\n');
    if (scenario === 'hang') hang();
    else if (scenario === 'error-exit')
      fail('Failed to fetch: error sending request for url (https://backboard.railway.com/graphql/v2)', 'FETCH_ERROR');
    else process.exit(0);
  } else {
    // Without --detach in CI mode the real CLI streams logs and waits; the kit never uses it.
    if (!json) process.stdout.write('CI mode enabled\n');
    hang();
  }
}
