/**
 * deploy-vm (provider `vm`): a plain host reached over SSH, or the runner itself with
 * `host: local`. Releases are folders; `current` is a symlink switched only after the
 * new release started and answered its health check (./releases.ts).
 *
 * Here: the inputs and the definition; the provider itself is ./vm.ts, over ./remote.ts.
 */
import { Fail, type Parser, duration, httpUrl, integer, optional, parser, text } from '../../lib/schemas.js';
import { type ProviderInputs, defineProvider } from '../provider.js';
import { VmProvider } from './vm.js';

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

export type VmInputs = ProviderInputs<typeof inputs>;

export const vm = defineProvider({
  name: 'vm',
  title: 'the VM',
  inputs,
  tokenHelp: 'deploy-vm logs in with `ssh-key`, not a token.',
  create: (parsed, deps) => new VmProvider(parsed, deps),
});
