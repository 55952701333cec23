/**
 * The README read by a test that follows only the README (issue 17): every link and anchor
 * resolves, every `deploy-kit` command and flag exists in the CLI's usage, every input and
 * secret of its YAML examples exists in what they call, every manifest example parses, every
 * starter file it names exists, and the setup path reads in under 10 minutes.
 */
import { describe, it, expect } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { USAGE } from '../../src/cli/args.js';
import { RESTORE_HELP } from '../../src/cli/restore-args.js';
import { ROLLBACK_HELP } from '../../src/cli/rollback-args.js';
import { lintManifest } from '../../scripts/lint-workflows.js';
import { actionNames, metadataFiles } from '../../scripts/actions.js';
import {
  actionInputs,
  anchors,
  cliUsage,
  commandLines,
  commandProblems,
  linkProblems,
  read,
  sectionReferenceProblems,
  splitMarkdown,
  starterFolders,
  starterPathProblems,
  wordsBefore,
  yamlProblems,
} from './docs-check.js';

/** The README, the contributor and reference docs, and every action's generated README. */
const docs = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync('docs').map((f) => `docs/${f}`),
  ...actionNames().map((name) => metadataFiles(name).readme),
].filter((f) => f.endsWith('.md'));
const cli = cliUsage(USAGE, { restore: RESTORE_HELP, rollback: ROLLBACK_HELP });
const folders = starterFolders();
/** One-service starters: a folder per provider, with a production-comment-approval.yml. */
const providers = [...folders].filter(([, files]) => files.includes('production-comment-approval.yml')).map(([f]) => f);
const readme = read('README.md');

/** 230 words a minute: the setup path, top to the marker, in under 10 minutes. */
const SETUP_PATH_END = '<!-- end of the setup path -->';
const MAX_SETUP_WORDS = 10 * 230;

describe('the README, followed literally', () => {
  it('every relative link and #anchor of README.md, CONTRIBUTING.md, docs/ and the action READMEs resolves', () => {
    expect(docs.flatMap(linkProblems)).toEqual([]);
  });

  it('every `deploy-kit <command> --flag` it shows exists in the CLI usage (run: the action and its inputs too)', () => {
    const lines = docs.flatMap((file) => commandLines(read(file)).map((line) => [file, line] as const));
    expect(lines.filter(([file]) => file === 'README.md').length).toBeGreaterThan(8);
    expect(lines.flatMap(([file, line]) => commandProblems(file, line, cli))).toEqual([]);
  });

  it("every YAML example's with: and secrets: keys exist in the action or reusable workflow it calls", () => {
    const problems = docs.flatMap((file) =>
      splitMarkdown(read(file))
        .blocks.filter((b) => b.lang === 'yaml' && !/^\s*services:/m.test(b.code))
        .flatMap((b) => yamlProblems(file, b.code, b.line, '.github/workflows/deploy-production.yml')),
    );
    expect(problems).toEqual([]);
  });

  it('every deploy-kit.yml example is a manifest the release action accepts, in each environment it declares', async () => {
    const manifests = docs.flatMap((file) =>
      splitMarkdown(read(file))
        .blocks.filter((b) => b.lang === 'yaml' && /^services:/m.test(b.code))
        .map((b) => [`${file}:${b.line}`, b.code] as const),
    );
    expect(manifests.length).toBeGreaterThan(0);
    const findings = [];
    for (const [where, code] of manifests) findings.push(...(await lintManifest(where, code)));
    expect(findings).toEqual([]);
  });

  it('its action table lists every action, and the platform table names real inputs', () => {
    const table = readme.split('\n').filter((line) => /^\| \[`[\w-]+`\]\(/.test(line));
    const listed = table.flatMap((line) => [...line.matchAll(/\[`([\w-]+)`\]\(/g)].map((m) => m[1]));
    expect([...listed].sort()).toEqual(actionNames());

    const platforms = readme.split('\n').filter((line) => /^\| (Railway|Fly\.io|Vercel|Render|VM) \|/.test(line));
    expect(platforms.length).toBeGreaterThanOrEqual(5);
    const problems = platforms.flatMap((line) => {
      const cells = line.split(' | ');
      const action = {
        Railway: 'deploy-railway',
        'Fly.io': 'deploy-fly',
        Vercel: 'deploy-vercel',
        Render: 'deploy-render',
        VM: 'deploy-vm',
      }[cells[0]!.replace('| ', '')]!;
      const inputs = actionInputs(action);
      return [...(cells.at(-1) ?? '').replace(/\([^)]*\)/g, '').matchAll(/`([a-z][\w-]*)`/g)]
        .map((m) => m[1]!)
        .filter((name) => !inputs.has(name))
        .map((name) => `${action} has no input ${name}`);
    });
    expect(problems).toEqual([]);
  });

  it('every starter folder is in the README, and every workflows/… path the docs and starters name exists', () => {
    expect([...folders.keys()].filter((folder) => !readme.includes(`workflows/${folder}/`))).toEqual([]);
    const starters = [...folders].flatMap(([folder, files]) => files.map((f) => `workflows/${folder}/${f}`));
    const files = [
      ...docs,
      ...starters,
      '.github/workflows/deploy-staging.yml',
      '.github/workflows/deploy-production.yml',
    ];
    expect(files.flatMap((file) => starterPathProblems(file, providers))).toEqual([]);
  });

  it('every "Section" the starters and reusable workflows point to is a heading of the file they name', () => {
    const files = [
      ...[...folders].flatMap(([folder, names]) => names.map((f) => `workflows/${folder}/${f}`)),
      ...readdirSync('.github/workflows').map((f) => `.github/workflows/${f}`),
      ...docs,
    ];
    expect(files.flatMap(sectionReferenceProblems)).toEqual([]);
  });

  it('the checks do find problems (so a green result means something)', () => {
    expect(commandProblems('x.md', 'setup --repo a/b --reviewr alice', cli)).toEqual([
      'x.md: `deploy-kit setup --repo a/b --reviewr alice`: setup has no --reviewr',
    ]);
    expect(commandProblems('x.md', 'run smoke-test --input expect_status=200', cli)).toHaveLength(1);
    expect(commandProblems('x.md', 'deploy --now', cli)[0]).toContain('no command "deploy"');
    const call =
      'jobs:\n  s:\n    uses: org/deploy-kit/.github/workflows/deploy-staging.yml@v1\n    with: { providr: fly }\n    secrets: { FLY_TOKEN: x }\n';
    expect(yamlProblems('x.md', call, 1, '')).toEqual([
      'x.md:1: .github/workflows/deploy-staging.yml has no input providr',
      'x.md:1: .github/workflows/deploy-staging.yml has no secret FLY_TOKEN',
    ]);
    const step =
      '- uses: org/deploy-kit/actions/smoke-test@0123456789abcdef0123456789abcdef01234567 # v1\n  with: { urls: x }\n';
    expect(yamlProblems('x.md', step, 1, '')).toEqual(['x.md:1: actions/smoke-test has no input urls']);
    expect([...anchors('## Self-repository references (`$/`) and the fallback\n## A b\n## A b\n')]).toEqual([
      'self-repository-references--and-the-fallback',
      'a-b',
      'a-b-1',
    ]);
  });

  it(`the setup path (top of the README to the first staging deploy) reads in under 10 minutes at 230 words a minute`, () => {
    expect(wordsBefore(readme, SETUP_PATH_END)).toBeLessThanOrEqual(MAX_SETUP_WORDS);
  });
});
