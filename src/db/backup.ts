/**
 * Dumps a database to a file as one stream: pg_dump's stdout → (optional transforms,
 * e.g. encryption) → sha256 → file. The checksum is computed on the way, so a large dump
 * is never read a second time for it. The file is written under a temporary name and
 * only renamed to its real name once pg_dump succeeded and the dump was verified, so a
 * failure half-way (disk full, connection dropped, pg_dump killed) never leaves a file
 * that looks like a good backup. Reading the dump back is ./verify-dump.ts.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { type Duplex, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { tail } from '../lib/exec.js';
import { type DatabaseUrl, childEnv, scrub } from './connection.js';

export type DumpFormat = 'custom' | 'plain' | 'directory';

export interface DumpOptions {
  db: DatabaseUrl;
  format: DumpFormat;
  /** Final path of the backup (file, or folder for `directory`). */
  target: string;
  pgDump: string;
  /** 0-9; undefined: pg_dump's default. */
  compress?: number;
  /** An exported snapshot to dump (restore-check counts rows in the same snapshot). */
  snapshot?: string;
  timeoutMs: number;
  /**
   * Streams the dump passes through before it is hashed and written (e.g. encryption).
   * Not possible for `directory`, which pg_dump writes itself.
   */
  transforms?: Duplex[];
}

export interface DumpResult {
  /** Where the dump is until it is committed. */
  partialPath: string;
  sizeBytes: number;
  sha256: string;
  durationMs: number;
}

export interface Progress {
  log: (line: string) => void;
  now?: () => number;
  /** How often to report progress; the kit's rule is at least every 15 s. */
  everyMs?: number;
}

export const EXTENSION: Record<DumpFormat, string> = { custom: '.dump', plain: '.sql', directory: '' };

/** `.name.partial`: hidden, and clearly not a finished backup. */
export const partialPathOf = (target: string): string =>
  path.join(path.dirname(target), `.${path.basename(target)}.partial`);

/** Counts bytes and hashes them as they pass. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

function dumpArgs(options: DumpOptions, output?: string): string[] {
  const args = [`--format=${options.format}`, '--no-password', `--dbname=${options.db.urlWithoutPassword}`];
  if (options.compress !== undefined && options.format !== 'plain') args.push(`--compress=${options.compress}`);
  if (options.snapshot) args.push(`--snapshot=${options.snapshot}`);
  if (output) args.push(`--file=${output}`);
  return args;
}

/**
 * Runs pg_dump into the partial path. pg_dump is spawned here rather than through
 * runCommand because its stdout is the data: it must stream to disk, not into memory.
 */
