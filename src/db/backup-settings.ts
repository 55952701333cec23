/**
 * What backup-db checks before it dumps anything: the encryption settings and the S3
 * target, so a wrong setting costs seconds, not a dump of production that then cannot be
 * kept. Each takes what it needs (the inputs, a masker and a logger), not @actions/core.
 */
import { ConfigurationError } from '../lib/errors.js';
import { repositoryIsPublic } from '../lib/repository.js';
import { recipientOfIdentity } from './encryption.js';
import { type S3Target, credentialSource, missingCredentials, regionFrom } from './s3.js';

export interface Encryption {
  recipients: string[];
  identity?: string;
}

/**
 * The encryption settings, checked before anything is dumped: a dump is production data,
 * and an artifact of a public repository can be downloaded by anyone.
 */
export async function checkEncryption(inputs: {
  encryptTo: string[];
  verifyIdentity?: string;
  allowUnencrypted: boolean;
  upload: string;
  format: string;
  restoreCheckUrl?: unknown;
}): Promise<Encryption | undefined> {
  if (!inputs.encryptTo.length) {
    if (inputs.verifyIdentity)
      throw new ConfigurationError(
        'Input "verify-identity" is set but "encrypt-to" is empty: there is nothing to decrypt.',
      );
    if (inputs.upload === 'artifact' && repositoryIsPublic() && !inputs.allowUnencrypted)
      throw new ConfigurationError(
        'Refusing to upload an unencrypted database dump as an artifact of a PUBLIC repository: anyone who can read the repository can download it. ' +
          'Set "encrypt-to" to an age recipient (age-keygen prints one), or upload: none, or allow-unencrypted: true if the data is public. Nothing was dumped.',
      );
    return undefined;
  }
  if (inputs.format === 'directory')
    throw new ConfigurationError(
      'Input "encrypt-to" cannot be used with format: directory (pg_dump writes that folder itself, in plaintext); use format: custom.',
    );
  let identity: string | undefined;
  if (inputs.verifyIdentity) {
    const recipient = await recipientOfIdentity(inputs.verifyIdentity);
    if (!recipient || !inputs.encryptTo.includes(recipient))
      throw new ConfigurationError(
        'Input "verify-identity" does not match any recipient in "encrypt-to": it could not decrypt the backup.',
      );
    identity = inputs.verifyIdentity;
  }
  if (inputs.restoreCheckUrl && !identity)
    throw new ConfigurationError(
      'Input "restore-check-url" needs "verify-identity" when "encrypt-to" is set: the backup is restored by decrypting it.',
    );
  return { recipients: inputs.encryptTo, identity };
}

/**
 * upload: s3 needs a bucket, a region and credentials: all checked before dumping, so a
 * typo costs seconds, not a dump of production. The secret key and session token are
 * masked here, before the SDK can put them anywhere near a log line.
 */
export function checkS3(
  inputs: {
    upload: string;
    s3Bucket: string;
    s3Prefix: string;
    s3Endpoint?: string;
    s3Region: string;
  },
  deps: { mask: (secret: string) => void; log: (line: string) => void },
): S3Target | undefined {
  if (inputs.upload !== 's3') {
    const set = (['s3-bucket', 's3-endpoint', 's3-region'] as const).filter(
      (name) =>
        ({ 's3-bucket': inputs.s3Bucket, 's3-endpoint': inputs.s3Endpoint, 's3-region': inputs.s3Region })[name],
    );
    if (set.length)
      throw new ConfigurationError(
        `Input "${set[0]}" is set but "upload" is ${inputs.upload}: set upload: s3 to upload the backup to S3, or remove the s3-* inputs. Nothing was dumped.`,
      );
    return undefined;
  }
  if (!inputs.s3Bucket)
    throw new ConfigurationError(
      'Input "s3-bucket" is required with upload: s3 (example: s3-bucket: acme-db-backups). Nothing was dumped.',
    );
  const region = regionFrom(inputs.s3Region);
  if (!region)
    throw new ConfigurationError(
      'Input "s3-region" is required with upload: s3 when AWS_REGION is not set (example: s3-region: eu-west-1; auto for Cloudflare R2). Nothing was dumped.',
    );
  if (region === 'auto' && !inputs.s3Endpoint)
    throw new ConfigurationError(
      'Input "s3-region" is auto, which is Cloudflare R2\'s region: set "s3-endpoint" to https://<account-id>.r2.cloudflarestorage.com (AWS S3 needs a real region such as eu-west-1). Nothing was dumped.',
    );
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
    if (process.env[name]) deps.mask(process.env[name] as string);
  const source = credentialSource();
  if (!source)
    throw new ConfigurationError(
      `upload: s3 (s3-bucket: ${inputs.s3Bucket}) found no credentials in the environment: ${missingCredentials()}. ` +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the step's env: from secrets, or assume a role with aws-actions/configure-aws-credentials (OIDC) in a step before this one. Nothing was dumped.",
    );
  deps.log(`S3 credentials: ${source}.`);
  return { bucket: inputs.s3Bucket, prefix: inputs.s3Prefix, region, endpoint: inputs.s3Endpoint?.trim() };
}
