/**
 * Loads the runner-service clients from their own bundles beside the calling action's
 * dist/<action>/index.js: dist/runner-cache (@actions/cache) and dist/runner-artifact
 * (@actions/artifact); src/runner-cache/index.ts and src/runner-artifact/index.ts say why.
 * The path is built at run time and the import left to node (webpackIgnore), so ncc
 * neither inlines the module nor copies a file for it into the action's dist/.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type RunnerCache = typeof import('../runner-cache/index.js');
export type RunnerArtifact = typeof import('../runner-artifact/index.js');

async function importBundle(name: string): Promise<unknown> {
  const dist = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const url = pathToFileURL(path.join(dist, name, 'index.js')).href;
  return import(/* webpackIgnore: true */ url);
}

export const loadRunnerCache = async (): Promise<RunnerCache> => (await importBundle('runner-cache')) as RunnerCache;

export const loadRunnerArtifact = async (): Promise<RunnerArtifact> =>
  (await importBundle('runner-artifact')) as RunnerArtifact;