export async function dumpToPartial(options: DumpOptions, progress: Progress): Promise<DumpResult> {
  const now = progress.now ?? Date.now;
  const started = now();
  const partial = partialPathOf(options.target);
  mkdirSync(path.dirname(options.target), { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  const cleanup = () => rmSync(partial, { recursive: true, force: true });
  try {
    if (options.format === 'directory') {
      if (options.transforms?.length)
        throw new KitError('format: directory cannot be streamed through a transform; use custom.');
      const result = await directoryDump(options, partial);
      if (result.exitCode !== 0 || result.timedOut)
        throw dumpFailure(options, result.stderr, result.signal, result.timedOut);
      const { sha256, sizeBytes } = await hashDirectory(partial);
      return { partialPath: partial, sha256, sizeBytes, durationMs: now() - started };
    }
    return await streamDump(options, partial, progress, started);
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Process groups of the pg_dumps running now, so a cancelled job can stop them (stopDumps). */
const running = new Set<number>();

const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

/**
 * Stops every pg_dump this process started. A directory dump writes its own files, so
 * nothing else would stop it when the job is cancelled: it would go on writing (and
 * re-create the folder just removed) after the action is gone.
 */
export function stopDumps(): void {
  for (const pid of running) killGroup(pid);
  running.clear();
}

/** Starts pg_dump in its own process group and tracks it until it exits. */
function startDump(options: DumpOptions, args: string[], stdout: 'pipe' | 'ignore') {
  const child = spawn(options.pgDump, args, {
    env: childEnv(options.db),
    stdio: ['ignore', stdout, 'pipe'],
    detached: true, // its own process group, so a timeout or a cancel stops it whole
  });
  if (child.pid) running.add(child.pid);
  child.on('close', () => child.pid && running.delete(child.pid));
  return child;
}

async function directoryDump(
  options: DumpOptions,
  partial: string,
): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }> {
  const child = startDump(options, dumpArgs(options, partial), 'ignore');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-64_000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) killGroup(child.pid);
  }, options.timeoutMs);
  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => resolve([code, sig]));
    });
    return { exitCode, signal, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

async function streamDump(
  options: DumpOptions,
  partial: string,
  progress: Progress,
  started: number,
): Promise<DumpResult> {
  const now = progress.now ?? Date.now;
  const child = startDump(options, dumpArgs(options), 'pipe');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-64_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const digest = new Digest();
  const ticker = setInterval(() => {
    const seconds = (now() - started) / 1000;
    progress.log(
      `… ${formatBytes(digest.bytes)} written in ${formatDuration(now() - started)} (${formatBytes(digest.bytes / Math.max(seconds, 0.001))}/s)`,
    );
  }, progress.everyMs ?? 15_000);
  try {
    const written = pipeline([
      child.stdout as NodeJS.ReadableStream,
      ...(options.transforms ?? []),
      digest,
      createWriteStream(partial),
    ]);
    // A write failure (disk full) must stop pg_dump, or it would wait on a full pipe forever.
    written.catch(stop);
    const [status] = await Promise.all([
      exited,
      written.catch((error: Error) => Promise.reject(writeFailure(partial, error))),
    ]);
    if (status.code !== 0 || timedOut) throw dumpFailure(options, stderr, status.signal, timedOut);
    return {
      partialPath: partial,
      sizeBytes: statSync(partial).size,
      sha256: digest.hash.digest('hex'),
      durationMs: now() - started,
    };
  } catch (error) {
    stop();
    await exited.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
}

function writeFailure(file: string, error: Error & { code?: string }): KitError {
  if (error instanceof KitError) return error;
  const why = error.code === 'ENOSPC' ? 'the disk is full' : error.message;
  return new KitError(`Writing the backup to ${path.dirname(file)} failed: ${why}. No backup was written.`);
}

function dumpFailure(options: DumpOptions, stderr: string, signal: NodeJS.Signals | null, timedOut: boolean): KitError {
  const output = scrub(tail(stderr, 15), options.db);
  const how = timedOut
    ? `did not finish within timeout (${formatDuration(options.timeoutMs)}) and was stopped`
    : signal
      ? `was stopped by ${signal} before it finished`
      : 'failed';
  return new KitError(
    `pg_dump of ${options.db.label} ${how}; no backup was written.${output ? `\npg_dump said:\n${output}` : ''}`,
  );
}

/** A directory dump's checksum: sha256 of its `sha256sum`-style manifest, sorted by file name. */
async function hashDirectory(dir: string): Promise<{ sha256: string; sizeBytes: number }> {
  const lines: string[] = [];
  let sizeBytes = 0;
  for (const name of readdirSync(dir).sort()) {
    // pg_dump writes a directory dump itself, so its files can only be hashed afterwards.
    const digest = new Digest();
    await pipeline(createReadStream(path.join(dir, name)), digest, new Writable({ write: (_c, _e, cb) => cb() }));
    sizeBytes += digest.bytes;
    lines.push(`${digest.hash.digest('hex')}  ${name}`);
  }
  return {
    sha256: createHash('sha256')
      .update(lines.join('\n') + '\n')
      .digest('hex'),
    sizeBytes,
  };
}

/** Gives the verified dump its real name (an atomic rename in the same folder). */
export function commitDump(partial: string, target: string): void {
  if (existsSync(target)) throw new KitError(`${target} already exists; not overwriting it. Choose another "name".`);
  renameSync(partial, target);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
