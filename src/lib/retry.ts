export interface RetryOptions {
  attempts: number;
  /** First backoff; doubles each attempt, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Return false to stop retrying (the error is not transient). */
  retryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Following a platform's deployment: poll from 500 ms, 1.5× longer each time, at most every 5 s. */
export const POLL_FIRST_MS = 500;
export const nextPoll = (delayMs: number): number => Math.min(5000, Math.round(delayMs * 1.5));

/** Runs fn until it succeeds, with exponential backoff. Only for steps that are safe to repeat. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, baseDelayMs = 1000, maxDelayMs = 30_000, retryable = () => true } = options;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}
