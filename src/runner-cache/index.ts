/**
 * @actions/cache, bundled on its own into dist/runner-cache/index.js and imported at run
 * time by actions that use the runner's cache service only now and then (test-gate, and the
 * platform CLI installer of src/providers/cli.ts).
 * Bundled with them, it (and @actions/http-client's undici, which @actions/core would then
 * load at every start) cost every run ~80 ms CPU of start-up, cache or no cache
 * (bench/test-gate.bench.ts). Load it with loadRunnerCache() from src/lib/runner-bundles.ts.
 */
export { isFeatureAvailable, restoreCache, saveCache } from '@actions/cache';
