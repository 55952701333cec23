/**
 * The checksums that decide whether an installed or cached platform CLI may run (see
 * cli.ts): the sha256 recorded beside a tool-cache install, and a release's published
 * sha256 list.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  lstatSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';

/** The record's name inside the installed folder (tool-cache copies the folder whole). */
export const RECORD_FILE = '.deploy-kit-sha256';
/** Beside it: the sha256 of the archive the folder was extracted from, when that was checked. */
export const ARCHIVE_RECORD_FILE = '.deploy-kit-archive-sha256';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * One sha256 over everything installed in `dir`: each entry's path, kind and content (a
 * symlink by its target), in a fixed order, the records left out. The launcher alone is not
 * enough: npm's `.bin/squawk` and `.bin/vercel` are small scripts that run files beside them
 * (squawk's native binary, vercel's JavaScript), and those are what a planted copy changes.
 */
export async function sha256Tree(dir: string): Promise<string> {
  const tree = createHash('sha256');
  const walk = async (relative: string): Promise<void> => {
    const names = readdirSync(path.join(dir, relative)).sort();
    for (const name of names) {
      const entry = relative ? `${relative}/${name}` : name;
      if (!relative && (name === RECORD_FILE || name === ARCHIVE_RECORD_FILE)) continue;
      const full = path.join(dir, entry);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) tree.update(`L\0${entry}\0${readlinkSync(full)}\0`);
      else if (stat.isDirectory()) {
        tree.update(`D\0${entry}\0`);
        await walk(entry);
      } else if (stat.isFile()) tree.update(`F\0${entry}\0${stat.mode & 0o111 ? 'x' : '-'}${await sha256File(full)}\0`);
      else tree.update(`O\0${entry}\0`);
    }
  };
  await walk('');
  return tree.digest('hex');
}

/**
 * Writes the sha256 of the installed folder (sha256Tree) into it before it goes to the tool
 * cache, and the sha256 its archive was verified against (published, or `cli-sha256`), if it was.
 */
export async function recordInstall(dir: string, archiveSha256?: string): Promise<void> {
  writeFileSync(path.join(dir, RECORD_FILE), `${await sha256Tree(dir)}\n`);
  if (archiveSha256) writeFileSync(path.join(dir, ARCHIVE_RECORD_FILE), `${archiveSha256}\n`);
}

export function readRecord(dir: string, name: string = RECORD_FILE): string | undefined {
  const file = path.join(dir, name);
  if (!existsSync(file)) return undefined;
  const value = readFileSync(file, 'utf8').trim();
  return /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

/**
 * The sha256 a release's checksum list gives for `fileName` (goreleaser's checksums file
 * is `<hex>  <name>` per line, as `sha256sum` writes it; a `*` before the name marks
 * binary mode). The candidates are tried in order; none readable, or a list without the
 * file: an error — a platform that publishes checksums never gets an unverified CLI run.
 */
export async function publishedSha256(
  what: string,
  urls: string[],
  fileName: string,
  deps: { readText(url: string): Promise<string>; log(line: string): void },
): Promise<string> {
  const tried: string[] = [];
  for (const url of urls) {
    let text: string;
    try {
      text = await deps.readText(url);
    } catch (error) {
      tried.push(`${url} (${errorMessage(error)})`);
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      const match = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
      if (match && match[2] === fileName) {
        deps.log(
          `Verified against ${url}: ${fileName} is published with sha256 ${(match[1] as string).toLowerCase()}.`,
        );
        return (match[1] as string).toLowerCase();
      }
    }
    throw new KitError(`The published checksums ${url} list no sha256 for ${fileName}: refusing to install it.`);
  }
  throw new KitError(
    `Could not read the checksums ${what} publishes (tried ${tried.join('; ')}): not installing an unverified CLI.`,
  );
}
