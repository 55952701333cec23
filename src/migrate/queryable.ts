export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The run's session (a pg Client): its server process id (for pg_blocking_pids), and the
 * protocol messages through which a query string's completed statements are counted.
 */
export interface Session extends Queryable {
  processID?: number;
  connection: {
    on(event: 'commandComplete', listener: () => void): unknown;
    removeListener(event: 'commandComplete', listener: () => void): unknown;
  };
}

/** A string as an SQL literal (what pg's escapeLiteral does: '' doubled, E'…' when it holds a backslash). */
export function sqlLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
  return value.includes('\\') ? ` E${quoted}` : quoted;
}
