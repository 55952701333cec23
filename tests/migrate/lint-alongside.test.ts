/**
 * lint: warn only reports, so on a run that applies squawk lints while the files run, and its
 * report comes after them (src/actions/migrate/lint-step.ts `start`/`settle`). squawk runs as
 * its platform binary, not through squawk-cli's node launcher (src/migrate/squawk.ts
 * nativeSquawk). Through dist/migrate against PostgreSQL 15, with the real squawk.
 */
import { describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';
import { nativeSquawk } from '../../src/migrate/squawk.js';
import { errors, migrateIn, project, rows, usePostgres15, warnings } from './helpers.js';

const server = usePostgres15();
const FILES = {
  '001_t.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n',
  '002_risky.sql': '-- add a required column\nALTER TABLE t ADD COLUMN x bigint NOT NULL;\n',
};
const lines = (log: string) => log.split('\n');

/** PATH with a squawk first that answers --version and crashes on SQL. */
function crashingSquawk(): string {
  const bin = mkdtempSync(path.join(tmpdir(), 'dk-badsquawk-'));
  const fake = path.join(bin, 'squawk');
  writeFileSync(
    fake,
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "squawk 2.66.0"; exit 0; fi\necho "thread main panicked" >&2\nexit 101\n',
  );
  chmodSync(fake, 0o755);
  return `${bin}${path.delimiter}${process.env.PATH}`;
}

describe('lint: warn on a run that applies', () => {
  test('the files run while squawk lints; its findings are reported after them, the verdicts and summary as before', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project(FILES), url);
    expect(errors(run)).toBe('');
    expect(run.outputs.applied).toBe('2');
    const log = lines(run.log);
    const report = log.findIndex((line) =>
      /^Lint \(squawk 2\.66\.0\): \d+ finding\(s\) in 2 pending file\(s\)/.test(line),
    );
    expect(report).toBeGreaterThan(log.findIndex((line) => line.startsWith('Applied 002_risky.sql in ')));
    const finding = run.annotations.find((a) => a.properties.title === 'squawk: adding-required-field');
    expect(finding?.level).toBe('warning');
    expect(finding?.properties.file).toBe('migrations/002_risky.sql');
    expect(run.summary).toContain('adding-required-field');
    const verdicts = JSON.parse(run.outputs['applied-verdicts'] as string) as Array<{ verdict: string }>;
    expect(verdicts.map((v) => v.verdict)).toEqual(['additive', 'destructive']);
    expect(log.find((line) => line.startsWith('Using squawk found on PATH at '))).toContain(
      path.join('@squawk-cli', 'linux-x64', 'bin', 'squawk'),
    );
  });

  test('a squawk that fails is a warning: the migrations ran, and the step passes', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project(FILES), url, {}, { PATH: crashingSquawk() });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.applied).toBe('2');
    expect(warnings(run)).toContain('Lint failed: squawk did not report (exit 101): thread main panicked');
    expect(warnings(run)).toContain('With lint: warn the migrations ran without it.');
    expect(run.summary).toContain('Lint: failed (squawk did not report');
    const recorded = await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).toEqual(['001_t', '002_risky']);
  });
});

describe('lint: error and a squawk that fails', () => {
  test('no report is no verdict: refused before any change (a crash once read as "no findings")', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project(FILES), url, { lint: 'error' }, { PATH: crashingSquawk() });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('squawk did not report (exit 101): thread main panicked');
    expect(run.outputs.applied).toBeUndefined();
    expect(await rows(server.pg, url, "SELECT to_regclass('t') AS t")).toEqual([{ t: null }]);
  });
});

describe('nativeSquawk', () => {
  const layout = (withBinary: boolean) => {
    const modules = path.join(mkdtempSync(path.join(tmpdir(), 'dk-squawk-layout-')), 'node_modules');
    const launcher = path.join(modules, 'squawk-cli', 'js', 'bin', 'squawk');
    mkdirSync(path.dirname(launcher), { recursive: true });
    writeFileSync(launcher, '#!/usr/bin/env node\n');
    const binary = path.join(modules, '@squawk-cli', `${process.platform}-${process.arch}`, 'bin', 'squawk');
    if (withBinary) {
      mkdirSync(path.dirname(binary), { recursive: true });
      writeFileSync(binary, '');
    }
    mkdirSync(path.join(modules, '.bin'));
    const link = path.join(modules, '.bin', 'squawk');
    symlinkSync(path.relative(path.dirname(link), launcher), link);
    return { link, binary };
  };

  test('the platform binary behind the launcher, through node_modules/.bin; else the command as given', () => {
    const installed = layout(true);
    expect(nativeSquawk(installed.link)).toBe(installed.binary);
    const optionalSkipped = layout(false);
    expect(nativeSquawk(optionalSkipped.link)).toBe(optionalSkipped.link);
    expect(nativeSquawk('/usr/local/bin/squawk-nowhere')).toBe('/usr/local/bin/squawk-nowhere');
    expect(nativeSquawk(path.join(ROOT, 'node_modules', '.bin', 'squawk'))).toBe(
      path.join(ROOT, 'node_modules', '@squawk-cli', 'linux-x64', 'bin', 'squawk'),
    );
  });
});
