/**
 * Stands in for @actions/exec in the bundles of actions that run no program through it
 * (they use src/lib/exec.ts): @actions/core imports it only for core.platform.getDetails(),
 * which deploy-kit never calls, and it brought child_process, assert and @actions/io into
 * every start (issue 17). An action opts in with a tsconfig.json beside its index.ts mapping
 * the import here, as for src/lib/no-http-client.ts (scripts/build.ts). migrate does too:
 * tool-cache calls @actions/exec only to extract an archive, and squawk installs with npm.
 */
const missing = (): never => {
  throw new Error('This deploy-kit action is bundled without @actions/exec (no core.platform.getDetails()).');
};

export const exec = missing;
export const getExecOutput = missing;
