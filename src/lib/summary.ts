import * as core from '@actions/core';

export type Cell = string | { data: string; header?: boolean };

/**
 * Appends to the job summary. Outside GitHub (no GITHUB_STEP_SUMMARY, as in a local run)
 * core.summary.write() throws, so the same text goes to the log instead.
 */
export async function writeSummary(build: (summary: typeof core.summary) => void): Promise<void> {
  core.summary.emptyBuffer();
  build(core.summary);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.write();
  } else {
    core.info(core.summary.stringify());
    core.summary.emptyBuffer();
  }
}

/** A header row and body rows for core.summary.addTable. */
export function table(headers: string[], rows: Array<Array<string | number>>): Cell[][] {
  return [
    headers.map((data) => ({ data, header: true })),
    ...rows.map((row) => row.map((cell) => escapeHtml(String(cell)))),
  ];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
