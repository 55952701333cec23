/**
 * The dependency download cache: each package manager's own cache folder, restored before
 * the commands and saved after them with @actions/cache, keyed on the lockfile's hash and
 * the runner OS. The cache only ever speeds the gate up: a miss or a cache service that is
 * not there is a warning, never a failure.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { RunOptions, RunResult } from '../lib/exec.js';

export const MANAGERS = ['npm', 'pnpm', 'yarn', 'pip', 'uv', 'poetry'] as const;
export type Manager = (typeof MANAGERS)[number];
export type CacheSetting = Manager | 'auto' | 'none';

/** The lockfiles that identify each manager, in the order `auto` looks for them. */
const LOCKFILES: Record<Manager, (names: string[]) => string[]> = {
  pnpm: (names) => names.filter((n) => n === 'pnpm-lock.yaml'),
  yarn: (names) => names.filter((n) => n === 'yarn.lock'),
  npm: (names) => names.filter((n) => n === 'package-lock.json' || n === 'npm-shrinkwrap.json'),
  uv: (names) => names.filter((n) => n === 'uv.lock'),
  poetry: (names) => names.filter((n) => n === 'poetry.lock'),
  pip: (names) => names.filter((n) => /^requirements.*\.txt$/.test(n)).sort(),
};

export interface CachePlan {
  manager: Manager;
  lockfiles: string[];
  key: string;
  restoreKeys: string[];
  paths: string[];
  /** How the folder was found: asked the tool, or its documented default. */
  pathSource: string;
}

export interface CacheApi {
  isFeatureAvailable(): Promise<boolean>;
  restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface CacheDeps {
  cache: CacheApi;
  run: (command: string, args: string[], options: RunOptions) => Promise<RunResult>;
  info: (line: string) => void;
  warning: (line: string) => void;
}

export interface CacheContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
}

export interface CacheOutcome {
  manager: Manager;
  /** hit: the exact key; partial: an older cache of the same manager; miss; unavailable. */
  restore: 'hit' | 'partial' | 'miss' | 'unavailable' | 'failed';
  save?: 'saved' | 'not needed' | 'nothing to save' | 'failed';
  key: string;
  paths: string[];
  note?: string;
}

/** Which managers' lockfiles are in the directory (for `auto`), or the one the user named. */
export function detectManagers(setting: CacheSetting, cwd: string): Array<{ manager: Manager; lockfiles: string[] }> {
  if (setting === 'none') return [];
  let names: string[];
  try {
    names = readdirSync(cwd);
  } catch {
    names = [];
  }
  const wanted = setting === 'auto' ? (Object.keys(LOCKFILES) as Manager[]) : [setting];
  return wanted
    .map((manager) => ({ manager, lockfiles: LOCKFILES[manager](names) }))
    .filter((found) => setting !== 'auto' || found.lockfiles.length > 0);
}

export function cacheKey(
  manager: Manager,
  lockfiles: string[],
  context: CacheContext,
): { key: string; prefix: string } {
  const hash = createHash('sha256');
  for (const file of lockfiles) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(context.cwd, file)));
  }
  const prefix = `deploy-kit-test-gate-${manager}-${context.env.RUNNER_OS || context.platform}-${context.arch}-`;
  return { key: prefix + hash.digest('hex'), prefix };
}

/** Where each manager keeps its downloads: the tool's answer when it is installed, else its documented default. */
async function cacheFolder(manager: Manager, context: CacheContext, deps: CacheDeps): Promise<[string, string]> {
  const ask: Record<Manager, [string, string[]]> = {
    npm: ['npm', ['config', 'get', 'cache']],
    pnpm: ['pnpm', ['store', 'path', '--silent']],
    yarn: existsSync(path.join(context.cwd, '.yarnrc.yml'))
      ? ['yarn', ['config', 'get', 'cacheFolder']]
      : ['yarn', ['cache', 'dir']],
    pip: ['pip', ['cache', 'dir']],
    uv: ['uv', ['cache', 'dir']],
    poetry: ['poetry', ['config', 'cache-dir']],
  };
  const [command, args] = ask[manager];
  try {
    const result = await deps.run(command, args, { cwd: context.cwd, env: context.env, timeoutMs: 15_000 });
    const answer = result.stdout.trim().split(/\r?\n/).at(-1)?.trim();
    if (result.exitCode === 0 && answer && path.isAbsolute(answer)) return [answer, `\`${command} ${args.join(' ')}\``];
  } catch {
    // not installed yet (a later command may install it): use the default below
  }
  return [defaultFolder(manager, context), `the default (${command} is not installed yet)`];
}

