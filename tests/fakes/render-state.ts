/**
 * The fake Render API's state: the service, its deploys, and what the next deploy does
 * (render-api.ts says where each shape comes from).
 */
export interface FakeDeploy {
  id: string;
  status: string;
  trigger: string;
  commit?: { id: string; message: string; createdAt: string };
  image?: { ref: string; sha: string };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  plan: string[];
  logs: string[];
}

export type Scenario = 'success' | 'build_failed' | 'pre_deploy_failed' | 'update_failed' | 'canceled' | 'hang';

export interface RenderState {
  apiKey: string;
  service: {
    id: string;
    name: string;
    ownerId: string;
    autoDeploy: 'yes' | 'no';
    imagePath?: string;
    url: string;
  };
  /** Newest last. */
  deploys: FakeDeploy[];
  scenario: Scenario;
  /** Answer the trigger with 202 and no body (the deploy is queued, then appears in the list). */
  queued?: boolean;
  rollback?: 'ok' | 'fail';
  /** The commits the service's repository has; a commitId not among them is refused (400). Unset: any. */
  commits?: string[];
  /** The next N requests answer 429. */
  rateLimited?: number;
  calls: Array<{ method: string; path: string; query: Record<string, string[]>; body?: unknown; auth: boolean }>;
}

export const PLANS: Record<Scenario, string[]> = {
  success: ['created', 'build_in_progress', 'pre_deploy_in_progress', 'update_in_progress', 'live'],
  build_failed: ['created', 'build_in_progress', 'build_failed'],
  pre_deploy_failed: ['created', 'build_in_progress', 'pre_deploy_in_progress', 'pre_deploy_failed'],
  update_failed: ['created', 'build_in_progress', 'update_in_progress', 'update_failed'],
  canceled: ['created', 'build_in_progress', 'canceled'],
  hang: ['created', 'build_in_progress'],
};
export const LOGS: Record<Scenario, string[]> = {
  success: [
    '==> Building...',
    '==> Build successful 🎉',
    '==> Running pre-deploy command',
    '==> Your service is live 🎉',
  ],
  build_failed: ['==> Building...', 'npm ERR! missing script: build', '==> Build failed 😞'],
  pre_deploy_failed: [
    '==> Build successful 🎉',
    '==> Running pre-deploy command: npm run migrate',
    'error: relation "users" already exists',
    '==> Pre-deploy has failed',
  ],
  update_failed: [
    '==> Build successful 🎉',
    '==> Deploying...',
    'Error: listen EADDRINUSE',
    '==> Exited with status 1',
  ],
  canceled: ['==> Building...', '==> Deploy canceled'],
  hang: ['==> Building...'],
};
export const TERMINAL = new Set([
  'live',
  'deactivated',
  'build_failed',
  'update_failed',
  'pre_deploy_failed',
  'canceled',
]);

export function existingDeploy(
  id: string,
  status: 'live' | 'deactivated' | 'build_failed',
  createdAt: string,
): FakeDeploy {
  return {
    id,
    status,
    trigger: 'new_commit',
    commit: { id: `${id.replace(/\W/g, '').padEnd(40, '0').slice(0, 40)}`, message: 'earlier', createdAt },
    createdAt,
    updatedAt: createdAt,
    finishedAt: createdAt,
    plan: [status],
    logs: ['==> Your service is live 🎉'],
  };
}

export function initialRenderState(overrides: Partial<RenderState> = {}): RenderState {
  return {
    apiKey: 'rnd_fAkEkEy0123456789abcdefGHIJ',
    service: {
      id: 'srv-d0abc123def456ghi789',
      name: 'api',
      ownerId: 'tea-c0owner000000000000',
      autoDeploy: 'no',
      url: 'https://api-x1y2.onrender.com',
    },
    deploys: [
      existingDeploy('dep-0001old', 'deactivated', '2026-11-01T10:00:00.000Z'),
      existingDeploy('dep-0002live', 'live', '2026-11-02T10:00:00.000Z'),
    ],
    scenario: 'success',
    calls: [],
    ...overrides,
  };
}
