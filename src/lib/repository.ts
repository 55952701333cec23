import { existsSync, readFileSync } from 'node:fs';

/**
 * Whether the repository the job runs for is public, from the event payload every GitHub
 * event carries (`repository.visibility`, or `repository.private` on older payloads);
 * undefined outside GitHub or when the payload does not say.
 */
export function repositoryIsPublic(env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !existsSync(file)) return undefined;
  try {
    const payload = JSON.parse(readFileSync(file, 'utf8')) as {
      repository?: { private?: unknown; visibility?: unknown };
    };
    const repo = payload.repository;
    if (typeof repo?.visibility === 'string') return repo.visibility === 'public';
    if (typeof repo?.private === 'boolean') return !repo.private;
    return undefined;
  } catch {
    return undefined;
  }
}
