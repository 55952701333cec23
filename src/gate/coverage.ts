/**
 * Line coverage from the three report formats test tools write most: lcov (jest/c8/nyc
 * `lcov`, coverage.py `lcov`), Cobertura XML (coverage.py `xml`, jest `cobertura`) and
 * Istanbul's json-summary.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { KitError } from '../lib/errors.js';

export type CoverageFormat = 'lcov' | 'cobertura' | 'json-summary';

export interface Coverage {
  format: CoverageFormat;
  /** Absent when a Cobertura report gives only its line-rate. */
  linesCovered?: number;
  linesValid?: number;
  /** Percent of lines covered, 0 to 100. */
  percent: number;
}

/** Reads a report, telling the format from its content. `file` is only for messages. */
export function parseCoverage(text: string, file: string): Coverage {
  const start = text.trimStart();
  if (start === '') throw new KitError(`The coverage file ${file} is empty.`);
  if (start.startsWith('{')) return jsonSummary(start, file);
  if (start.startsWith('<')) return cobertura(start, file);
  if (/^(TN|SF):/m.test(start)) return lcov(start, file);
  throw new KitError(
    `The coverage file ${file} is not a format the gate reads: expected lcov (lines such as SF: and LF:), Cobertura XML (<coverage line-rate=…>) or Istanbul json-summary ({"total": {"lines": …}}).`,
  );
}

function lcov(text: string, file: string): Coverage {
  let found = 0;
  let hit = 0;
  // LF/LH are each record's totals; DA lines are the fallback when a tool omits them.
  let recordFound: number | undefined;
  let recordHit: number | undefined;
  let daFound = 0;
  let daHit = 0;
  let records = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('LF:')) recordFound = Number(line.slice(3));
    else if (line.startsWith('LH:')) recordHit = Number(line.slice(3));
    else if (line.startsWith('DA:')) {
      daFound++;
      const count = Number(line.slice(3).split(',')[1]);
      if (count > 0) daHit++;
    } else if (line === 'end_of_record') {
      records++;
      found += recordFound ?? daFound;
      hit += recordHit ?? daHit;
      recordFound = recordHit = undefined;
      daFound = daHit = 0;
    }
  }
  if (records === 0) throw new KitError(`The lcov file ${file} has no records (no end_of_record line).`);
  if (!Number.isFinite(found) || !Number.isFinite(hit))
    throw new KitError(`The lcov file ${file} has an LF: or LH: line that is not a number.`);
  return result('lcov', hit, found);
}

function cobertura(text: string, file: string): Coverage {
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new KitError(`The coverage file ${file} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text) as {
    coverage?: Record<string, string>;
  };
  const root = document.coverage;
  if (!root || typeof root !== 'object')
    throw new KitError(`The XML file ${file} is not a Cobertura report: it has no <coverage> root element.`);
  const covered = Number(root['@lines-covered']);
  const total = Number(root['@lines-valid']);
  if (root['@lines-valid'] !== undefined && Number.isFinite(covered) && Number.isFinite(total))
    return result('cobertura', covered, total);
  const rate = Number(root['@line-rate']);
  if (root['@line-rate'] === undefined || !Number.isFinite(rate))
    throw new KitError(`The Cobertura report ${file} has no line-rate or lines-valid attribute on <coverage>.`);
  return { format: 'cobertura', percent: round(rate * 100) };
}

function jsonSummary(text: string, file: string): Coverage {
  let document: { total?: { lines?: { total?: number; covered?: number; pct?: number | string } } };
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new KitError(`The coverage file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const lines = document.total?.lines;
  if (!lines || typeof lines.total !== 'number' || typeof lines.covered !== 'number')
    throw new KitError(
      `The JSON file ${file} is not an Istanbul json-summary: it has no total.lines.total and total.lines.covered.`,
    );
  return result('json-summary', lines.covered, lines.total);
}

function result(format: CoverageFormat, covered: number, valid: number): Coverage {
  // No lines to cover counts as fully covered, as Istanbul reports it.
  const percent = valid === 0 ? 100 : round((covered / valid) * 100);
  return { format, linesCovered: covered, linesValid: valid, percent };
}

const round = (n: number) => Math.round(n * 100) / 100;
