/**
 * age encryption of a dump as it streams (the age format, via the age-encryption package:
 * files it writes are read by the `age` CLI, which the restore docs use). The plaintext
 * only ever exists in the pipe between pg_dump and the file.
 *
 * age-encryption (with its X25519 and post-quantum code) is imported when a function here
 * first needs it, not at the top: it cost every backup-db start ~15 ms, encryption or not
 * (issue 17). ncc puts it in a lazy chunk.
 */
import { open } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import type { ReadableStream as WebReadable } from 'node:stream/web';

export const AGE_MAGIC = 'age-encryption.org/v1\n';

const loadAge = () => import('age-encryption');

/** Error messages for the recipients age cannot use, in order; empty when all are fine. */
export async function recipientProblems(recipients: string[]): Promise<string[]> {
  if (!recipients.length) return [];
  const { Encrypter } = await loadAge();
  return recipients.flatMap((recipient) => {
    if (recipient.startsWith('ssh-'))
      return `"${recipient.slice(0, 12)}…" is an SSH key; age-encryption needs an age recipient (age1…): create one with age-keygen`;
    try {
      new Encrypter().addRecipient(recipient);
      return [];
    } catch {
      return `"${recipient}" is not an age recipient; expected a public key like age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p`;
    }
  });
}

/** Checks an identity (AGE-SECRET-KEY-1…) and returns its public recipient. */
export async function recipientOfIdentity(identity: string): Promise<string | undefined> {
  const { identityToRecipient } = await loadAge();
  try {
    return await identityToRecipient(identity.trim());
  } catch {
    return undefined;
  }
}

/**
 * Wraps an async web-stream transform (age's API) as a Node Duplex for stream.pipeline:
 * bytes written go into `input`; what `start(input)` returns is read out.
 */
function webTransform(start: (input: WebReadable<Uint8Array>) => Promise<WebReadable<Uint8Array>>): Duplex {
  const input = new TransformStream<Uint8Array, Uint8Array>();
  const output = start(input.readable as unknown as WebReadable<Uint8Array>);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= ((await output) as unknown as ReadableStream<Uint8Array>).getReader();
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await (await output).cancel(reason);
    },
  });
  // Passed to pipeline before anyone reads it: a failure surfaces there, not unhandled.
  output.catch(() => undefined);
  return Duplex.fromWeb(
    { readable: readable as unknown as WebReadable<Uint8Array>, writable: input.writable as never },
    { objectMode: false },
  );
}

/** Encrypts to every recipient; any one of their identities decrypts. */
export async function encryptStream(recipients: string[]): Promise<Duplex> {
  const encrypter = new (await loadAge()).Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return webTransform(
    (input) =>
      encrypter.encrypt(input as unknown as ReadableStream<Uint8Array>) as unknown as Promise<WebReadable<Uint8Array>>,
  );
}

/** Decrypts with any of the identities (an identity file may hold several, like `age -d -i`). */
export async function decryptStream(identity: string | string[]): Promise<Duplex> {
  const decrypter = new (await loadAge()).Decrypter();
  for (const one of [identity].flat()) decrypter.addIdentity(one.trim());
  return webTransform(
    (input) =>
      decrypter.decrypt(input as unknown as ReadableStream<Uint8Array>) as unknown as Promise<WebReadable<Uint8Array>>,
  );
}

export interface AgeHeader {
  /** Recipient stanzas (`-> X25519 …` lines) in the header. */
  stanzas: string[];
  headerBytes: number;
}

/**
 * Reads an age file's header without any key: the version line, one stanza per recipient
 * and the MAC line. Proves the file is an age file for that many recipients — not that
 * its content decrypts, which needs the identity.
 */
export async function readAgeHeader(file: string): Promise<AgeHeader> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    if (!text.startsWith(AGE_MAGIC)) throw new Error('it does not start with the age header "age-encryption.org/v1"');
    const end = text.indexOf('\n--- ');
    if (end === -1) throw new Error('its age header has no MAC line ("--- …"): it is truncated');
    const macEnd = text.indexOf('\n', end + 1);
    if (macEnd === -1) throw new Error('its age header is truncated');
    const stanzas = text
      .slice(AGE_MAGIC.length, end)
      .split('\n')
      .filter((line) => line.startsWith('-> '));
    // After the header: a 16-byte nonce and at least one 16-byte-tagged chunk.
    const headerBytes = macEnd + 1;
    const { size } = await handle.stat();
    if (size < headerBytes + 16 + 16) throw new Error('it ends right after the header: the payload is missing');
    return { stanzas, headerBytes };
  } finally {
    await handle.close();
  }
}
