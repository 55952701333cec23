/**
 * The off-site copy: a finished backup uploaded to (and read back from) any S3-compatible
 * store (AWS S3, Cloudflare R2, MinIO) with the AWS SDK, streamed in parts (multipart
 * above 16 MiB), so a dump of any size is never held in memory. Credentials come from the
 * environment, as aws-actions/configure-aws-credentials (OIDC-assumed role) or plain keys
 * leave them.
 *
 * The SDK is about 1.5 MB of code: it is imported only when an S3 function runs (ncc puts
 * it in a chunk of its own), so a backup that does not use S3 does not load it.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { KitError, errorMessage } from '../lib/errors.js';
import type { UploadResult } from './upload.js';

export interface S3Target {
  bucket: string;
  /** Key prefix ("folder"), without leading or trailing slashes; '' for the bucket's root. */
  prefix: string;
  region: string;
  /** For S3-compatible stores (R2: https://<account>.r2.cloudflarestorage.com); undefined: AWS. */
  endpoint?: string;
}

/** Where the SDK's default chain finds credentials, as seen from the environment; undefined if nowhere. */
export function credentialSource(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    return env.AWS_SESSION_TOKEN ? 'temporary keys (e.g. an OIDC-assumed role)' : 'access keys';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'a web identity token (role assumption)';
  if (env.AWS_PROFILE) return `the profile ${env.AWS_PROFILE}`;
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
    return 'container credentials';
  return undefined;
}

/** What is missing when no credentials are found, said for a person fixing their workflow. */
export function missingCredentials(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY)
    return 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not';
  if (!env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    return 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not';
  return 'none of AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN or AWS_PROFILE is set';
}

/** The region to use: given, else the environment's; R2 wants `auto`. */
export const regionFrom = (given: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  given?.trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';

/** A problem with an endpoint URL, or undefined. Only the origin is used: no path. */
export function endpointProblem(raw: string): string | undefined {
  return /^https?:\/\/[^/\s]+\/?$/.test(raw.trim())
    ? undefined
    : 'not an endpoint URL; expected e.g. https://<account-id>.r2.cloudflarestorage.com or http://127.0.0.1:9000';
}

export const objectKey = (target: S3Target, file: string): string =>
  [target.prefix, path.basename(file)].filter(Boolean).join('/');

/** `s3://bucket/key` → bucket and key; undefined when it is not one. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/\s]+)\/(.+)$/.exec(uri.trim());
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

const sdk = () => import('@aws-sdk/client-s3');

export async function s3Client(target: Pick<S3Target, 'region' | 'endpoint'>): Promise<S3Client> {
  // The SDK warns on node < 22 that its versions from 2027 will need node 22. The version
  // here is pinned and supports node 20 (the kit's floor; actions run on node 24): the
  // warning would only alarm whoever reads a restore's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client } = await sdk();
  return new S3Client({
    region: target.region,
    endpoint: target.endpoint,
    // Path-style addressing works on every S3-compatible store (and on a bare IP); AWS
    // itself keeps the virtual-host style it prefers.
    forcePathStyle: Boolean(target.endpoint),
    // Newer SDKs add CRC32 checksums to every request, which R2 and other S3-compatible
    // stores reject; send them only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // No wait without a deadline: a silent connection fails after 15 s and is retried
    // (with the SDK's backoff) up to 5 times; a stalled socket after 2 minutes.
    requestHandler: { connectionTimeout: 15_000, requestTimeout: 120_000 },
    maxAttempts: 5,
  });
}

/** A message the user can act on, from an SDK error (its code, HTTP status, message). */
export function s3Problem(error: unknown): string {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const hint =
    code === 'NoSuchBucket'
      ? ' (the bucket does not exist, or the endpoint/region points elsewhere)'
      : code === 'NoSuchKey' || status === 404
        ? ' (no such object: check the key, e.g. with `aws s3 ls`)'
        : code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || status === 403
          ? ' (check the credentials in the environment and that they may access this bucket)'
          : '';
  const detail = errorMessage(error);
  return `${code && !detail.includes(code) ? `${code}: ` : ''}${detail}${status ? ` [HTTP ${status}]` : ''}${hint}`;
}

export async function uploadS3(
  file: string,
  target: S3Target,
  options: { sha256: string; partSize?: number; timeoutMs?: number; log?: (line: string) => void },
): Promise<UploadResult & { uri: string }> {
  const key = objectKey(target, file);
  const uri = `s3://${target.bucket}/${key}`;
  const [client, { Upload }] = await Promise.all([s3Client(target), import('@aws-sdk/lib-storage')]);
  const size = statSync(file).size;
  const upload = new Upload({
    client,
    params: {
      Bucket: target.bucket,
      Key: key,
      Body: createReadStream(file),
      ContentType: 'application/octet-stream',
      // The checksum of the backup travels with it, for whoever restores it.
      Metadata: { sha256: options.sha256 },
    },
    partSize: options.partSize ?? 16 * 1024 * 1024,
    queueSize: 2,
    leavePartsOnError: false,
  });
  let lastLog = Date.now();
  upload.on('httpUploadProgress', (p) => {
    if (Date.now() - lastLog < 15_000) return;
    lastLog = Date.now();
    options.log?.(`… ${p.loaded ?? 0} of ${size} bytes uploaded to ${uri}`);
  });
  let timedOut = false;
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        void upload.abort();
      }, options.timeoutMs)
    : undefined;
  try {
    await upload.done();
  } catch (error) {
    throw new KitError(
      `The backup was written to ${file}, but uploading it to ${uri} failed: ${timedOut ? `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s` : s3Problem(error)}`,
    );
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
  return { uri, where: `uploaded to ${uri}${target.endpoint ? ` (${new URL(target.endpoint).host})` : ''}` };
}

/** Opens an object for streaming: its body (read as it downloads) and its size. */
export async function openS3Object(
  location: { bucket: string; key: string },
  target: Pick<S3Target, 'region' | 'endpoint'>,
): Promise<{ body: Readable; size?: number; close: () => void }> {
  const client = await s3Client(target);
  const { GetObjectCommand } = await sdk();
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return { body: object.Body as Readable, size: object.ContentLength, close: () => client.destroy() };
  } catch (error) {
    client.destroy();
    throw new KitError(`Could not read s3://${location.bucket}/${location.key}: ${s3Problem(error)}`);
  }
}
