import * as core from '@actions/core';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { escapeHtml, table, writeSummary } from '../../lib/summary.js';
import { githubClient } from '../../github/rest.js';
import { findSuccessfulDeployment } from '../../github/deployments.js';
import { frozenAt } from '../../gate/freeze.js';
import { type Soak, checkSoak } from './soak.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  const sha = inputs.sha ?? (process.env.GITHUB_SHA || '').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new ConfigurationError(
      'Input "sha" is required outside a workflow run (GITHUB_SHA is not set). Example: sha: ${{ github.sha }}',
    );
  const repository = inputs.repository ?? process.env.GITHUB_REPOSITORY ?? '';
  if (!repository)
    throw new ConfigurationError(
      'Input "repository" is required outside a workflow run (GITHUB_REPOSITORY is not set). Example: repository: octo-org/app',
    );
  const apiUrl = inputs.apiUrl?.href ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
  await checkFreeze(inputs.environment, inputs.freeze, inputs.freezeBypassReason, Date.now());
  if (!inputs.checkDeployment) {
    core.info(`check-deployment: false — only the freeze windows were checked for ${inputs.environment}.`);
    return;
  }

  const client = githubClient({ token: inputs.token, apiUrl, log: core.info });
  const short = sha.slice(0, 12);
  const search = await core.group(`Deployments of ${short} to ${inputs.environment}`, async () => {
    const result = await findSuccessfulDeployment(client, {
      repository,
      sha,
      environment: inputs.environment,
      workflow: inputs.workflow,
    });
    for (const e of result.examined)
      core.info(
        `deployment ${e.deployment.id} from ${e.deployment.ref} at ${e.deployment.created_at}: ${e.verdict}${e.reason ? ` — ${e.reason}` : ''} (${e.states.join(' ← ') || 'no status'})`,
      );
    return result;
  });

  const found = search.found;
  const soak: Soak | undefined =
    found && inputs.minAge !== undefined
      ? await core.group(`Soak time on ${inputs.environment}`, () =>
          checkSoak(client, {
            repository,
            environment: inputs.environment,
            found,
            minAgeMs: inputs.minAge as number,
            now: Date.now(),
          }),
        )
      : undefined;

  await writeSummary((summary) => {
    summary.addHeading(`require-deployment: ${inputs.environment}`, 3);
    summary.addRaw(
      search.found
        ? `Commit \`${short}\` was deployed to **${inputs.environment}** successfully (deployment ${search.found.deployment.id}, ${search.found.success.created_at}).\n\n`
        : `Commit \`${short}\` has **no successful deployment** to ${inputs.environment}: nothing was deployed.\n\n`,
    );
    if (soak) summary.addRaw(`${soak.ok ? '✅' : '❌'} Soak time: ${escapeHtml(soak.message)}.\n\n`);
    if (search.examined.length)
      summary.addTable(
        table(
          ['deployment', 'ref', 'created', 'result', 'statuses (latest first)'],
          search.examined.map((e) => [
            String(e.deployment.id),
            e.deployment.ref,
            e.deployment.created_at,
            e.reason ? `${e.verdict}: ${escapeHtml(e.reason)}` : e.verdict,
            e.states.join(' ← '),
          ]),
        ),
      );
  });

  if (!search.found) {
    const refused = search.examined.filter((e) => e.reason);
    const seen = search.examined.length
      ? `its ${search.examined.length} deployment(s) there did not succeed (${search.examined.map((e) => e.verdict).join(', ')})`
      : 'it was never deployed there';
    const why = refused.length
      ? ` Refused as not made by a successful run of ${inputs.workflow} on this commit: ${refused.map((e) => `deployment ${e.deployment.id} — ${e.reason}`).join('; ')}.`
      : '';
    throw new KitError(
      `Commit ${short} has no successful deployment to the ${inputs.environment} environment: ${seen}.${why} Deploy this commit to ${inputs.environment} first (push it to the staging branch), then re-run this workflow.`,
    );
  }
  setOutputs(spec, {
    'live-ms': soak?.liveMs,
    'deployment-id': search.found.deployment.id,
    'environment-url': search.found.success.environment_url || undefined,
    'deployed-at': search.found.success.created_at,
    ref: search.found.deployment.ref,
  });
  if (soak && !soak.ok) throw new KitError(`Commit ${short} has not soaked on ${inputs.environment}: ${soak.message}.`);
  core.info(
    `Commit ${short} was deployed to ${inputs.environment} successfully (deployment ${search.found.deployment.id})${soak ? `; ${soak.message}` : ''}.`,
  );
}

/** Refuses inside a freeze window (before any API call) unless a bypass reason is given, which is recorded. */
async function checkFreeze(
  environment: string,
  windows: Parameters<typeof frozenAt>[0],
  bypassReason: string | undefined,
  now: number,
): Promise<void> {
  const verdict = frozenAt(windows, now);
  setOutputs(spec, { freeze: verdict?.window.text ?? '', 'freeze-bypassed': verdict ? (bypassReason ?? '') : '' });
  if (!verdict) {
    if (windows.length) core.info(`No freeze window is open now (${windows.map((w) => w.text).join('; ')}).`);
    return;
  }
  const where = `it is ${verdict.localNow}, inside the freeze window "${verdict.window.text}" (until ${verdict.until})`;
  await writeSummary((summary) => {
    summary.addHeading(`require-deployment: ${environment}`, 3);
    summary.addRaw(
      bypassReason
        ? `⚠️ **Freeze bypassed**: ${escapeHtml(where)}. Reason given: ${escapeHtml(bypassReason)}\n\n`
        : `❄️ **Deploys to ${escapeHtml(environment)} are frozen**: ${escapeHtml(where)}.\n\n`,
    );
  });
  if (!bypassReason)
    throw new KitError(
      `Deploys to ${environment} are frozen: ${where}. To deploy anyway, set freeze-bypass-reason to why (it is recorded).`,
    );
  core.warning(`Freeze bypassed: ${where}. Reason: ${bypassReason}`, { title: 'Freeze bypassed' });
}
