import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { type Inputs, readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError } from '../../lib/errors.js';
import { escapeHtml, table, writeSummary } from '../../lib/summary.js';
import type { Repo } from '../../approval/github.js';
import { githubClient } from '../../github/rest.js';
import { openReleaseIssue } from '../../approval/open.js';
import { type CommentEvent, checkComment } from '../../approval/check.js';
import { reportOutcome } from '../../approval/report.js';
import { claimApproval } from '../../approval/claim.js';
import { workflowPathOf } from '../../approval/verify.js';
import { spec } from './spec.js';

type ApprovalInputs = Inputs<typeof spec>;

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  const repo = currentRepo();
  const runUrl = runLink();
  const serverUrl = process.env.GITHUB_SERVER_URL || 'https://github.com';
  const apiUrl = inputs.apiUrl || process.env.GITHUB_API_URL || 'https://api.github.com';
  if (!inputs.token) throw new ConfigurationError('Input "token" is empty: pass ${{ github.token }} or a token.');

  if (inputs.mode === 'open') {
    const { tag, sha } = releaseTarget(inputs);
    requireApprovers(inputs);
    const github = githubClient({ token: inputs.token, apiUrl, log: core.info });
    const result = await openReleaseIssue(
      github,
      repo,
      {
        tag,
        sha,
        environment: inputs.environment,
        approvers: inputs.approvers,
        plan: inputs.plan,
        soak: inputs.soak,
        migrationsDirectory: inputs.migrationsDirectory,
        label: inputs.label,
        runUrl,
        runId: Number(process.env.GITHUB_RUN_ID) || undefined,
        issueAuthor: inputs.issueAuthor,
        serverUrl,
      },
      core.info,
    );
    setOutputs(spec, {
      tag,
      sha,
      'issue-number': result.issueNumber,
      'issue-url': result.issueUrl,
      state: result.state,
    });
    if (result.action === 'decided')
      core.notice(
        `Release ${tag} was already ${result.state} (#${result.issueNumber}); push a new tag to release again.`,
      );
    await writeSummary((s) => {
      s.addHeading(`Release ${tag}: waiting for /approve`, 3).addTable(
        table(
          ['release issue', 'commit', 'state', 'commits since the last release'],
          [[result.issueUrl, sha.slice(0, 7), result.state, result.commitCount ?? '—']],
        ),
      );
      if (inputs.soak) s.addRaw(`\nSoak time: ${escapeHtml(inputs.soak)}.\n`);
    });
    return;
  }

  if (inputs.mode === 'check') {
    requireApprovers(inputs);
    const event = readCommentEvent();
    const github = githubClient({ token: inputs.token, apiUrl, log: core.info });
    const decision = await checkComment(
      github,
      repo,
      event,
      {
        approvers: inputs.approvers,
        issueAuthor: inputs.issueAuthor,
        environment: inputs.environment,
        runUrl,
        verify: { workflowPath: currentWorkflowPath(), allowSelfApproval: inputs.allowSelfApproval },
      },
      core.info,
    );
    const record = 'record' in decision ? decision.record : undefined;
    setOutputs(spec, {
      approved: decision.decision === 'approved',
      decision: decision.decision,
      reason: decision.reason,
      tag: record?.tag,
      sha: record?.sha,
      state: record?.state,
      'issue-number': 'issueNumber' in decision ? decision.issueNumber : undefined,
      'deployment-id': decision.decision === 'approved' ? decision.deploymentId : undefined,
      approver: 'by' in decision ? decision.by : undefined,
    });
    core.info(`Decision: ${decision.decision} — ${decision.reason}`);
    await writeSummary((s) =>
      s
        .addHeading(`Release approval: ${decision.decision}`, 3)
        .addTable(
          table(
            ['release', 'commit', 'decision', 'why'],
            [[record?.tag ?? '—', record?.sha.slice(0, 7) ?? '—', decision.decision, decision.reason]],
          ),
        ),
    );
    return;
  }

  if (inputs.issueNumber === undefined)
    throw new ConfigurationError(
      `Input "issue-number" is required for mode: ${inputs.mode} (the check step's issue-number output).`,
    );
  if (inputs.mode === 'claim') {
    const claimed = await claimApproval(
      githubClient({ token: inputs.token, apiUrl, log: core.info }),
      repo,
      { issueNumber: inputs.issueNumber, runUrl, attempt: Number(process.env.GITHUB_RUN_ATTEMPT) || undefined },
      core.info,
    );
    setOutputs(spec, {
      'deployment-id': claimed.deploymentId,
      tag: claimed.tag,
      sha: claimed.sha,
      'issue-number': inputs.issueNumber,
      'approved-migrations': claimed.migrations ? JSON.stringify(claimed.migrations) : '',
    });
    return;
  }
  if (inputs.outcome === undefined)
    throw new ConfigurationError('Input "outcome" is required for mode: report (example: outcome: ${{ job.status }}).');
  const github = githubClient({ token: inputs.token, apiUrl, log: core.info });
  const result = await reportOutcome(
    github,
    repo,
    {
      issueNumber: inputs.issueNumber,
      // A production job that never started (cancelled while queued) is reported as cancelled.
      outcome: inputs.outcome === 'skipped' ? 'cancelled' : inputs.outcome,
      environmentUrl: inputs.environmentUrl,
      rolledBack: inputs.rolledBack,
      details: inputs.details,
      runUrl,
    },
    core.info,
  );
  setOutputs(spec, { state: result.state, 'deployment-id': result.deploymentId, 'issue-number': inputs.issueNumber });
}

function currentRepo(): Repo {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new ConfigurationError('GITHUB_REPOSITORY is not set: run this action in a GitHub workflow.');
  return { owner, repo };
}

/** The running workflow's file: release issues are those its own tag-push runs opened. */
function currentWorkflowPath(): string {
  const path = workflowPathOf(process.env.GITHUB_WORKFLOW_REF);
  if (!path) throw new ConfigurationError('GITHUB_WORKFLOW_REF is not set: mode: check runs in a GitHub workflow.');
  return path;
}

function runLink(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

function releaseTarget(inputs: ApprovalInputs): { tag: string; sha: string } {
  const ref = process.env.GITHUB_REF ?? '';
  const tag = inputs.tag ?? (ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined);
  if (!tag)
    throw new ConfigurationError(
      `Input "tag" is required for mode: open when the run is not for a tag (GITHUB_REF is "${ref}"). Example: tag: v1.4.0`,
    );
  const sha = inputs.sha ?? process.env.GITHUB_SHA;
  if (!sha || !/^[0-9a-f]{40}$/.test(sha))
    throw new ConfigurationError(`Input "sha" must be a full 40-character commit SHA (default: GITHUB_SHA).`);
  return { tag, sha };
}

function requireApprovers(inputs: ApprovalInputs): void {
  if (inputs.approvers.length === 0)
    throw new ConfigurationError(
      `Input "approvers" is required for mode: ${inputs.mode}: list who may approve (logins or org/team-slug), e.g. approvers: alice`,
    );
}

function readCommentEvent(): CommentEvent {
  const file = process.env.GITHUB_EVENT_PATH;
  if (process.env.GITHUB_EVENT_NAME !== 'issue_comment')
    throw new ConfigurationError(
      `mode: check runs on the issue_comment event; this run is for "${process.env.GITHUB_EVENT_NAME ?? 'unknown'}".`,
    );
  if (!file || !existsSync(file))
    throw new ConfigurationError('GITHUB_EVENT_PATH does not point at the event payload.');
  return JSON.parse(readFileSync(file, 'utf8')) as CommentEvent;
}
