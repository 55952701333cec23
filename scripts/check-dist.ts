/**
 * The dist/ freshness check (after github/codeql-action): delete dist/, rebuild, and fail
 * on ANY `git status --porcelain` change under it, so stale, new and deleted files all
 * count; then check every action.yml: node24, and its main/post files exist.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, actionNames, metadataFiles } from './actions.js';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

export function checkActionYml(file: string): string[] {
  const problems: string[] = [];
  const doc = parse(readFileSync(path.join(ROOT, file), 'utf8')) as { runs?: Record<string, string> };
  const runs = doc.runs ?? {};
  if (runs.using !== 'node24' && runs.using !== 'composite')
    problems.push(`${file}: runs.using is ${runs.using}, expected node24`);
  for (const key of ['main', 'pre', 'post']) {
    const target = runs[key];
    if (target && !existsSync(path.join(ROOT, path.dirname(file), target)))
      problems.push(`${file}: runs.${key} ${target} does not exist`);
  }
  return problems;
}

export function main() {
  rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts']);
  const problems: string[] = [];
  const changed = run('git', [
    'status',
    '--porcelain',
    '--untracked-files=all',
    '--',
    'dist',
    'action.yml',
    'deploy',
    'actions',
  ]).trim();
  if (changed)
    problems.push(
      `dist/ or the generated metadata is not what the build writes; run npm run build and commit:\n${changed}`,
    );
  for (const name of actionNames())
    for (const file of metadataFiles(name).actionYml) problems.push(...checkActionYml(file));
  if (problems.length) {
    console.error(problems.join('\n'));
    // In CI (a clean clone) this fails. Locally it reports only: dist/ is committed after
    // the source, so a work tree mid-change is expected to differ.
    if (process.env.CI) process.exit(1);
    console.error('(not failing outside CI: build and commit dist/ before you push)');
    return;
  }
  console.log(
    `dist/ is fresh: ${actionNames().length} actions rebuilt with no change; every action.yml uses node24 and its files exist`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
