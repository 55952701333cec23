/**
 * Where a finished backup goes after it is written: a workflow artifact when running in
 * GitHub Actions, else it stays where it is. Kept apart from the dump so another
 * destination (S3) is one more function here, not a change to the pipeline.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';
import { type RunnerArtifact, loadRunnerArtifact } from '../lib/runner-bundles.js';

type DefaultArtifactClient = InstanceType<RunnerArtifact['DefaultArtifactClient']>;

export interface UploadResult {
  artifactId?: number;
  artifactName?: string;
  /** A sentence for the log and summary. */
  where: string;
}

/** The artifact service is only reachable from a job (the runner gives the job this token). */
export const artifactServiceAvailable = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);

export async function uploadArtifact(
  backupPath: string,
  options: { retentionDays?: number; client?: Pick<DefaultArtifactClient, 'uploadArtifact'> },
): Promise<UploadResult> {
  // Loaded here, from its own bundle (dist/runner-artifact): @actions/artifact, and the undici
  // its @actions/github needs, cost every start of backup-db (issue 17).
  const client = options.client ?? new (await loadRunnerArtifact()).DefaultArtifactClient();
  const isDirectory = statSync(backupPath).isDirectory();
  const name = path.basename(backupPath);
  try {
    const response = isDirectory
      ? await client.uploadArtifact(
          name,
          readdirSync(backupPath).map((f) => path.join(backupPath, f)),
          backupPath,
          // A dump is compressed already: zipping it again only costs time.
          { retentionDays: options.retentionDays, compressionLevel: 0 },
        )
      : // One file: uploaded as it is (no zip around it), named after the file.
        await client.uploadArtifact(name, [backupPath], path.dirname(backupPath), {
          retentionDays: options.retentionDays,
          skipArchive: true,
        });
    return {
      artifactId: response.id,
      artifactName: name,
      where: `uploaded as the workflow artifact "${name}"${response.id ? ` (id ${response.id})` : ''}${options.retentionDays ? `, kept ${options.retentionDays} days` : ''}; also at ${backupPath} until the job ends`,
    };
  } catch (error) {
    throw new KitError(
      `The backup was written to ${backupPath}, but uploading it as a workflow artifact failed: ${errorMessage(error)}`,
    );
  }
}
