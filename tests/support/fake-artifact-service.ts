/**
 * A fake of GitHub Actions' artifact service as @actions/artifact 6 talks to it, on
 * 127.0.0.1: the Twirp "results" API (CreateArtifact, FinalizeArtifact) and the Azure
 * Blob endpoint its signed upload URL points at (Put Block, Put Block List, Put Blob).
 *
 * Followed (read in node_modules/@actions/artifact/lib/internal):
 * - upload/upload-artifact.js:37-95: getBackendIdsFromToken() → CreateArtifact
 *   {workflow_run_backend_id, workflow_job_run_backend_id, name, mime_type, version: 7,
 *   expires_at} → {ok, signed_upload_url} → uploadToBlobStorage → FinalizeArtifact
 *   {…, name, size, hash: "sha256:…"} → {ok, artifact_id}
 * - shared/artifact-twirp-client.js:40-48: POST {ACTIONS_RESULTS_URL}/twirp/<service>/<method>, JSON
 *   with proto field names (generated/results/api/v1/artifact.twirp-client.js:11-29)
 * - shared/util.js:8-48: ACTIONS_RUNTIME_TOKEN is a JWT whose `scp` claim holds
 *   "Actions.Results:<runBackendId>:<jobBackendId>"
 * - upload/blob-upload.js:33-60: BlockBlobClient.uploadStream (Azure Blob REST: PUT
 *   ?comp=block&blockid=…, then PUT ?comp=blocklist with <BlockList><Latest>id</Latest>…)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  expiresAt?: string;
  mimeType?: string;
  finalized: boolean;
  size?: string;
  hash?: string;
  content?: Buffer;
}

export interface FakeArtifactService {
  /** Environment for the action: ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL. */
  env: Record<string, string>;
  artifacts: StoredArtifact[];
  stop(): Promise<void>;
}

const RUN = 'ce7f54c7-61c7-4aae-887f-30da475f5f1a';
const JOB = 'ca395085-040a-526b-2ce8-bdc85f692774';

function unsignedJwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

const body = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export async function startFakeArtifactService(): Promise<FakeArtifactService> {
  const artifacts: StoredArtifact[] = [];
  const blocks = new Map<string, Buffer>();
  let base = '';
  const token = unsignedJwt({ scp: `Actions.GenericRead:x Actions.Results:${RUN}:${JOB}` });

  const json = (res: ServerResponse, status: number, value: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const blobHeaders = {
    'x-ms-request-id': 'fake',
    'x-ms-version': '2025-01-05',
    etag: '"0x1"',
    'last-modified': new Date().toUTCString(),
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const data = await body(req);
    const twirp = /^\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/.exec(url.pathname);
    if (twirp && req.method === 'POST') {
      if (req.headers.authorization !== `Bearer ${token}`)
        return json(res, 401, { code: 'unauthenticated', msg: 'bad token' });
      const request = JSON.parse(data.toString()) as Record<string, unknown>;
      if (twirp[1] === 'CreateArtifact') {
        if (artifacts.some((a) => a.name === request.name))
          return json(res, 409, {
            code: 'already_exists',
            msg: 'an artifact with this name already exists on the workflow run',
          });
        const artifact: StoredArtifact = {
          id: 1000 + artifacts.length,
          name: String(request.name),
          runBackendId: String(request.workflow_run_backend_id),
          jobBackendId: String(request.workflow_job_run_backend_id),
          expiresAt: request.expires_at as string | undefined,
          mimeType: request.mime_type as string | undefined,
          finalized: false,
        };
        artifacts.push(artifact);
        return json(res, 200, {
          ok: true,
          signed_upload_url: `${base}/devstoreaccount1/actions-results/${artifact.id}?sv=2025-01-05&sig=fake`,
        });
      }
      if (twirp[1] === 'FinalizeArtifact') {
        const artifact = artifacts.find((a) => a.name === request.name);
        if (!artifact) return json(res, 404, { code: 'not_found', msg: 'no such artifact' });
        artifact.finalized = true;
        artifact.size = String(request.size);
        artifact.hash = request.hash as string | undefined;
        return json(res, 200, { ok: true, artifact_id: String(artifact.id) });
      }
      return json(res, 404, { code: 'bad_route', msg: `no method ${twirp[1]}` });
    }
    const blob = /^\/devstoreaccount1\/actions-results\/(\d+)$/.exec(url.pathname);
    if (blob && req.method === 'PUT') {
      const artifact = artifacts.find((a) => a.id === Number(blob[1]));
      if (!artifact || url.searchParams.get('sig') !== 'fake') {
        res.writeHead(403, blobHeaders).end();
        return;
      }
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        blocks.set(`${artifact.id}/${url.searchParams.get('blockid')}`, data);
      } else if (comp === 'blocklist') {
        const ids = [...data.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
          (m) => m[1] as string,
        );
        artifact.content = Buffer.concat(ids.map((id) => blocks.get(`${artifact.id}/${id}`) ?? Buffer.alloc(0)));
      } else {
        artifact.content = data; // Put Blob in one request
      }
      res.writeHead(201, blobHeaders).end();
      return;
    }
    json(res, 404, { code: 'bad_route', msg: `${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: `${base}/` },
    artifacts,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
