/**
 * Render's deploy statuses in the kit's three words, and Render's refusals in the kit's
 * words. Statuses: types_gen.go:593-605; complete and successful as render-oss/cli decides
 * (pkg/deploy/util.go:20-46 IsComplete / IsSuccessful).
 */
import { KitError } from '../../lib/errors.js';
import { type DeploymentPhase, tokenRejectedMessage } from '../provider.js';
import { type DeployStatus, RenderRejected, TOKEN_HELP } from './api.js';

export const PHASES: Record<DeployStatus, DeploymentPhase> = {
  created: 'in-progress',
  queued: 'in-progress',
  build_in_progress: 'in-progress',
  update_in_progress: 'in-progress',
  pre_deploy_in_progress: 'in-progress',
  live: 'succeeded',
  // Went live, then a newer deploy replaced it: the CLI counts it successful (util.go IsSuccessful).
  deactivated: 'succeeded',
  build_failed: 'failed',
  update_failed: 'failed',
  pre_deploy_failed: 'failed',
  canceled: 'failed',
};

/** After these a deploy does not change by itself (util.go IsComplete). */
export const SETTLED = new Set<string>([
  'live',
  'deactivated',
  'build_failed',
  'update_failed',
  'pre_deploy_failed',
  'canceled',
]);

/**
 * A rejected key names `token` and RENDER_API_KEY; a 404 on the service names `service-id`.
 * Anything not a RenderRejected is returned as it is.
 */
export function explainRejection(error: unknown, serviceId: string, onService: boolean): unknown {
  if (!(error instanceof RenderRejected)) return error;
  if (error.status === 401)
    return new KitError(tokenRejectedMessage({ title: 'Render', tokenHelp: TOKEN_HELP }, `HTTP 401: ${error.message}`));
  if (error.status === 403)
    return new KitError(
      `Render refused access to service ${serviceId} (HTTP 403: ${error.message}): the API key works, but its owner cannot deploy this service. Check the \`token\` input (RENDER_API_KEY) and \`service-id\`.`,
    );
  if (error.status === 404 && onService)
    return new KitError(
      `Render has no service ${serviceId} that this API key can see (HTTP 404: ${error.message}). Check the \`service-id\` input (srv-…, in the service's dashboard URL) and that RENDER_API_KEY belongs to its workspace.`,
    );
  return new KitError(`Render refused the request (HTTP ${error.status}): ${error.message}`);
}
