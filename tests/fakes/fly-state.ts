/** Starting state for the fake flyctl (fly-cli.mjs). */
import { readFileSync, writeFileSync } from 'node:fs';

export interface FlyReleaseState {
  ID: string;
  Version: number;
  Status: string;
  Description: string;
  ImageRef: string;
  CreatedAt: string;
}

export interface FlyState {
  token: string;
  apps: Record<string, { releases: FlyReleaseState[]; logs?: string[]; deploys?: number }>;
  scenario: { deploy?: string; releases?: string };
  calls: Array<{ argv: string[]; cwd: string; apiBase: string | null }>;
}

export const image = (tag: string) => `registry.fly.io/shop-api:deployment-${tag}`;

const release = (version: number, status: string, tag: string): FlyReleaseState => ({
  ID: `rel_${version}`,
  Version: version,
  Status: status,
  Description: 'Release',
  ImageRef: image(tag),
  CreatedAt: `2026-11-0${version}T10:00:00Z`,
});

export function initialFlyState(
  releases = [release(1, 'complete', 'AAA'), release(2, 'failed', 'BBB'), release(3, 'complete', 'CCC')],
): FlyState {
  return {
    token: 'fly-deploy-token-FM2_0123456789',
    apps: { 'shop-api': { releases, logs: ['listening on 0.0.0.0:8080'] } },
    scenario: {},
    calls: [],
  };
}

export const readFly = (path: string): FlyState => JSON.parse(readFileSync(path, 'utf8')) as FlyState;
export const writeFly = (path: string, state: FlyState): void => writeFileSync(path, JSON.stringify(state, null, 2));
