/**
 * Generates the metadata, then bundles every action with ncc into dist/<name>/index.js,
 * the deploy-kit command (src/cli/index.ts) into dist/cli/index.js, and @actions/cache on its
 * own into dist/runner-cache/index.js and @actions/artifact into dist/runner-artifact/index.js
 * (src/runner-cache/index.ts and src/runner-artifact/index.ts say why).
 *   npm run build [-- name …]     (name: an action, cli, runner-cache or runner-artifact)
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, actionNames } from './actions.js';

/** Bundled like actions, from their own entries, but not actions (no action.yml). */
const BUNDLES = ['cli', 'runner-cache', 'runner-artifact'];
const entryDir = (name: string) => path.join(ROOT, BUNDLES.includes(name) ? `src/${name}` : `src/actions/${name}`);

/**
 * Minified: a third less to parse at every cold start. An entry folder with its own
 * tsconfig.json (a paths mapping, e.g. to src/lib/no-http-client.ts or no-undici.ts) is built from that
 * folder, because ncc reads `paths` from the tsconfig.json in its working directory.
 */
function ncc(name: string): Promise<void> {
  const out = path.join(ROOT, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  const dir = entryDir(name);
  const cwd = existsSync(path.join(dir, 'tsconfig.json')) ? dir : ROOT;
  const args = ['build', path.join(dir, 'index.ts'), '-o', out, '--target', 'es2022', '--minify', '--quiet'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), ...args], {
      cwd,
      stdio: 'inherit',
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ncc failed for ${name} (exit ${code})`))));
  });
}

async function main() {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const names = requested.length ? requested : [...actionNames(), ...BUNDLES];
  const generate = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/generate-metadata.ts'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  await new Promise((resolve, reject) =>
    generate.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error('generate failed')))),
  );
  // Two at a time: the machines here have two cores.
  const queue = [...names];
  const started = Date.now();
  await Promise.all(
    [0, 1].map(async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        await ncc(name);
        console.log(`bundled dist/${name}/index.js`);
      }
    }),
  );
  console.log(`built ${names.length} bundles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
