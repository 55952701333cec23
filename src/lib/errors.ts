/**
 * Errors the user can act on print as they are (no stack, no "bug" prefix).
 * ConfigurationError: an input is wrong; nothing was changed.
 * KitError: the action ran and found a problem the user must look at
 * (a failed smoke test, a rejected token, a migration error).
 * Anything else is a bug in deploy-kit and is reported as one.
 */
export class KitError extends Error {
  override name = 'KitError';
}

export class ConfigurationError extends KitError {
  override name = 'ConfigurationError';
}

/** A readable message from anything that was thrown, including non-Error values. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
