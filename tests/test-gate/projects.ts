/**
 * Small real projects for the test-gate tests, made in temp dirs: a node project whose
 * tests run for real and write their JUnit report in jest-junit's exact format
 * (jest-community/jest-junit index.js + utils/buildJsonResults.js: the prolog directly
 * followed by <testsuites name="jest tests" tests failures errors time>, one
 * <testsuite name errors failures skipped timestamp time tests> per file, <testcase
 * classname="{describe} {it}" name="{describe} {it}" time>, a <failure> element holding
 * the stack, two-space indent), without installing jest in every temp project.
 */
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';

export const FIXTURES = path.join(ROOT, 'tests/fixtures/test-gate');

const RUNNER = String.raw`// A tiny test runner: describe/it like jest, report like jest-junit.
const fs = require('node:fs');
const path = require('node:path');
const escape = (s) =>
  String(s).replace(/[&<>'"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' })[c]);
const started = Date.now();
const suites = [];
let current;
global.describe = (title, fn) => {
  current = { title, tests: [] };
  fn();
  suites.push(current);
};
global.it = (title, fn) => current.tests.push({ title, fn });
for (const file of fs.readdirSync('test').filter((f) => f.endsWith('.test.js')).sort()) {
  const before = suites.length;
  require(path.resolve('test', file));
  for (const suite of suites.slice(before)) {
    suite.start = Date.now();
    suite.results = suite.tests.map((t) => {
      const t0 = Date.now();
      try {
        t.fn();
        return { title: t.title, ms: Date.now() - t0 };
      } catch (error) {
        return { title: t.title, ms: Date.now() - t0, failure: error.stack };
      }
    });
    suite.end = Date.now();
  }
}
const failures = suites.reduce((n, s) => n + s.results.filter((r) => r.failure).length, 0);
const tests = suites.reduce((n, s) => n + s.results.length, 0);
let xml = '<?xml version="1.0" encoding="UTF-8"?>';
xml += '<testsuites name="jest tests" tests="' + tests + '" failures="' + failures + '" errors="0" time="' + (Date.now() - started) / 1000 + '">\n';
for (const s of suites) {
  const failed = s.results.filter((r) => r.failure).length;
  xml += '  <testsuite name="' + escape(s.title) + '" errors="0" failures="' + failed + '" skipped="0" timestamp="' +
    new Date(s.start).toISOString().slice(0, -5) + '" time="' + (s.end - s.start) / 1000 + '" tests="' + s.results.length + '">\n';
  for (const r of s.results) {
    const name = escape(s.title + ' ' + r.title);
    xml += '    <testcase classname="' + name + '" name="' + name + '" time="' + r.ms / 1000 + '">\n';
    if (r.failure) xml += '      <failure>' + escape(r.failure) + '</failure>\n';
    xml += '    </testcase>\n';
  }
  xml += '  </testsuite>\n';
}
xml += '</testsuites>';
fs.writeFileSync('junit.xml', xml);
for (const s of suites) for (const r of s.results) console.log((r.failure ? 'FAIL ' : 'PASS ') + s.title + ' ' + r.title);
if (failures) {
  console.error(failures + ' of ' + tests + ' tests failed');
  process.exit(1);
}
`;

const SUM_TEST = (expected: number) => `const { sum } = require('../src/sum.js');
const assert = require('node:assert');

describe('sum', () => {
  it('adds two numbers', () => {
    assert.strictEqual(sum(1, 2), 3);
  });
  it('adds negative numbers', () => {
    assert.strictEqual(sum(-1, -2), ${expected});
  });
});
`;

/** Line of the second assertion in test/sum.test.js: where a failure must be annotated. */
export const FAILING_ASSERT_LINE = 9;

/** A node project (package.json + lockfile, src/, test/, run-tests.js); `failing` breaks one test. */
export function makeNodeProject(options: { failing?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-node-'));
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'test'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      { name: 'gate-sample', version: '1.0.0', private: true, scripts: { test: 'node run-tests.js' } },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify(
      {
        name: 'gate-sample',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'gate-sample', version: '1.0.0' } },
      },
      null,
      2,
    ),
  );
  writeFileSync(path.join(dir, 'src/sum.js'), 'exports.sum = (a, b) => a + b;\n');
  writeFileSync(path.join(dir, 'test/sum.test.js'), SUM_TEST(options.failing ? 3 : -3));
  writeFileSync(path.join(dir, 'run-tests.js'), RUNNER);
  return dir;
}

/** A copy of the checked-in pytest project and its JUnit report. */
export function copyPytestProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-py-'));
  cpSync(path.join(FIXTURES, 'pytest-project'), dir, { recursive: true });
  return dir;
}
