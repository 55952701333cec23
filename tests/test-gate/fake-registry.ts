/**
 * A fake of the npm registry's advisory service, for the real `npm audit` to talk to.
 * Faithful to npm's documentation of the Bulk Advisory endpoint (nodejs/node
 * deps/npm/docs/content/commands/npm-audit.md, "Bulk Advisory Endpoint"): npm POSTs a
 * JSON object { name: [versions] } (gzip-encoded) to /-/npm/v1/security/advisories/bulk
 * and expects, per package name, a list of advisory objects with `id`, `url`, `title`,
 * `severity`, `vulnerable_versions` (plus `cwe`, `cvss` as the registry sends them).
 * Everything else (packuments npm asks for to work out fixes) answers 404, which npm
 * treats as "no fix known".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface FakeAdvisory {
  id: number;
  title: string;
  severity: 'info' | 'low' | 'moderate' | 'high' | 'critical';
  vulnerable_versions: string;
}

export interface FakeRegistry {
  url: string;
  /** The package → versions objects npm posted. */
  audits: Array<Record<string, string[]>>;
  close(): Promise<void>;
}

export async function startFakeRegistry(advisories: Record<string, FakeAdvisory[]>): Promise<FakeRegistry> {
  const audits: Array<Record<string, string[]>> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url?.startsWith('/-/npm/v1/security/advisories/bulk')) {
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const asked = JSON.parse(body.toString('utf8')) as Record<string, string[]>;
        audits.push(asked);
        const answer: Record<string, unknown[]> = {};
        for (const name of Object.keys(asked)) {
          const list = advisories[name];
          if (list)
            answer[name] = list.map((a) => ({
              ...a,
              url: `https://advisories.example.test/${a.id}`,
              cwe: [],
              cvss: { score: 0, vectorString: null },
            }));
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer));
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    audits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
