/**
 * How deploy-kit calls the `vercel` CLI: the argv of each step, in one place, and the
 * environment it runs in. The tests check every flag here against the real CLI's own
 * `--help` output (tests/vercel/cli-flags.test.ts).
 *
 * The CI recipe Vercel documents (vercel.com/docs/cli, "using a token in CI"): with
 * VERCEL_ORG_ID + VERCEL_PROJECT_ID set, `vercel pull --yes --environment=<env>`,
 * `vercel build [--prod]`, `vercel deploy --prebuilt [--prod]` (stdout = the URL).
 */

/**
 * Variables that make the CLI believe an AI agent runs it, which switches it to
 * non-interactive JSON "agent" output on stdout instead of the bare URL. From
 * @vercel/detect-agent 1.2.5 (bundled with vercel 58.10.0: determineAgent()), and
 * docs/platforms.md §1.1. `--non-interactive=false` also overrides it (vercel src/index.ts:
 * explicitNonInteractiveFalse), for detections an env scrub cannot reach.
 */
export const AGENT_VARIABLES = [
  'AI_AGENT',
  'CURSOR_TRACE_ID',
  'CURSOR_AGENT',
  'CURSOR_EXTENSION_HOST_ROLE',
  'GEMINI_CLI',
  'CODEX_SANDBOX',
  'CODEX_CI',
  'CODEX_THREAD_ID',
  'ANTIGRAVITY_AGENT',
  'AUGMENT_AGENT',
  'OPENCODE',
  'OPENCODE_CLIENT',
  'CLAUDECODE',
  'CLAUDE_CODE',
  'CLAUDE_CODE_IS_COWORK',
  'REPL_ID',
  'COPILOT_MODEL',
  'COPILOT_ALLOW_ALL',
  'COPILOT_GITHUB_TOKEN',
] as const;

export interface CliIdentity {
  token: string;
  orgId: string;
  projectId: string;
}

/**
 * The CLI's environment: the token only as VERCEL_TOKEN (cli src/index.ts reads it when
 * --token is absent, so it never sits on an argv that `ps` or a debug log could show),
 * the project as VERCEL_ORG_ID/VERCEL_PROJECT_ID (they must come together:
 * util/projects/link.ts), no telemetry, no update check, no agent detection.
 */
export function cliEnv(base: NodeJS.ProcessEnv, identity: CliIdentity): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of AGENT_VARIABLES) delete env[name];
  // The legacy NOW_* spellings make the CLI throw when both are set (build-utils get-platform-env.ts).
  for (const name of ['NOW_ORG_ID', 'NOW_PROJECT_ID', 'NOW_TOKEN']) delete env[name];
  Object.assign(env, {
    VERCEL_TOKEN: identity.token,
    VERCEL_ORG_ID: identity.orgId,
    VERCEL_PROJECT_ID: identity.projectId,
    VERCEL_TELEMETRY_DISABLED: '1',
    NO_UPDATE_NOTIFIER: '1',
    // The Node implementation everywhere (the native binary is opt-in, and default on macOS).
    VERCEL_CLI_USE_NATIVE_BINARY: '0',
    FORCE_COLOR: '0',
  });
  return env;
}

export interface GlobalOptions {
  /** A fresh folder per run, so no stored login or `currentTeam` of the machine leaks in. */
  globalConfigDir: string;
  /** The hidden `--api` flag (cli src/util/arg-common.ts); undefined: Vercel's own API. */
  apiUrl?: string;
}

export function globalArgs(options: GlobalOptions): string[] {
  const args = ['--global-config', options.globalConfigDir, '--no-color', '--non-interactive=false'];
  if (options.apiUrl) args.push('--api', options.apiUrl);
  return args;
}

/** Which Vercel environment the deployment goes to. */
export const targetOf = (production: boolean): 'production' | 'preview' => (production ? 'production' : 'preview');

export const pullArgs = (production: boolean): string[] => ['pull', '--yes', '--environment', targetOf(production)];

export const buildArgs = (production: boolean): string[] => ['build', '--yes', ...(production ? ['--prod'] : [])];

export const deployArgs = (production: boolean, prebuilt: boolean): string[] => [
  'deploy',
  ...(prebuilt ? ['--prebuilt'] : []),
  ...(production ? ['--prod'] : []),
  '--yes',
];

/**
 * `vercel rollback <id>` needs the team as the current scope to accept a team's
 * deployment (util/projects/get-project-by-deployment.ts); a personal account has none.
 */
const scopeArgs = (orgId: string): string[] => (orgId.startsWith('team_') ? ['--scope', orgId] : []);

export const rollbackArgs = (deploymentId: string, orgId: string, timeoutSeconds: number): string[] => [
  'rollback',
  deploymentId,
  '--yes',
  '--timeout',
  `${timeoutSeconds}s`,
  ...scopeArgs(orgId),
];

export const promoteArgs = (deploymentId: string, orgId: string, timeoutSeconds: number): string[] => [
  'promote',
  deploymentId,
  '--yes',
  '--timeout',
  `${timeoutSeconds}s`,
  ...scopeArgs(orgId),
];

/** The deployment URL `vercel deploy` prints on stdout (no trailing newline), if any. */
export function deploymentUrlFrom(stdout: string): string | undefined {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^https:\/\/([a-z0-9.-]+)\/?$/i.exec(lines[i] as string);
    if (match) return match[1];
  }
  return undefined;
}

/** Recognises the CLI's words for a refused token (58.10.0 and 64.0.2 wording). */
export const tokenRejectedIn = (output: string): boolean =>
  /token provided via VERCEL_TOKEN environment variable is not valid|Error: Not authorized|invalid token/i.test(output);
