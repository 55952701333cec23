/**
 * JUnit XML reports (jest-junit, pytest --junitxml, and the many tools that write the
 * same shape): totals, and each failing test with where it failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { KitError } from '../lib/errors.js';

export interface FailedTest {
  report: string;
  suite: string;
  name: string;
  kind: 'failure' | 'error';
  /** The first line of the failure: the `message` attribute, else the text's first line. */
  message: string;
  /** The failure's text (stack, assertion diff), trimmed to a readable length. */
  details: string;
  /** Relative to the workspace, when the report or the stack names a file that is there. */
  file?: string;
  line?: number;
}

export interface JUnitResult {
  reports: string[];
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: FailedTest[];
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  alwaysCreateTextNode: true,
  textNodeName: '#text',
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** Where relative paths in a report are resolved, and what annotations are relative to. */
export interface Locations {
  /** The directory the tests ran in (working-directory). */
  cwd: string;
  /** GITHUB_WORKSPACE: annotation paths are relative to it. */
  workspace: string;
}

/** Parses one report. A file that is not JUnit XML is a KitError naming the file. */
export function parseJUnit(xml: string, report: string, where: Locations): JUnitResult {
  if (xml.trim() === '')
    throw new KitError(`The JUnit report ${report} is empty. Check that the test run finished writing it.`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    const unclosed = /^Invalid '\[(.*)\]' found/s.exec(msg);
    const problem = unclosed
      ? `it ends before closing ${(unclosed[1] as string)
          .replace(/[\s"]/g, '')
          .split(',')
          .map((t) => `<${t}>`)
          .join(', ')}`
      : `line ${line}${col ? `, column ${col}` : ''}: ${msg.replace(/\s+/g, ' ')}`;
    throw new KitError(
      `The JUnit report ${report} is not well-formed XML (${problem}). Check that the test run finished writing it.`,
    );
  }
  const document = parser.parse(xml) as Node;
  let suites: Node[];
  if ('testsuites' in document) {
    const root = document.testsuites;
    suites = root && typeof root === 'object' ? asArray((root as Node).testsuite as Node[] | undefined) : [];
  } else if ('testsuite' in document) {
    suites = asArray(document.testsuite as Node[]);
  } else {
    const rootName = Object.keys(document).find((key) => !key.startsWith('?')) ?? 'nothing';
    throw new KitError(
      `The file ${report} is XML but not a JUnit report: its root element is <${rootName}>, expected <testsuites> or <testsuite>.`,
    );
  }
  const result: JUnitResult = { reports: [report], tests: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
  const visit = (suite: Node) => {
    const suiteName = attr(suite, 'name');
    for (const testcase of asArray(suite.testcase as Node[] | undefined)) {
      result.tests++;
      const problems = [
        ...asArray(testcase.failure as Node[] | undefined).map((node) => ({ node, kind: 'failure' as const })),
        ...asArray(testcase.error as Node[] | undefined).map((node) => ({ node, kind: 'error' as const })),
      ];
      if (problems.length === 0) {
        if (testcase.skipped) result.skipped++;
        else result.passed++;
        continue;
      }
      result.failed++;
      const first = problems[0] as { node: Node; kind: 'failure' | 'error' };
      const text = problems.map((p) => textOf(p.node)).join('\n\n');
      const message = attr(first.node, 'message') || firstLine(text) || `${first.kind} (no message)`;
      result.failures.push({
        report,
        suite: suiteName,
        name: attr(testcase, 'name') || attr(testcase, 'classname') || '(unnamed test)',
        kind: first.kind,
        message: firstLine(message),
        details: limit(text || message, 40),
        ...locate(testcase, text, where),
      });
    }
    for (const inner of asArray(suite.testsuite as Node[] | undefined)) visit(inner);
  };
  for (const suite of suites) visit(suite);
  return result;
}

/** Reads and adds up several reports. */
export function readJUnitReports(files: string[], where: Locations): JUnitResult {
  const total: JUnitResult = { reports: [], tests: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const file of files) {
    const shown = path.relative(where.workspace, file) || file;
    let xml: string;
    try {
      xml = readFileSync(file, 'utf8');
    } catch (error) {
      throw new KitError(`Could not read the JUnit report ${shown}: ${(error as Error).message}`);
    }
    const one = parseJUnit(xml, shown, where);
    total.reports.push(shown);
    total.tests += one.tests;
    total.passed += one.passed;
    total.failed += one.failed;
    total.skipped += one.skipped;
    total.failures.push(...one.failures);
  }
  return total;
}

/** `path:line` or `path:line:column`, as stack traces and pytest's tracebacks print them. */
const FRAME = /((?:[A-Za-z]:)?[^\s()'"<>:]+\.[A-Za-z0-9]+):(\d+)/g;

/**
 * The report's own file/line attributes when it has them (pytest's xunit1, jest-junit's
 * addFileAttribute); else the first frame of the failure text that names a file in the
 * workspace outside node_modules (jest stacks, pytest's `tests/test_x.py:7: AssertionError`).
 */
export function locate(testcase: Node, text: string, where: Locations): { file?: string; line?: number } {
  const fileAttr = attr(testcase, 'file');
  const lineAttr = Number(attr(testcase, 'line'));
  const inWorkspace = (candidate: string): string | undefined => {
    const absolute = path.resolve(where.cwd, candidate);
    const relative = path.relative(where.workspace, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative) || !existsSync(absolute)) return undefined;
    return relative.split(path.sep).join('/');
  };
  const fromAttr = fileAttr ? inWorkspace(fileAttr) : undefined;
  if (fromAttr && Number.isInteger(lineAttr) && lineAttr > 0) return { file: fromAttr, line: lineAttr };
  const frames: Array<{ file: string; line: number }> = [];
  for (const match of text.matchAll(FRAME)) {
    const candidate = match[1] as string;
    if (candidate.includes('node_modules') || candidate.startsWith('node:')) continue;
    const file = inWorkspace(candidate.replace(/^file:\/\//, ''));
    if (file) frames.push({ file, line: Number(match[2]) });
  }
  // Prefer a frame in the test's own file, so the annotation lands on the test.
  const own = fromAttr ? frames.find((f) => f.file === fromAttr) : undefined;
  const best = own ?? frames[0];
  if (best) return best;
  return fromAttr ? { file: fromAttr } : {};
}

function asArray<T>(value: T[] | T | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function attr(node: Node | undefined, name: string): string {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : '';
}

function textOf(node: Node): string {
  const text = node['#text'];
  return typeof text === 'string' ? text.trim() : '';
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

function limit(text: string, lines: number): string {
  const all = text.split(/\r?\n/);
  return all.length > lines ? [...all.slice(0, lines), `… (${all.length - lines} more lines)`].join('\n') : text;
}
