#!/usr/bin/env node
/**
 * A fake `flyctl` for tests (docs/platforms.md §3 and §5 "Fly.io": faking Fly's
 * HTTP side is impractical). State lives in the JSON file named by FAKE_FLY_STATE.
 *
 * Sources followed:
 * - token: -t/--access-token, else FLY_ACCESS_TOKEN, else FLY_API_TOKEN (docs/platforms.md §3.5,
 *   flyctl internal/config/config.go:22-54); none → "Error: no access token available.
 *   Please login with 'flyctl auth login'" exit 1 (fly-go api.go:11, flyctl
 *   internal/command/command.go:648,679).
 * - errors go to stderr as "Error: <msg>", exit 1; a deadline is exit 126
 *   (flyctl internal/cli/cli.go:104-186; docs/platforms.md §3.1 exit codes).
 * - `releases --app A --json`: the last 25 releases sorted by Version descending,
 *   rendered as a 4-space-indented JSON array of fly.Release with PascalCase keys and
 *   only id/version/description/reason/status/imageRef/stable/user/createdAt filled
 *   (flyctl internal/command/apps/releases.go runReleases: GetAppReleasesMachines(…, 25),
 *   sort by Version, render.JSON; docs/platforms.md §3.2); failures wrapped as
 *   "failed retrieving app releases <app>: <err>" (releases.go).
 * - `deploy --app A [--config C] [--image I] [--strategy S] [--wait-timeout D]
 *   [--remote-only] [--detach]`: progress on stdout, then
 *   "Visit your newly deployed app at https://<app>.fly.dev/" (deploy.go:469); a release
 *   goes running → complete | failed (machines_deploymachinesapp.go:71,96-109).
 * - `version`: "flyctl v<version> <os>/<arch> Commit: … BuildDate: …".
 * - `logs --app A --no-tail`: recent log lines, then exit.
 * Not documented, so chosen here: the wording of the bad-token and unknown-app errors
 * ("You must be authenticated to view this.", `Could not find App "<name>"`), as
 * Fly's GraphQL API phrases them in public bug reports.
 *
 * Switches (state.scenario.deploy): "success" (default), "fail" (health checks fail,
 * exit 1, release failed), "reverted" (exit 0, but the release failed and machines run
 * the old image), "hang" (release stays running, the CLI never returns), "deadline"
 * (exit 126), "malformed" (exit 0, release complete, none of the expected output),
 * "release-command" (fly.toml's [deploy] release_command runs and passes) and
 * "release-command-fail" (it exits 1 before any machine is updated: release failed, exit 1,
 * the machines keep the old image). Their output follows flyctl (ad0172fa)
 * internal/command/deploy/machines_releasecommand.go:64-68 ("Running <app> release_command:
 * <cmd>" on stderr), :176-190 ("Error release_command failed running on machine <id> with
 * exit code <n>.", "Checking logs: fetching the last 100 lines below:", the machine's log),
 * :192-197 ("release_command <id> completed successfully"), machines_deploymachinesapp.go:472-476
 * (the release command runs first; "release command failed - aborting deployment. <err>") and
 * :96-109 (the release ends failed); docs/platforms.md §9.3.
 */
import fs from 'node:fs';

const statePath = process.env.FAKE_FLY_STATE;
const load = () => JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = (state) => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
const argv = process.argv.slice(2);
const fail = (message, code = 1) => {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(code);
};

if (argv[0] === 'version') {
  process.stdout.write(
    `flyctl v${process.env.FAKE_FLY_VERSION || '0.4.115'} linux/amd64 Commit: 0000000 BuildDate: 2026-11-01T00:00:00Z\n`,
  );
  process.exit(0);
}

const valueFlags = new Set([
  '--app',
  '-a',
  '--config',
  '-c',
  '--image',
  '-i',
  '--strategy',
  '--wait-timeout',
  '--access-token',
  '-t',
  '--region',
  '-r',
]);
const boolFlags = new Set([
  '--json',
  '-j',
  '--remote-only',
  '--local-only',
  '--detach',
  '--yes',
  '-y',
  '--now',
  '--no-tail',
  '-n',
]);
const opts = {};
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (valueFlags.has(arg)) {
    if (i + 1 >= argv.length) fail(`flag needs an argument: ${arg}`);
    opts[arg.replace(/^-+/, '')] = argv[++i];
  } else if (boolFlags.has(arg)) opts[arg.replace(/^-+/, '')] = true;
  else if (arg.startsWith('-')) fail(`unknown flag: ${arg}`);
  else positional.push(arg);
}
const command = positional[0];
const app = opts.app ?? opts.a;

const state = load();
state.calls.push({ argv, cwd: process.cwd(), apiBase: process.env.FLY_API_BASE_URL ?? null });
save(state);

const token = opts['access-token'] || opts.t || process.env.FLY_ACCESS_TOKEN || process.env.FLY_API_TOKEN;
if (!token) fail("no access token available. Please login with 'flyctl auth login'");
if (!['releases', 'deploy', 'logs'].includes(command)) fail(`unknown command "${command}" for "flyctl"`);
if (!app)
  fail(
    'the config for your app is missing an app name, add an app field to the fly.toml file or specify with the -a flag',
  );
