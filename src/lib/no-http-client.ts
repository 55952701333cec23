/**
 * Stands in for @actions/http-client in the bundles of actions that call no runner service
 * themselves (no artifact or OIDC token; test-gate reaches the cache service through the
 * separate dist/runner-cache bundle, backup-db the artifact service through dist/runner-artifact:
 * src/lib/runner-bundles.ts). @actions/core imports it only for
 * getIDToken(), and it brings undici, whose load was most of such an action's cold start
 * (measured: +70 ms CPU of a 200 ms start; see bench/smoke.bench.ts). An action opts in
 * with a tsconfig.json beside its index.ts mapping the import here (scripts/build.ts).
 * migrate does too: it installs only squawk, with npm, so tool-cache's downloadTool, the one
 * caller of this in its bundle, never runs there.
 */
export class HttpClient {
  constructor() {
    throw new Error('This deploy-kit action is bundled without an HTTP client for runner services (no OIDC tokens).');
  }
}
