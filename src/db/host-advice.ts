/**
 * The database hosts a GitHub-hosted runner cannot reach or use, told apart by name alone
 * (no lookup), each with the URL to use instead (facts and sources: docs/platforms.md §8):
 * Supabase's direct host (IPv6 only; hosted runners have no IPv6), Supabase's transaction
 * pooler (port 6543: no session, so pg_dump and session locks break), Railway's private
 * `*.railway.internal` and Render's internal `dpg-…` hostnames.
 */
export type HostKind = 'supabase-direct' | 'supabase-transaction-pooler' | 'railway-internal' | 'render-internal';

export interface HostAdvice {
  kind: HostKind;
  /** What this host is, and why a runner cannot use it. */
  what: string;
  /** The URL to use instead, and where to find it. */
  fix: string;
  /** Unusable even when it answers (the transaction pooler): refused without connecting. */
  unusable: boolean;
}

/** Which of the known unreachable or unusable hosts this is, if any. Pure: no lookup. */
export function classifyDatabaseHost(hostname: string, port: number): HostAdvice | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const direct = /^db\.([a-z0-9]+)\.supabase\.co$/.exec(host);
  if (direct)
    return {
      kind: 'supabase-direct',
      what: `the host ${host} is Supabase's direct host, which has an IPv6 address only (unless the project bought the IPv4 add-on), and GitHub's hosted runners have no IPv6 route`,
      fix: `Use the session pooler URL instead (Supabase dashboard → Connect → Session pooler): postgres://postgres.${direct[1]}:<password>@aws-<n>-<region>.pooler.supabase.com:5432/postgres — port 5432, user postgres.${direct[1]}.`,
      unusable: false,
    };
  if (/\.pooler\.supabase\.com$/.test(host) && port === 6543)
    return {
      kind: 'supabase-transaction-pooler',
      what: `port 6543 on ${host} is Supabase's transaction pooler, which hands each transaction to another server session: pg_dump, session settings and the migration lock do not work through it`,
      fix: `Use the session pooler instead: the same URL with port 5432 (Supabase dashboard → Connect → Session pooler).`,
      unusable: true,
    };
  if (/(^|\.)railway\.internal$/.test(host))
    return {
      kind: 'railway-internal',
      what: `the host ${host} is a Railway private-network name, which resolves only inside the Railway project`,
      fix: `Use the public TCP proxy URL instead: the database service's DATABASE_PUBLIC_URL variable (Railway → the database → Variables; a host like <name>.proxy.rlwy.net with its own port).`,
      unusable: false,
    };
  if (/^dpg-[a-z0-9]+(-[a-z0-9]+)*$/.test(host))
    return {
      kind: 'render-internal',
      what: `the host ${host} is a Render internal hostname, which resolves only inside Render's private network`,
      fix: `Use the External Database URL instead (Render dashboard → the database → Connect → External): host ${host}.<region>-postgres.render.com, e.g. ${host}.oregon-postgres.render.com.`,
      unusable: false,
    };
  return undefined;
}

export const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** For a failed connection: what the host is and the fix, when it is one of the known ones. */
export function hostHint(hostname: string, port: number): string {
  const advice = classifyDatabaseHost(hostname, port);
  return advice ? ` ${capitalize(advice.what)}. ${advice.fix}` : '';
}