const authorized = token === state.token;
const found = state.apps[app];

if (command === 'releases') {
  if (!authorized) fail(`failed retrieving app releases ${app}: You must be authenticated to view this.`);
  if (!found) fail(`failed retrieving app releases ${app}: Could not find App "${app}"`);
  const releases = [...found.releases]
    .sort((a, b) => b.Version - a.Version)
    .slice(0, 25)
    .map((r) => ({
      ID: r.ID,
      Version: r.Version,
      Stable: r.Status === 'complete',
      InProgress: false,
      Reason: '',
      Description: r.Description,
      Status: r.Status,
      DeploymentStrategy: '',
      Metadata: null,
      User: { ID: 'u1', Name: 'Deployer', Email: 'deployer@example.com', EnablePaidHobby: false },
      EvaluationID: '',
      CreatedAt: r.CreatedAt,
      ImageRef: r.ImageRef,
    }));
  if (state.scenario.releases === 'malformed') process.stdout.write('[\n    {"ID": "rel_\n');
  else process.stdout.write(JSON.stringify(releases, null, 4) + '\n');
  process.exit(0);
}

if (command === 'logs') {
  if (!authorized) fail('You must be authenticated to view this.');
  if (!found) fail(`Could not find App "${app}"`);
  process.stdout.write(
    (found.logs || []).map((line) => `2026-11-27T10:00:00Z app[e784] ams [info] ${line}`).join('\n') + '\n',
  );
  process.exit(0);
}

// deploy
if (!authorized) fail('You must be authenticated to view this.');
if (!found) fail(`Could not find App "${app}"`);
if (opts.strategy && !['canary', 'rolling', 'bluegreen', 'immediate'].includes(opts.strategy))
  fail(`unsupported deployment strategy '${opts.strategy}'`);
const scenario = state.scenario.deploy || 'success';
const imageRef = opts.image || `registry.fly.io/${app}:deployment-${Date.now().toString(36).toUpperCase()}`;
const version = Math.max(0, ...found.releases.map((r) => r.Version)) + 1;
const release = {
  ID: `rel_${version}`,
  Version: version,
  Status: 'running',
  Description: opts.image ? 'Deploy image' : 'Release',
  ImageRef: imageRef,
  CreatedAt: new Date().toISOString(),
};
found.releases.push(release);
found.deploys = (found.deploys || 0) + 1;
save(state);
const out = (line) => process.stdout.write(line + '\n');
out('==> Verifying app config');
out('--> Verified app config');
out(
  opts.image
    ? `==> Building image\nSearching for image '${imageRef}' remotely...\nimage found: img_${version}`
    : `==> Building image with Depot\n--> Build Summary:\nimage: ${imageRef}`,
);
const releaseCommand = scenario === 'release-command' || scenario === 'release-command-fail';
if (releaseCommand) {
  process.stderr.write(`Running ${app} release_command: npm run migrate\n`);
  if (scenario === 'release-command-fail') {
    const now = load();
    const rel = now.apps[app].releases.find((r) => r.Version === version);
    rel.Status = 'failed';
    save(now);
    process.stderr.write(
      [
        'Error release_command failed running on machine 4d89e1 with exit code 1.',
        'Checking logs: fetching the last 100 lines below:',
        '2026-11-27T10:00:01Z > npm run migrate',
        '2026-11-27T10:00:02Z Applying 0042_add_orders_total.sql',
        '2026-11-27T10:00:02Z error: column "total" of relation "orders" already exists',
        '2026-11-27T10:00:03Z Main child exited normally with code: 1',
        'Error: release command failed - aborting deployment. machine 4d89e1 exited with non-zero status of 1',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  process.stderr.write('✔ release_command 4d89e1 completed successfully\n');
}
out(`Updating existing machines in '${app}' with ${opts.strategy || 'rolling'} strategy`);
const finish = (status) => {
  const now = load();
  const rel = now.apps[app].releases.find((r) => r.Version === version);
  rel.Status = status;
  if (status === 'failed')
    now.apps[app].logs = ['Error: Cannot find module "/app/server.js"', 'Main child exited normally with code: 1'];
  save(now);
};
if (scenario === 'hang') setInterval(() => undefined, 1 << 30);
else if (scenario === 'deadline') {
  finish('interrupted');
  fail('context deadline exceeded', 126);
} else if (scenario === 'fail') {
  finish('failed');
  process.stderr.write(
    `Error: failed to update machine e784: timeout reached waiting for health checks to pass for machine e784: failed to get VM e784: Get "https://api.machines.dev/v1/apps/${app}/machines/e784": net/http: request canceled\nYour machine never reached the state "started".\n`,
  );
  process.exit(1);
} else if (scenario === 'reverted') {
  finish('failed');
  out(`Visit your newly deployed app at https://${app}.fly.dev/`);
  process.exit(0);
} else if (scenario === 'malformed') {
  finish('complete');
  process.stdout.write('\u001b[2K\u001b[1G⣾ ');
  process.exit(0);
} else {
  finish('complete');
  out('Checking DNS configuration for ' + app + '.fly.dev');
  out(`\nVisit your newly deployed app at https://${app}.fly.dev/`);
  process.exit(0);
}
