/**
 * pg, imported when a database is first used (not at the top: pg costs every start ~45 ms,
 * a refused input too; issue 17). At load, pg's lib/stream.js asks whether it runs on
 * Cloudflare Workers: `navigator.userAgent`, else `new Response(null, { cf })`. Node 20 has
 * no `navigator` (node 21 added it), so there the question loads node's whole fetch
 * implementation (undici): ~15-20 ms of every migrate start (issue 13). On node 20 a
 * navigator like node 21's stands there only while pg loads; on node 21+ nothing changes.
 */
export async function loadPg(): Promise<typeof import('pg')> {
  const global = globalThis as { navigator?: unknown };
  if (global.navigator !== undefined) return import('pg');
  global.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0]}` };
  try {
    return await import('pg');
  } finally {
    delete global.navigator;
  }
}
