/**
 * deploy-vm (provider `vm`): a plain host reached over SSH, or the runner itself with
 * `host: local`. Releases are folders; `current` is a symlink switched only after the
 * new release started and answered its health check (./releases.ts).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, KitError, errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { tail } from '../../lib/exec.js';
import { Fail, type Parser, duration, httpUrl, integer, optional, parser, text } from '../../lib/schemas.js';
import { displayUrl, httpRequest } from '../../http/request.js';
import { localTarget, sshTarget } from './remote.js';
import {
  type HostLayout,
  type Source,
  RELEASE_ID,
  createRelease,
  listReleases,
  liveRelease,
  prune,
  releaseId,
  releaseStatus,
  setStatus,
  startLog,
  startRelease,
  switchCurrent,
} from './releases.js';
import {
  type DeployAttempt,
  type DeployContext,
  type Deployment,
  type Provider,
  type ProviderDeps,
  type ProviderInputs,
  defineProvider,
} from '../provider.js';

function matching(pattern: RegExp, what: string): Parser<string> {
  return parser((raw) => {
    const value = raw.trim();
    return value && !pattern.test(value) ? new Fail(`"${raw}" is not ${what}`) : value;
  });
}

const inputs = {
  host: {
    description:
      'The host to deploy to (name or IP address), or `local` to run the same steps on the runner itself without SSH.',
    required: true,
    example: 'app1.example.com',
    // no leading dash: a host is never read as an ssh option
    parse: matching(/^(local|[A-Za-z0-9_][A-Za-z0-9_.:-]*)$/, 'a host name or IP address'),
  },
  user: {
    description: 'The SSH user (empty: the runner user’s name).',
    example: 'deploy',
    parse: matching(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a user name'),
  },
  port: { description: 'The SSH port.', default: '22', parse: integer(1, 65535) },
  'ssh-key': {
    description: 'The private key to log in with (empty: the runner’s ssh-agent). Masked.',
    secret: true,
    example: '${{ secrets.DEPLOY_SSH_KEY }}',
    parse: text(),
  },
  'known-hosts': {
    description:
      'The host’s public key(s) as known_hosts lines (e.g. from `ssh-keyscan -p 22 app1.example.com`, checked out of band). Required for SSH: the host key is always verified, there is no way to skip it. A line of only `type key` pins that key to `host`.',
    example: '${{ vars.DEPLOY_KNOWN_HOSTS }}',
    parse: text(),
  },
  'app-dir': {
    description:
      'The app’s folder on the host; releases go to `<app-dir>/releases/<id>`, `<app-dir>/current` is the live one. Empty: `/srv/<repository name>`.',
    example: '/srv/shop',
    parse: text(),
  },
  source: {
    description: 'What to ship: a folder, or a `.tar` / `.tar.gz` archive, relative to `working-directory`.',
    default: '.',
    example: 'build/app.tar.gz',
    parse: text(),
  },
  'start-command': {
    description:
      'Starts the new release; run by `sh` in its folder with `DEPLOY_KIT_RELEASE`, `DEPLOY_KIT_RELEASE_DIR` and `DEPLOY_KIT_APP_DIR` set, and must return once the release is started. Start the release folder itself (not `current`, which switches only after the health check).',
    required: true,
    example: 'docker compose -p shop up -d --build',
    parse: text(),
  },
  'health-url': {
    description:
      'Polled from the runner after the start command until it answers 2xx; only then does `current` switch. Empty: the start command’s exit code decides.',
    example: 'https://app1.example.com/health',
    parse: optional(httpUrl()),
  },
  'health-timeout': { description: 'Deadline for the health check.', default: '2m', parse: duration() },
  'keep-releases': {
    description:
      'Releases kept on the host (older ones are removed; the live one and its rollback target always stay).',
    default: '5',
    parse: integer(1, 1000),
  },
};

type VmInputs = ProviderInputs<typeof inputs>;

export const vm = defineProvider({
  name: 'vm',
  title: 'the VM',
  inputs,
  tokenHelp: 'deploy-vm logs in with `ssh-key`, not a token.',
  create: (parsed, deps) => new VmProvider(parsed, deps),
});

function resolveSource(workingDirectory: string, source: string): Source {
  const resolved = path.resolve(workingDirectory, source || '.');
  if (!existsSync(resolved))
    throw new ConfigurationError(`Input "source" is invalid: ${source} does not exist in ${workingDirectory}.`);
  if (statSync(resolved).isDirectory()) return { kind: 'directory', path: resolved };
  if (/\.(tar\.gz|tgz)$/.test(resolved)) return { kind: 'tar.gz', path: resolved };
  if (/\.tar$/.test(resolved)) return { kind: 'tar', path: resolved };
  throw new ConfigurationError(
    `Input "source" is invalid: ${source} is neither a folder nor a .tar / .tar.gz archive.`,
  );
}

function appDirFrom(raw: string, env: NodeJS.ProcessEnv): string {
  const repository = (env.GITHUB_REPOSITORY ?? '').split('/').pop();
  const dir = raw.trim() || (repository ? `/srv/${repository}` : '');
  if (!dir)
    throw new ConfigurationError(
      'Input "app-dir" is required outside GitHub Actions (no GITHUB_REPOSITORY to name it after). Example: app-dir: /srv/shop',
    );
  if (!dir.startsWith('/'))
    throw new ConfigurationError(
      `Input "app-dir" is invalid: ${dir} is not an absolute path. Example: app-dir: /srv/shop`,
    );
  if (dir.split('/').includes('..'))
    throw new ConfigurationError(`Input "app-dir" is invalid: ${dir} contains "..". Example: app-dir: /srv/shop`);
  return dir.replace(/\/+$/, '') || '/';
}

/** Deadline for one look at the host (what is live, a release's state). */
const QUERY_TIMEOUT = 60_000;

