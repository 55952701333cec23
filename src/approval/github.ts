/**
 * What the approval logic needs around the kit's one GitHub client (src/github/rest.ts): the
 * repository it works on, its `/repos/{owner}/{repo}` path, and "404 means there is none".
 */
import { GitHubApiError, type GitHubClient } from '../github/rest.js';

export type { GitHubClient };

export interface Repo {
  owner: string;
  repo: string;
}

/** `/repos/{owner}/{repo}` followed by rest (which the caller encodes). */
export const repoPath = (repo: Repo, rest = ''): string =>
  `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}${rest}`;

/** The HTTP status GitHub answered, or undefined for anything else (no answer, a bug). */
export function httpStatus(error: unknown): number | undefined {
  return error instanceof GitHubApiError ? error.status : undefined;
}

/** Runs a GET that answers 404 for "there is none", and returns undefined then. */
export async function orNotFound<T>(request: Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await request).data;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

/** The fields of GitHub's answers the approval logic reads (schemas "issue", "deployment", "deployment-status"). */
export interface IssueJson {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  user: { login: string } | null;
  pull_request?: unknown;
}

export interface DeploymentJson {
  id: number;
  sha: string;
  ref: string;
  payload: unknown;
}

export interface DeploymentStatusJson {
  id: number;
  state: string;
  created_at: string;
}
