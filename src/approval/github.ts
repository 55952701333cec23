/**
 * The GitHub REST client the approval logic takes as a dependency: @actions/github's
 * octokit, pointed at a configurable API base URL (GitHub Enterprise Server, or a fake
 * server in tests).
 */
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

export function githubClient(token: string, apiUrl: string): GitHubClient {
  return getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') });
}

/** The HTTP status of an octokit RequestError, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
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
