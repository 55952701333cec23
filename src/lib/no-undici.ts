/**
 * Stands in for the undici package in the bundles of actions that need @actions/http-client
 * (tool-cache downloads a platform CLI with it) but never a proxy dispatcher: http-client
 * imports undici only for getAgentDispatcher(), which @actions/github alone calls. undici's
 * load was a third of such an action's cold start (deploy-railway: 103 → 67 ms, floor 32 ms).
 * An action opts in with a tsconfig.json beside its index.ts mapping `undici` here, as for
 * src/lib/no-http-client.ts (scripts/build.ts); not one bundling @actions/artifact (backup-db).
 */
export class ProxyAgent {
  constructor() {
    throw new Error('This deploy-kit action is bundled without undici (no proxy dispatcher for fetch).');
  }
}
