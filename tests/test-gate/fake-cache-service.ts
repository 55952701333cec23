/**
 * A fake of the GitHub Actions cache service (the legacy v1 API, used by @actions/cache
 * when ACTIONS_CACHE_URL is set and ACTIONS_CACHE_SERVICE_V2 is not), so the real
 * @actions/cache client, tar and zstd run end to end. Faithful to the client it serves,
 * node_modules/@actions/cache/lib/internal/cacheHttpClient.js (6.3.0):
 *  - getCacheEntry: GET {url}_apis/artifactcache/cache?keys=k1,k2&version=V → 204 when
 *    nothing matches, else 200 {cacheKey, archiveLocation} (keys are tried in order, the
 *    primary exactly, then each as a prefix, newest first, as GitHub documents key
 *    matching); archiveLocation is then fetched with a plain GET.
 *  - reserveCache: POST {url}_apis/artifactcache/caches {key, version, cacheSize} →
 *    {cacheId}; an existing key+version answers 409 (the client's ReserveCacheError).
 *  - uploadChunk: PATCH …/caches/{id} with Content-Range: bytes start-end/*.
 *  - commitCache: POST …/caches/{id} {size}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  id: number;
  key: string;
  version: string;
  chunks: Array<{ start: number; data: Buffer }>;
  archive?: Buffer;
  created: number;
}

export interface FakeCacheService {
  url: string;
  entries(): Array<{ key: string; size: number }>;
  close(): Promise<void>;
}

export async function startFakeCacheService(): Promise<FakeCacheService> {
  const entries: Entry[] = [];
  let base = '';
  const json = (response: import('node:http').ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', base);
      const api = '/_apis/artifactcache/';
      if (request.method === 'GET' && url.pathname === `${api}cache`) {
        const keys = (url.searchParams.get('keys') ?? '').split(',');
        const version = url.searchParams.get('version');
        const done = entries.filter((e) => e.archive && e.version === version).sort((a, b) => b.created - a.created);
        const [primary, ...rest] = keys;
        const found =
          done.find((e) => e.key === primary) ??
          [primary, ...rest].map((k) => done.find((e) => e.key.startsWith(k ?? '\0'))).find(Boolean);
        if (!found) return json(response, 204);
        return json(response, 200, {
          cacheKey: found.key,
          scope: 'refs/heads/main',
          archiveLocation: `${base}archives/${found.id}`,
        });
      }
      if (request.method === 'POST' && url.pathname === `${api}caches`) {
        const { key, version } = JSON.parse(body.toString('utf8')) as { key: string; version: string };
        if (entries.some((e) => e.key === key && e.version === version))
          return json(response, 409, {
            message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}`,
          });
        const entry: Entry = { id: entries.length + 1, key, version, chunks: [], created: Date.now() };
        entries.push(entry);
        return json(response, 201, { cacheId: entry.id });
      }
      const id = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname)?.[1];
      const entry = entries.find((e) => String(e.id) === id);
      if (entry && request.method === 'PATCH') {
        const start = Number(/^bytes (\d+)-/.exec(request.headers['content-range'] ?? '')?.[1]);
        entry.chunks.push({ start, data: body });
        return json(response, 204);
      }
      if (entry && request.method === 'POST') {
        entry.archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
        const { size } = JSON.parse(body.toString('utf8')) as { size: number };
        if (size !== entry.archive.length) return json(response, 400, { message: 'size mismatch' });
        return json(response, 204);
      }
      const archive = /^\/archives\/(\d+)$/.exec(url.pathname)?.[1];
      const stored = entries.find((e) => String(e.id) === archive)?.archive;
      if (request.method === 'GET' && stored) {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.length });
        return response.end(stored);
      }
      json(response, 404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    entries: () => entries.filter((e) => e.archive).map((e) => ({ key: e.key, size: e.archive?.length ?? 0 })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
