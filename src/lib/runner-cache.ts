/**
 * Loads @actions/cache from its own bundle, dist/runner-cache/index.js, beside the calling
 * action's dist/<action>/index.js (see src/runner-cache/index.ts for why). The path is
 * built at run time and the import left to node (webpackIgnore), so ncc neither inlines
 * the module nor copies a file for it into the action's dist/.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type RunnerCache = typeof import('../runner-cache/index.js');

const BUNDLE = ['runner-cache', 'index.js'];

export async function loadRunnerCache(): Promise<RunnerCache> {
  const dist = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const url = pathToFileURL(path.join(dist, ...BUNDLE)).href;
  return (await import(/* webpackIgnore: true */ url)) as RunnerCache;
}
