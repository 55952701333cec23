/**
 * npm run bench [-- name[:part] …]: runs every bench/*.bench.ts (or those whose file name
 * contains one of the names) one after another and prints their tables. `name:part` hands
 * the part to that bench, which runs only that part (`npm run bench -- db:migrate`).
 *
 * A bench module's default export is an async function, given the parts asked for (none:
 * run everything), returning one table or several:
 *   { title, rows: [{ column: value, … }], notes?: string[] }
 * Targets belong in the notes or a column (e.g. "target < 300 ms: met").
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QUICK } from './scale.js';

export interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
  notes?: string[];
}

type Bench = (parts: string[]) => Promise<BenchTable | BenchTable[] | void>;

const dir = path.dirname(fileURLToPath(import.meta.url));

export function renderTable(table: BenchTable): string {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => String(value ?? '').replace(/\|/g, '\\|');
  return [
    `### ${table.title}`,
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
    ...(table.notes?.length ? ['', ...table.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}

async function main() {
  const wanted = process.argv
    .slice(2)
    .filter((arg) => !arg.startsWith('-'))
    .map((arg) => ({ name: arg.split(':')[0] as string, part: arg.split(':')[1] }));
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => wanted.length === 0 || wanted.some((w) => file.includes(w.name)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${wanted.map((w) => w.name).join(', ')}`);
  const partsOf = (file: string) => {
    const matching = wanted.filter((w) => file.includes(w.name));
    // `db db:migrate` asks for all of db.
    return matching.some((w) => !w.part) ? [] : matching.map((w) => w.part as string);
  };
  if (QUICK) console.log('--quick: every bench at a tiny size, to check that it runs; the figures mean nothing.\n');
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (the numbers below are wall times on this machine)\n`,
  );
  let failed = false;
  for (const file of files) {
    const started = Date.now();
    try {
      const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: Bench };
      if (typeof module.default !== 'function') throw new Error(`${file} has no default export function`);
      const result = await module.default(partsOf(file));
      for (const table of Array.isArray(result) ? result : result ? [result] : []) console.log(renderTable(table));
      console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    } catch (error) {
      failed = true;
      console.error(`${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  // A bench that failed half-way may leave a server or child behind: end here either way.
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
