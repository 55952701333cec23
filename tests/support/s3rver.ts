/**
 * A local S3-compatible server (s3rver) on 127.0.0.1 with one bucket, its files in a temp
 * folder. s3rver checks the access key id (S3RVER) but not the v4 signature
 * (s3rver lib/middleware/authentication.js).
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  /** The temp folder s3rver keeps the objects in (free for other scratch files too). */
  dir: string;
  close(): Promise<void>;
}

export async function startS3rver(bucket: string): Promise<LocalS3> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const address = (await server.run()) as AddressInfo;
  return { endpoint: `http://127.0.0.1:${address.port}`, dir, close: async () => void (await server.close()) };
}