/** The folders the managers document as their default cache, honouring their variables. */
export function defaultFolder(manager: Manager, { env, platform }: CacheContext): string {
  const home = env.HOME || homedir();
  const local = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  const xdgCache = env.XDG_CACHE_HOME || path.join(home, '.cache');
  const macCaches = path.join(home, 'Library', 'Caches');
  const pick = (linux: string, mac: string, windows: string) =>
    platform === 'win32' ? windows : platform === 'darwin' ? mac : linux;
  switch (manager) {
    case 'npm':
      return (
        env.npm_config_cache || pick(path.join(home, '.npm'), path.join(home, '.npm'), path.join(local, 'npm-cache'))
      );
    case 'pnpm':
      return (
        env.npm_config_store_dir ||
        pick(
          path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'pnpm', 'store'),
          path.join(home, 'Library', 'pnpm', 'store'),
          path.join(local, 'pnpm', 'store'),
        )
      );
    case 'yarn':
      return (
        env.YARN_CACHE_FOLDER ||
        pick(path.join(xdgCache, 'yarn'), path.join(macCaches, 'Yarn'), path.join(local, 'Yarn', 'Cache'))
      );
    case 'pip':
      return (
        env.PIP_CACHE_DIR ||
        pick(path.join(xdgCache, 'pip'), path.join(macCaches, 'pip'), path.join(local, 'pip', 'Cache'))
      );
    case 'uv':
      return (
        env.UV_CACHE_DIR || pick(path.join(xdgCache, 'uv'), path.join(xdgCache, 'uv'), path.join(local, 'uv', 'cache'))
      );
    case 'poetry':
      return (
        env.POETRY_CACHE_DIR ||
        pick(path.join(xdgCache, 'pypoetry'), path.join(macCaches, 'pypoetry'), path.join(local, 'pypoetry', 'Cache'))
      );
  }
}

/**
 * Restores the caches the setting asks for. Returns the plans to save after the commands
 * (empty when the cache service is not there).
 */
export async function restoreCaches(
  setting: CacheSetting,
  context: CacheContext,
  deps: CacheDeps,
): Promise<{ plans: CachePlan[]; outcomes: CacheOutcome[] }> {
  const found = detectManagers(setting, context.cwd);
  if (found.length === 0) {
    if (setting === 'auto')
      deps.info(
        `cache: auto found no lockfile in ${context.cwd} (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, requirements*.txt, uv.lock, poetry.lock); nothing is cached.`,
      );
    return { plans: [], outcomes: [] };
  }
  const outcomes: CacheOutcome[] = [];
  const plans: CachePlan[] = [];
  const available = await deps.cache.isFeatureAvailable();
  for (const { manager, lockfiles } of found) {
    if (lockfiles.length === 0) {
      deps.warning(
        `cache: ${manager} was asked for, but its lockfile is not in ${context.cwd}; nothing is cached. Commit the lockfile so the cache has a key.`,
      );
      continue;
    }
    const { key, prefix } = cacheKey(manager, lockfiles, context);
    if (setting === 'auto') deps.info(`cache: auto detected ${manager} from ${lockfiles.join(', ')}`);
    if (!available) {
      deps.warning(
        `cache: the GitHub Actions cache service is not available here (as outside GitHub or on a runner without it), so ${manager}'s dependencies are not cached. The gate runs on without it.`,
      );
      outcomes.push({ manager, restore: 'unavailable', key, paths: [] });
      continue;
    }
    const [folder, source] = await cacheFolder(manager, context, deps);
    const plan: CachePlan = { manager, lockfiles, key, restoreKeys: [prefix], paths: [folder], pathSource: source };
    deps.info(`cache: ${manager} folder ${folder} (from ${source}), key ${key}`);
    let matched: string | undefined;
    try {
      matched = await deps.cache.restoreCache(plan.paths, key, plan.restoreKeys);
    } catch (error) {
      deps.warning(
        `cache: restoring ${manager}'s cache failed (${(error as Error).message}); the gate runs on without it.`,
      );
      outcomes.push({ manager, restore: 'failed', key, paths: plan.paths });
      plans.push(plan);
      continue;
    }
    const restore = matched === key ? 'hit' : matched ? 'partial' : 'miss';
    if (restore === 'miss')
      deps.warning(
        `cache: no ${manager} cache for ${lockfiles.join(', ')} yet (key ${key}); it is saved after this run.`,
      );
    else deps.info(`cache: restored ${manager} from ${matched}`);
    outcomes.push({ manager, restore, key, paths: plan.paths, note: matched && matched !== key ? matched : undefined });
    plans.push(plan);
  }
  return { plans, outcomes };
}

/** Saves what the commands downloaded, for every cache that was not an exact hit. */
export async function saveCaches(plans: CachePlan[], outcomes: CacheOutcome[], deps: CacheDeps): Promise<void> {
  for (const plan of plans) {
    const outcome = outcomes.find((o) => o.manager === plan.manager);
    if (!outcome) continue;
    if (outcome.restore === 'hit') {
      outcome.save = 'not needed';
      continue;
    }
    const existing = plan.paths.filter((p) => existsSync(p));
    if (existing.length === 0) {
      outcome.save = 'nothing to save';
      deps.info(
        `cache: ${plan.paths.join(', ')} does not exist after the commands; nothing to save for ${plan.manager}.`,
      );
      continue;
    }
    try {
      const id = await deps.cache.saveCache(existing, plan.key);
      outcome.save = id === -1 ? 'failed' : 'saved';
      if (id === -1)
        deps.warning(`cache: saving ${plan.manager}'s cache did not succeed; the next run downloads again.`);
      else deps.info(`cache: saved ${plan.manager} as ${plan.key}`);
    } catch (error) {
      outcome.save = 'failed';
      deps.warning(
        `cache: saving ${plan.manager}'s cache failed (${(error as Error).message}); the next run downloads again.`,
      );
    }
  }
}
