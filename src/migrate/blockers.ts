/**
 * Who a statement waits for. When `lock_timeout` cancels a statement the wait is over and
 * PostgreSQL no longer says who held the lock, so while a statement runs longer than a
 * moment a second session samples pg_blocking_pids() and pg_stat_activity for it.
 */
import type { Queryable } from './queryable.js';

export interface Monitor extends Queryable {
  end(): Promise<void>;
}

export interface BlockerWatch {
  start(pid: number): { stop(): Promise<string[]> };
  close(): Promise<void>;
}

const FIRST_SAMPLE_MS = 200;
const SAMPLE_EVERY_MS = 250;

export function blockerWatch(openMonitor: () => Promise<Monitor>): BlockerWatch {
  let monitor: Promise<Monitor> | undefined;
  const sample = async (pid: number): Promise<string[]> => {
    monitor ??= openMonitor();
    const db = await monitor;
    const result = await db.query<{
      pid: number;
      usename: string | null;
      application_name: string;
      state: string | null;
      query: string | null;
      age: string | null;
    }>(
      `SELECT pid, usename, application_name, state, left(query, 300) AS query,
              date_trunc('second', now() - coalesce(xact_start, query_start))::text AS age
         FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids($1)) ORDER BY pid`,
      [pid],
    );
    return result.rows.map(
      (r) =>
        `server process ${r.pid} (${r.application_name ? `"${r.application_name}", ` : ''}user ${r.usename ?? '?'}, ` +
        `${r.state ?? 'unknown state'}${r.age ? ` for ${r.age}` : ''}, ${r.state === 'active' ? 'running' : 'last query'}: ` +
        `${literalsHidden(r.query ?? '') || '(none)'})`,
    );
  };
  return {
    start(pid) {
      let last: string[] = [];
      let stopped = false;
      let running: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        running = sample(pid)
          .then((found) => {
            if (found.length) last = found;
          })
          .catch(() => undefined)
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, SAMPLE_EVERY_MS);
          });
      };
      timer = setTimeout(tick, FIRST_SAMPLE_MS);
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
          return last;
        },
      };
    },
    async close() {
      if (monitor) await (await monitor.catch(() => undefined))?.end().catch(() => undefined);
    },
  };
}

/**
 * Another session's query, on one line, its string literals elided: what it does matters
 * here, not the values it carries (which may be data, or a password).
 */
export function literalsHidden(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** For a dry run and tests: never samples. */
export const noWatch: BlockerWatch = {
  start: () => ({ stop: async () => [] }),
  close: async () => undefined,
};
