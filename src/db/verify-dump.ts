/**
 * Reads a dump back before it is kept (backup-db `verify: true`): the partial file that
 * ./backup.ts wrote, through the same transforms undone (decryption), so a backup that
 * cannot be read is never given its real name.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { type Duplex, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KitError } from '../lib/errors.js';
import { runCommand, tail } from '../lib/exec.js';
import type { DumpFormat } from './backup.js';

/**
 * Reads the dump back: `pg_restore --list` for custom and directory (its table of
 * contents must parse), the closing line of a plain dump. `readTransforms` undo
 * `transforms` (decryption) for a dump that cannot be read as it is on disk.
 */
export async function verifyDump(
  file: string,
  format: DumpFormat,
  pgRestore: string | undefined,
  options: { readTransforms?: Duplex[]; timeoutMs: number },
): Promise<{ entries: number }> {
  if (format === 'plain') {
    const text = await readTail(file, options.readTransforms ?? []);
    // Since the 2025 security releases pg_dump ends a plain dump with `\unrestrict <key>`.
    if (!/-- PostgreSQL database dump complete\s*--\s*(\\unrestrict \S+\s*)?$/.test(text))
      throw new KitError('The plain dump does not end with "PostgreSQL database dump complete": it is incomplete.');
    return { entries: (text.match(/^-- (Name|Data for Name): /gm) ?? []).length };
  }
  if (!pgRestore) throw new KitError('pg_restore is needed to verify the dump.');
  const list = await listArchive(file, pgRestore, options);
  if (list.exitCode !== 0)
    throw new KitError(
      `pg_restore --list could not read the backup: ${tail(list.stderr, 10) || `exit ${list.exitCode}`}`,
    );
  const entries = list.stdout.split('\n').filter((line) => /^\d+;/.test(line)).length;
  return { entries };
}

async function listArchive(
  file: string,
  pgRestore: string,
  options: { readTransforms?: Duplex[]; timeoutMs: number },
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  if (!options.readTransforms?.length) return runCommand(pgRestore, ['--list', file], { timeoutMs: options.timeoutMs });
  // pg_restore reads an archive from stdin when given no file.
  const child = spawn(pgRestore, ['--list'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  // pg_restore --list stops reading after the table of contents: EPIPE is expected.
  await pipeline([createReadStream(file), ...options.readTransforms, child.stdin]).catch(() => undefined);
  return { exitCode: await exited, stdout, stderr };
}

async function readTail(file: string, transforms: Duplex[]): Promise<string> {
  let last = Buffer.alloc(0);
  const keep = new Transform({
    transform(chunk: Buffer, _e, callback) {
      last = Buffer.concat([last, chunk]).subarray(-4096);
      callback();
    },
  });
  await pipeline([createReadStream(file), ...transforms, keep]);
  return last.toString('utf8');
}
