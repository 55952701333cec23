/** Where each action's files live; the one place that knows the layout (docs/design.md "Layout"). */
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ActionSpec } from '../src/lib/action-spec.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every action: a folder under src/actions with an index.ts entry and a spec.ts. */
export function actionNames(): string[] {
  const dir = path.join(ROOT, 'src/actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function loadSpec(name: string): Promise<ActionSpec> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'src/actions', name, 'spec.ts')).href)) as {
    spec?: ActionSpec;
  };
  if (!module.spec) throw new Error(`src/actions/${name}/spec.ts must export "spec"`);
  if (module.spec.name !== name) throw new Error(`src/actions/${name}/spec.ts names itself "${module.spec.name}"`);
  return module.spec;
}

/** The action.yml files for an action (the umbrella deploy action has two) and their README. */
export function metadataFiles(name: string): { actionYml: string[]; readme: string } {
  if (name === 'deploy') return { actionYml: ['action.yml', 'deploy/action.yml'], readme: 'deploy/README.md' };
  return { actionYml: [`actions/${name}/action.yml`], readme: `actions/${name}/README.md` };
}

/** `runs.main` as seen from an action.yml's folder. */
export function bundlePath(actionYml: string, name: string): string {
  const depth = actionYml.split('/').length - 1;
  return `${'../'.repeat(depth)}dist/${name}/index.js`;
}

/** The placeholder pin the READMEs show (README "Production safety": a full commit SHA, the version in a comment). */
export const PINNED = '0000000000000000000000000000000000000000 # v1.0.0';

export const usesRef = (name: string): string =>
  name === 'deploy' ? `org/deploy-kit/deploy@${PINNED}` : `org/deploy-kit/actions/${name}@${PINNED}`;
