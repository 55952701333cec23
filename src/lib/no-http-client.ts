/**
 * Stands in for @actions/http-client in the bundles of actions that never call a runner
 * service (no cache, artifact or OIDC token). @actions/core imports it only for
 * getIDToken(), and it brings undici, whose load was most of such an action's cold start
 * (measured: +70 ms CPU of a 200 ms start; see bench/smoke.bench.ts). An action opts in
 * with a tsconfig.json beside its index.ts mapping the import here (scripts/build.ts).
 */
export class HttpClient {
  constructor() {
    throw new Error('This deploy-kit action is bundled without an HTTP client for runner services (no OIDC tokens).');
  }
}
