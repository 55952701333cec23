/** `deploy-kit setup`: reads the token from the environment, never from the command line. */
import { githubClient } from '../github/rest.js';
import { ConfigurationError } from '../lib/errors.js';
import { setupEnvironments } from './environments.js';
import { checkApprovalPlan, renderPlanReport } from './plan.js';

export interface SetupCommand {
  repository: string;
  check: boolean;
  reviewers: string[];
  stagingBranch?: string;
  tags?: string;
  waitTimer?: number;
  allowSelfReview: boolean;
  /** `comment`: production approved by /approve comments (no reviewers; default branch only, protected). */
  approval?: 'environment' | 'comment';
  secrets: Array<{ environment: 'staging' | 'production'; name: string }>;
}

export async function runSetup(
  command: SetupCommand,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Promise<number> {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token)
    throw new ConfigurationError(
      'setup reads the token from GITHUB_TOKEN or GH_TOKEN, and neither is set (e.g. GH_TOKEN=$(gh auth token) deploy-kit setup …)',
    );
  const secrets: Partial<Record<'staging' | 'production', Record<string, string>>> = {};
  for (const { environment, name } of command.secrets) {
    const value = env[name];
    if (!value)
      throw new ConfigurationError(
        `--secret ${environment}:${name} takes the value of the environment variable ${name}, which is not set`,
      );
    (secrets[environment] ??= {})[name] = value;
  }
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const client = githubClient({ token, apiUrl, log: print });
  const report = await checkApprovalPlan(client, command.repository);
  print(renderPlanReport(report));
  if (command.check) return 0;
  if (report.reviewersAvailable === false && command.approval !== 'comment') {
    print(
      `\nNothing was changed: required reviewers cannot be set on ${report.repository}, and without them nothing would wait for an approval. Use --approval comment for /approve comments (production then deploys only from the protected default branch).`,
    );
    return 1;
  }
  print('');
  const done = await setupEnvironments({
    repository: command.repository,
    token,
    apiUrl,
    reviewers: command.reviewers,
    approval: command.approval,
    preventSelfReview: !command.allowSelfReview,
    waitTimer: command.waitTimer,
    stagingBranch: command.stagingBranch,
    productionTags: command.tags,
    secrets,
    log: print,
  });
  print(
    `\nDone: ${done.environments.length} environments, ${done.secrets.length} secrets. Re-run any time to change reviewers or rotate a secret.`,
  );
  return 0;
}