export class VmProvider implements Provider {
  readonly name = 'vm';
  private readonly source: Source;
  private readonly appDir: string;
  private readonly local: boolean;

  constructor(
    private readonly inputs: VmInputs,
    private readonly deps: ProviderDeps,
  ) {
    // Everything is checked here, before any side effect.
    this.local = inputs.host === 'local';
    if (!this.local && !inputs.knownHosts.trim())
      throw new ConfigurationError(
        `Input "known-hosts" is required to deploy to ${inputs.host}: deploy-kit always verifies the host key. Get it with ssh-keyscan -p ${inputs.port} ${inputs.host} (and check it out of band), then store it as a variable or secret. Example: known-hosts: \${{ vars.DEPLOY_KNOWN_HOSTS }}`,
      );
    this.appDir = appDirFrom(inputs.appDir, deps.env);
    this.source = resolveSource(inputs.workingDirectory, inputs.source);
  }

  /**
   * One connection per call (SSH multiplexes the commands inside it); closed at the end,
   * so no ssh process and no key file outlive the call.
   */
  private async use<T>(timeoutMs: number, fn: (layout: HostLayout) => Promise<T>): Promise<T> {
    const target = this.local
      ? localTarget(this.deps.env)
      : sshTarget({
          host: this.inputs.host,
          port: this.inputs.port,
          user: this.inputs.user || undefined,
          privateKey: this.inputs.sshKey || undefined,
          knownHosts: this.inputs.knownHosts,
          env: this.deps.env,
        });
    try {
      return await fn({ target, appDir: this.appDir, timeoutMs });
    } finally {
      await target.close();
    }
  }

  private deployment(id: string, status?: string): Deployment {
    return {
      id,
      url: this.inputs.healthUrl?.origin,
      status,
      phase: status === 'failed' ? 'failed' : status === 'started' ? 'in-progress' : 'succeeded',
    };
  }

  async current(): Promise<Deployment | undefined> {
    const id = await this.use(QUERY_TIMEOUT, liveRelease);
    return id ? this.deployment(id, 'live') : undefined;
  }

  async find(id: string): Promise<Deployment | undefined> {
    if (!RELEASE_ID.test(id)) return undefined;
    const status = await this.use(QUERY_TIMEOUT, (layout) => releaseStatus(layout, id));
    return status ? this.deployment(id, status) : undefined;
  }

  async previousSuccessful(before?: string): Promise<Deployment | undefined> {
    return this.use(QUERY_TIMEOUT, async (layout) => {
      const limit = before ?? (await liveRelease(layout));
      const healthy = (await listReleases(layout)).filter((r) => r.status === 'healthy' && (!limit || r.id < limit));
      const found = healthy.at(-1);
      return found ? this.deployment(found.id, found.status) : undefined;
    });
  }

