/**
 * @actions/artifact, bundled on its own into dist/runner-artifact/index.js and imported at
 * run time by backup-db when it uploads a backup (src/db/upload.ts).
 * Bundled with backup-db, it kept undici in that action's start: @actions/artifact brings
 * @actions/github, which needs @actions/http-client's undici, and @actions/core imports
 * http-client at the top, so backup-db could not drop it (src/lib/no-http-client.ts).
 * Load it with loadRunnerArtifact() from src/lib/runner-bundles.ts.
 */
export { DefaultArtifactClient } from '@actions/artifact';
