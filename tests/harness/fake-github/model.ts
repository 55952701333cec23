/** The fake GitHub's state and the types its routes share (tests/harness/fake-github.ts). */
import type { ServerResponse } from 'node:http';

export interface FakeUser {
  login: string;
  type?: 'User' | 'Bot';
  /** Base role on the repository (what the permission endpoint maps to `permission`). */
  role?: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
  /** GET /users/{username}'s id; derived from the login when unset. */
  id?: number;
}

export interface FakeCommit {
  sha: string;
  message: string;
  author: string;
  /** The files it changes (compare's `files`: filename, status). */
  files?: Array<{ filename: string; status: string }>;
}

export interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  user: string;
  pull_request: boolean;
  created_at: string;
  updated_at: string;
  /** Who last changed the body (GraphQL Issue.editor), and when; unset until edited. */
  editor?: string;
  lastEditedAt?: string;
}

export interface FakeRun {
  id: number;
  path: string;
  event: string;
  head_branch: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  actor: string;
  triggering_actor?: string;
  run_attempt?: number;
  /** Whose run (default the fake's own repository). */
  repo?: string;
  /** The reusable workflows it called: `owner/repo/.github/workflows/x.yml@ref`. */
  referenced_workflows?: Array<{ path: string; sha: string; ref?: string }>;
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  created_at: string;
  description?: string;
  environment_url?: string;
  log_url?: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  /** `deploy` unless the creator named one (the kit's release records: `deploy:release`). */
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creator: string;
  created_at: string;
  /** Newest first (answers are sorted by id, newest first, whatever the order here). */
  statuses: FakeDeploymentStatus[];
}

/** What addDeployment() is given. */
export interface DeploymentSeed {
  sha: string;
  environment: string;
  states: string[];
  repo?: string;
  ref?: string;
  payload?: unknown;
  task?: string;
  /** environment_url of a success. */
  url?: string;
  /** Who made it (default github-actions[bot], a workflow's token); a login: a personal token's record. */
  creator?: string;
  /** The job's run (made here; by default a successful push run of the staging starter calling
   * deploy-staging.yml): false for none (log_url empty), or the fields that differ. */
  run?: false | Partial<FakeRun>;
  /** The statuses' log_url instead of the run's job page. */
  logUrl?: string;
}

export interface FakeEnvironment extends Record<string, unknown> {
  branch_policies: Array<{ id: number; name: string; type: string }>;
}

export interface FakeRepo {
  deployments: FakeDeployment[];
  environments: Map<string, FakeEnvironment>;
  /** Environment secrets as stored: the sealed box, base64 — never the value. */
  secrets: Map<string, Map<string, { encrypted_value: string; key_id: string }>>;
  /** Reject required reviewers (a private repository on a plan without them). */
  noReviewers?: boolean;
  /** Default public. */
  visibility?: 'public' | 'private' | 'internal';
  /** Default main. */
  defaultBranch?: string;
  /** Classic branch protection by branch, as GET …/protection answers it. */
  protection: Map<string, Record<string, unknown>>;
  /** Ruleset rules by branch (GET …/rules/branches/{branch}). */
  rules: Map<string, Array<{ type: string; parameters?: Record<string, unknown> }>>;
}

export interface FakeAccount {
  type: 'User' | 'Organization';
  plan: string;
}

/** What a token may do: the permissions the fake checks (a GITHUB_TOKEN's `permissions:`). */
export const PERMISSIONS = [
  'actions:read',
  'deployments:read',
  'administration:write',
  'secrets:read',
  'secrets:write',
  'org:admin',
] as const;

export interface TokenGrant {
  login: string;
  permissions: Set<string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  user?: string;
  authorization?: string;
  /** The status the fake answered, and its body. */
  status?: number;
  answer?: unknown;
}

/** One request being answered, for the route handlers. */
export interface Exchange {
  method: string;
  path: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  grant: TokenGrant;
  token: string;
  res: ServerResponse;
  /** true, or answers 403 and returns false. */
  need: (permission: string) => boolean;
}