  deploy(context: DeployContext): Promise<DeployAttempt> {
    return this.use(context.timeoutMs, async (layout) => {
      const started = Date.now();
      const previous = await liveRelease(layout);
      const id = await createRelease(layout, releaseId(this.deps.env.GITHUB_SHA, new Date()), this.source);
      context.log(`Shipped ${this.source.path} to ${layout.target.where}:${this.appDir}/releases/${id}.`);
      const problem = await this.startAndCheck(layout, id, context.log);
      if (problem) {
        await setStatus(layout, id, 'failed');
        context.log(`Release ${id} failed (${problem}); current still points at ${previous ?? 'nothing'}.`);
        if (previous) await this.restore(layout, previous, context.log);
        return {
          deployment: this.deployment(id, 'failed'),
          exitCode: 1,
          timedOut: false,
          durationMs: Date.now() - started,
          problem,
          output: (await startLog(layout, id)) ?? '',
        };
      }
      await switchCurrent(layout, id);
      context.log(`current → releases/${id}`);
      const removed = await prune(layout, this.inputs.keepReleases, id);
      if (removed.length)
        context.log(`Removed old releases (keep-releases ${this.inputs.keepReleases}): ${removed.join(', ')}`);
      return {
        deployment: this.deployment(id, 'healthy'),
        exitCode: 0,
        timedOut: false,
        durationMs: Date.now() - started,
        output: '',
      };
    });
  }

  /** Starts the release and checks its health; returns what went wrong, or undefined. */
  private async startAndCheck(
    layout: HostLayout,
    id: string,
    log: (line: string) => void,
  ): Promise<string | undefined> {
    await setStatus(layout, id, 'started');
    log(`Starting ${id}: ${this.inputs.startCommand}`);
    const start = await startRelease(layout, id, this.inputs.startCommand, log);
    if (start.timedOut) return `the start command did not return within ${formatDuration(layout.timeoutMs)}`;
    if (start.exitCode !== 0)
      return `the start command exited with ${start.exitCode}: ${tail(start.stderr || start.stdout, 3)}`;
    const health = await this.checkHealth(log);
    if (health) return health;
    await setStatus(layout, id, 'healthy');
    return undefined;
  }

  /** Polls health-url until 2xx or health-timeout; returns the failure, or undefined when healthy. */
  private async checkHealth(log: (line: string) => void): Promise<string | undefined> {
    const url = this.inputs.healthUrl;
    if (!url) return undefined;
    const deadline = Date.now() + this.inputs.healthTimeout;
    let last = '';
    let lastLogged = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await httpRequest({
          url,
          method: 'GET',
          headers: {},
          timeoutMs: 5000,
          insecure: false,
          maxRedirects: 3,
          maxBodyBytes: 2048,
        });
        if (response.status >= 200 && response.status < 300) {
          log(`Healthy: ${displayUrl(url)} answered ${response.status} (attempt ${attempt}).`);
          return undefined;
        }
        last = `${displayUrl(url)} answered ${response.status}`;
      } catch (error) {
        last = `${displayUrl(url)}: ${errorMessage(error)}`;
      }
      if (Date.now() - lastLogged > 5000) {
        log(`Waiting for health: ${last}`);
        lastLogged = Date.now();
      }
      if (Date.now() >= deadline)
        return `the health check failed for ${formatDuration(this.inputs.healthTimeout)}: ${last}`;
      await this.deps.sleep(500);
    }
  }

  /** After a failed release: start the live one again (its start may have stopped it) and check it. */
  private async restore(layout: HostLayout, id: string, log: (line: string) => void): Promise<void> {
    log(`Restarting the live release ${id}.`);
    const result = await startRelease(layout, id, this.inputs.startCommand, log);
    const health = result.exitCode === 0 ? await this.checkHealth(log) : `exit ${result.exitCode}`;
    if (health) log(`Warning: the live release ${id} did not come back healthy (${health}).`);
  }

  rollback(target: Deployment, reason: string, context: DeployContext): Promise<Deployment | undefined> {
    return this.use(context.timeoutMs, async (layout) => {
      context.log(`Rolling back to ${target.id}: ${reason}`);
      const live = await liveRelease(layout);
      const problem = await this.startAndCheck(layout, target.id, context.log);
      if (problem) {
        // current still points at the live release, but starting the target may have
        // stopped it (the same start command): start it again, so what current names is
        // what runs — as a failed deploy does.
        if (live && live !== target.id) await this.restore(layout, live, context.log);
        throw new KitError(
          `Could not roll back to ${target.id} on ${layout.target.where}: ${problem}. current still points at ${live ?? 'nothing'}${live && live !== target.id ? ', restarted' : ''}.`,
        );
      }
      await switchCurrent(layout, target.id);
      context.log(`current → releases/${target.id}`);
      const now = await liveRelease(layout);
      return now ? this.deployment(now, 'live') : undefined;
    });
  }

  logTail(deployment: Deployment): Promise<string | undefined> {
    return this.use(QUERY_TIMEOUT, (layout) => startLog(layout, deployment.id));
  }
}
