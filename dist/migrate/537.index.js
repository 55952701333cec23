export const id = 537;
export const ids = [537];
export const modules = {

/***/ 6537:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  t: () => (/* binding */ lintMarkdown),
  e: () => (/* binding */ prepareLinter)
});

// EXTERNAL MODULE: ../../../node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1820);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../lib/errors.ts
var errors = __webpack_require__(9470);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ../../migrate/squawk.ts
/**
 * Lints the SQL a run will execute with squawk (npm squawk-cli: the real PostgreSQL parser,
 * rules that each link to why they matter). squawk ships its binary in per-platform npm
 * packages (@squawk-cli/linux-x64 …, optionalDependencies, no install script), so a pinned
 * version installs with npm like the vercel CLI does, then lives in the tool cache.
 *
 * The engine sets lock_timeout and statement_timeout itself, so squawk's rules asking for
 * them are off; a file that runs in a transaction is linted as one (--assume-in-transaction).
 * squawk's own `-- squawk-ignore <rule>` comments acknowledge a finding in the file.
 * npm-install and lib/exec are imported when used: migrate with lint: off loads neither.
 */





/** The version deploy-kit's tests run against (package.json devDependencies). */
const SQUAWK_VERSION = '2.66.0';
const squawkCli = {
    name: 'squawk',
    commands: ['squawk'],
    defaultVersion: SQUAWK_VERSION,
    versionArgs: ['--version'],
    parseVersion: (output) => /squawk (\d+\.\d+\.\d+)/.exec(output)?.[1],
    asset: () => ({ path: '', binary: external_node_path_default().join('node_modules', '.bin', 'squawk') }),
    install: async (version, log) => (await __webpack_require__.e(/* import() */ 611).then(__webpack_require__.bind(__webpack_require__, 6611))).npmInstall({
        pkg: 'squawk-cli',
        version,
        noNpm: 'Installing squawk (for lint) needs npm on the runner: add actions/setup-node.',
        timeoutMs: 5 * 60_000,
    }, log),
};
/**
 * The platform binary behind squawk-cli's node launcher (js/bin/squawk, which resolves
 * @squawk-cli/<platform>-<arch>/bin/squawk and spawns it: squawk-cli js/index.js), so a lint
 * starts one process, not node and then squawk (~45 ms less). Anything else is returned as is.
 */
function nativeSquawk(command) {
    let real;
    try {
        real = (0,external_node_fs_.realpathSync)(command);
    }
    catch {
        return command;
    }
    const launcher = external_node_path_default().join('squawk-cli', 'js', 'bin', 'squawk');
    if (!real.endsWith((external_node_path_default()).sep + launcher))
        return command;
    const modules = real.slice(0, -launcher.length);
    const binary = external_node_path_default().join(modules, '@squawk-cli', `${process.platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'squawk.exe' : 'squawk');
    return (0,external_node_fs_.existsSync)(binary) ? binary : command;
}
const ENGINE_SETS = ['require-lock-timeout', 'require-statement-timeout'];
/**
 * Runs squawk over the inputs, one process per group (in a transaction or not) for all the
 * group's files; `cwd` is where a project's .squawk.toml is found. squawk reads copies of
 * `sql` keeping each file's name: the n-th input with a given name goes into the folder
 * `n`, so 200 files of one migrations folder are 200 files in one folder, not 200 folders
 * (their mkdir and rmdir were most of lint's own time on 200 files: issue 13).
 */
async function lintSql(squawk, inputs, cwd) {
    const { runCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 4624));
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join((0,external_node_os_.tmpdir)(), 'dk-lint-'));
    try {
        const findings = [];
        const seen = new Map();
        const folders = new Set();
        const copyOf = (input) => {
            const name = external_node_path_default().basename(input.file);
            const n = seen.get(name) ?? 0;
            seen.set(name, n + 1);
            const folder = external_node_path_default().join(dir, `${n}`);
            if (!folders.has(folder))
                (0,external_node_fs_.mkdirSync)(folder);
            folders.add(folder);
            return external_node_path_default().join(folder, name);
        };
        for (const inTransaction of [true, false]) {
            const group = inputs.filter((input) => input.inTransaction === inTransaction);
            if (!group.length)
                continue;
            const byPath = new Map();
            const copies = group.map((input) => {
                const copy = copyOf(input);
                byPath.set(copy, input.file);
                return (0,promises_.writeFile)(copy, input.sql);
            });
            // Written side by side by libuv's threads: one after another, 200 took ~60 ms.
            await Promise.all(copies);
            const args = [
                '--reporter',
                'json',
                `--exclude=${ENGINE_SETS.join(',')}`,
                ...(inTransaction ? ['--assume-in-transaction'] : []),
                ...byPath.keys(),
            ];
            const result = await runCommand(squawk, args, { cwd, timeoutMs: 120_000 });
            // squawk prints a JSON array, `[]` when clean, and exits 0, or 1 on findings: nothing
            // printed, or another exit code (a crash), is no verdict — never "no findings".
            let violations;
            try {
                if (result.exitCode !== 0 && result.exitCode !== 1)
                    throw new Error('exit code');
                violations = JSON.parse(result.stdout);
                if (!Array.isArray(violations))
                    throw new Error('not a list');
            }
            catch {
                throw new errors/* KitError */.Fb(`squawk did not report (exit ${result.exitCode}): ${(result.stderr || result.stdout).slice(-1000)}`);
            }
            for (const v of violations)
                findings.push({
                    file: byPath.get(external_node_path_default().resolve(cwd, v.file)) ?? byPath.get(v.file) ?? v.file,
                    line: v.line + 1,
                    column: v.column + 1,
                    rule: v.rule_name,
                    level: v.level.toLowerCase() === 'error' ? 'error' : 'warning',
                    message: v.message,
                    help: v.help ?? undefined,
                });
        }
        return findings;
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
/** squawk's page for a rule. */
const ruleUrl = (rule) => `https://squawkhq.com/docs/${rule}`;

// EXTERNAL MODULE: ../../lib/schemas.ts
var schemas = __webpack_require__(2241);
// EXTERNAL MODULE: ../../lib/summary.ts
var summary = __webpack_require__(9825);
;// CONCATENATED MODULE: ../../migrate/verdict.ts
/**
 * Whether the release a rollback returns to can run on the schema the migrations left.
 * A rollback never undoes a migration, so after one the old code meets every migration
 * this release applied. migrate's `applied-verdicts` output says, per migration, what
 * squawk found in it; rollback-on-failure, the umbrella deploy and release take that
 * output as `migrations-applied` and put it in the rollback summary.
 *
 * Destructive: the squawk rules whose finding means code written for the schema before
 * the migration can break (a column or table it reads is gone or renamed, a type changed,
 * an insert that leaves a column out is now refused). Every other finding (locks, table
 * scans, int vs bigint) is about the migration itself, not about the old code: additive.
 */


/** squawk rules (squawkhq.com/docs/<rule>) that break code written for the schema before. */
const DESTRUCTIVE_RULES = new Set([
    'ban-drop-column',
    'ban-drop-table',
    'ban-drop-database',
    'renaming-column',
    'renaming-table',
    'changing-column-type',
    'adding-not-nullable-field',
    'adding-required-field',
    'ban-drop-not-null',
    'ban-truncate-cascade',
]);
/**
 * The verdict on one applied migration from squawk's findings on its SQL with the ignore
 * comments neutralised (`all`) and as the file has them (`reported`): an acknowledged
 * DROP COLUMN is still a DROP COLUMN for the old code.
 */
function verdictOf(version, all, reported) {
    const rules = [...new Set(all.map((f) => f.rule).filter((r) => DESTRUCTIVE_RULES.has(r)))];
    const seen = new Set(reported.map((f) => f.rule));
    const acknowledged = rules.filter((r) => !seen.has(r));
    return {
        version,
        verdict: rules.length ? 'destructive' : 'additive',
        rules,
        ...(acknowledged.length ? { acknowledged } : {}),
    };
}
/** The SQL with squawk's ignore comments turned into plain comments. */
const withoutIgnores = (sql) => sql.replace(/squawk-ignore/gi, 'squawk-acknowledged');
/**
 * The `migrations-applied` input: migrate's `applied-verdicts` (JSON array of objects), or
 * its `applied-versions` (JSON array of strings: verdict unknown). Empty: none known.
 */
const migrationsAppliedInput = {
    description: "The migrations applied before this deploy, which a rollback leaves in place: migrate's `applied-verdicts` output (`steps.migrate.outputs.applied-verdicts` in an expression; `applied-versions` also works, without verdicts). After a rollback the summary lists them with squawk's verdict on each — `destructive` (a dropped, renamed or retyped column or table, a new NOT NULL: the old release may fail on the new schema) or `additive` — and warns on a destructive one. Empty: no migrations listed.",
    example: '${{ steps.migrate.outputs.applied-verdicts }}',
    default: '',
    parse: (0,schemas/* via */.bK)((0,schemas/* text */.Qq)(), parseMigrationsApplied),
};
const VERDICTS = ['additive', 'destructive', 'unknown'];
function parseMigrationsApplied(raw) {
    if (!raw.trim())
        return [];
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        return new schemas/* Fail */.dM("expected JSON: migrate's applied-verdicts (or applied-versions) output");
    }
    if (!Array.isArray(value))
        return new schemas/* Fail */.dM("expected a JSON array: migrate's applied-verdicts output");
    const out = [];
    for (const item of value) {
        if (typeof item === 'string') {
            out.push({ version: item, verdict: 'unknown', rules: [], why: 'only the version was given' });
            continue;
        }
        const entry = item;
        if (!entry ||
            typeof entry.version !== 'string' ||
            !VERDICTS.includes(entry.verdict) ||
            !Array.isArray(entry.rules) ||
            !entry.rules.every((r) => typeof r === 'string'))
            return new schemas/* Fail */.dM('expected each entry to be a version string or {"version", "verdict": additive|destructive|unknown, "rules": [...]}');
        out.push({
            version: entry.version,
            verdict: entry.verdict,
            rules: entry.rules,
            ...(Array.isArray(entry.acknowledged) ? { acknowledged: entry.acknowledged.map(String) } : {}),
            ...(typeof entry.why === 'string' ? { why: entry.why } : {}),
        });
    }
    return out;
}
const LABEL = {
    destructive: 'destructive ⚠️',
    additive: 'additive ✅',
    unknown: 'unknown ❔',
};
/** One line on what the old release meets: for the summary's heading paragraph and a warning. */
function schemaVerdictLine(migrations) {
    const destructive = migrations.filter((m) => m.verdict === 'destructive');
    const unknown = migrations.filter((m) => m.verdict === 'unknown');
    const n = `${migrations.length} migration(s)`;
    if (destructive.length)
        return (`The database keeps the ${n} this release applied (a rollback never undoes one), and ` +
            `${destructive.map((m) => `${m.version} (${m.rules.join(', ')})`).join(', ')} ` +
            `${destructive.length === 1 ? 'is' : 'are'} destructive: the release rolled back to was not written for that schema and may fail on it. ` +
            'Check it now; restore the backup taken before the migrations, or ship a fix forward.');
    if (unknown.length)
        return `The database keeps the ${n} this release applied (a rollback never undoes one); ${unknown.length} of them were not linted, so whether the old release can run on them is unknown.`;
    return `The database keeps the ${n} this release applied (a rollback never undoes one); squawk found nothing destructive in them: the old release should run on the new schema.`;
}
/** The summary's table: the migrations the old release has not seen, and squawk's verdict on each. */
function schemaVerdictRows(migrations) {
    return migrations.map((m) => [
        m.version,
        LABEL[m.verdict],
        m.verdict === 'unknown'
            ? (m.why ?? 'not linted')
            : m.rules.length
                ? m.rules
                    .map((r) => `${r}${m.acknowledged?.includes(r) ? ' (acknowledged with squawk-ignore)' : ''}`)
                    .join(', ')
                : 'no destructive finding',
    ]);
}
/** The rollback summary's section on the migrations left in place (nothing when none were given). */
function addSchemaVerdict(summary, migrations) {
    if (!migrations.length)
        return;
    summary.addHeading('Migrations the release rolled back to has not seen', 4);
    summary.addRaw(`<p>${escapeHtml(schemaVerdictLine(migrations))}</p>\n`);
    summary.addTable(table(['migration', 'verdict (squawk)', 'because'], schemaVerdictRows(migrations)));
}
/** A warning annotation when the old release meets a destructive migration. */
function warnOnDestructive(migrations, warn) {
    if (migrations.some((m) => m.verdict === 'destructive'))
        warn(schemaVerdictLine(migrations), 'The old release meets a destructive migration');
}

;// CONCATENATED MODULE: ./lint-step.ts





/** GitHub shows few annotations per step; the summary table has every finding. */
const MAX_ANNOTATIONS = 50;
/**
 * Finds or installs squawk before the run takes its lock, so the lock is never held for a
 * network install. A squawk found on PATH is asked its version (a process start: ~90 ms for
 * squawk-cli's node launcher) only when there is SQL to lint, alongside the lint itself.
 * The installer is loaded only when lint is on (a lazy chunk).
 */
async function prepareLinter(mode, cwd, workspace) {
    const linter = {
        findings: [],
        unignored: [],
        verdict: (_file, version) => ({
            version,
            verdict: 'unknown',
            rules: [],
            why: linter.status === 'off' ? 'not linted (lint: off)' : `not linted: lint ${linter.status}`,
        }),
        reviewed: 0,
        status: 'off',
        review: async () => undefined,
        start: () => undefined,
        settle: async () => undefined,
        reviewFiles: async () => undefined,
        reviewSections: async () => undefined,
    };
    if (mode === 'off')
        return linter;
    const [{ cliOnPath, installCli, pathVersion }, { runnerInstallDeps }] = await Promise.all([
        __webpack_require__.e(/* import() */ 49).then(__webpack_require__.bind(__webpack_require__, 5049)),
        __webpack_require__.e(/* import() */ 77).then(__webpack_require__.bind(__webpack_require__, 77)),
    ]);
    let squawk;
    /** Asked once, with the first lint, of a squawk found on PATH. */
    let versionOnPath;
    try {
        const deps = await runnerInstallDeps(core.info);
        const onPath = await cliOnPath(squawkCli, undefined, deps);
        if (onPath) {
            squawk = nativeSquawk(onPath.path);
            linter.status = 'squawk';
            core.info(`Using squawk found on PATH at ${squawk}.`);
            let asked;
            versionOnPath = () => (asked ??= pathVersion(squawkCli, squawk, deps).catch(() => 'unknown version'));
        }
        else {
            const installed = await installCli(squawkCli, undefined, deps);
            squawk = nativeSquawk(installed.path);
            linter.status = `squawk ${installed.version}`;
        }
    }
    catch (error) {
        if (mode === 'error')
            throw new errors/* KitError */.Fb(`lint: error, and squawk could not be installed: ${(0,errors/* errorMessage */.gJ)(error)}`);
        core.warning(`Lint skipped: squawk could not be installed (${(0,errors/* errorMessage */.gJ)(error)}).`);
        linter.status = 'skipped (squawk not installed)';
        return linter;
    }
    const report = (what, withFile) => {
        const annotate = mode === 'error' ? core.error : core.warning;
        for (const f of linter.findings.slice(0, MAX_ANNOTATIONS))
            annotate(`${withFile ? '' : `In ${f.file}, line ${f.line} of its SQL: `}${f.message}${f.help ? ` ${f.help}` : ''} (${ruleUrl(f.rule)})`, { title: `squawk: ${f.rule}`, ...(withFile ? { file: f.file, startLine: f.line, startColumn: f.column } : {}) });
        core.info(`Lint (${linter.status}): ${linter.findings.length} finding(s) in ${what}` +
            (linter.findings.length > MAX_ANNOTATIONS
                ? ` (the first ${MAX_ANNOTATIONS} annotated; all in the summary).`
                : '.'));
        if (mode === 'error' && linter.findings.length)
            throw new errors/* KitError */.Fb(`lint: error — squawk found ${linter.findings.length} problem(s) in the pending migrations ` +
                `(${[...new Set(linter.findings.map((f) => f.rule))].join(', ')}). Nothing was applied. Fix them, or ` +
                'acknowledge one with `-- squawk-ignore <rule>` above the statement.');
    };
    /** `inputs` keyed by what verdict() is asked with; `file` is what findings name. */
    const lint = async (inputs, what, withFile) => {
        if (!inputs.length)
            return;
        linter.reviewed = inputs.length;
        const [findings, version] = await Promise.all([lintSql(squawk, inputs, cwd), versionOnPath?.()]);
        linter.findings = findings;
        if (version)
            linter.status = `squawk ${version}`;
        // A file that acknowledges a finding is linted once more without its ignore comments:
        // an acknowledged DROP COLUMN still drops the column the old release may read.
        const acknowledging = inputs.filter((input) => /squawk-ignore/i.test(input.sql));
        linter.unignored = acknowledging.length
            ? [
                ...linter.findings.filter((f) => !acknowledging.some((input) => input.file === f.file)),
                ...(await lintSql(squawk, acknowledging.map((input) => ({ ...input, sql: withoutIgnores(input.sql) })), cwd)),
            ]
            : linter.findings;
        const linted = new Map(inputs.map((input) => [input.key, input.file]));
        linter.verdict = (key, version) => {
            const file = linted.get(key);
            if (file === undefined)
                return { version, verdict: 'unknown', rules: [], why: 'not linted' };
            const inFile = (findings) => findings.filter((f) => f.file === file);
            return verdictOf(version, inFile(linter.unignored), inFile(linter.findings));
        };
        if (holding)
            held = () => report(what, withFile);
        else
            report(what, withFile);
    };
    let holding = false;
    let held;
    let background;
    linter.start = (pending) => {
        holding = true;
        background = linter.review(pending).catch((error) => {
            linter.status = `failed (${(0,errors/* errorMessage */.gJ)(error)})`;
            core.warning(`Lint failed: ${(0,errors/* errorMessage */.gJ)(error)}. With lint: warn the migrations ran without it.`);
        });
    };
    linter.settle = async () => {
        await background;
        holding = false;
        held?.();
        held = undefined;
    };
    linter.reviewFiles = (inputs) => lint(inputs.map((input) => ({ ...input, key: input.file, file: external_node_path_default().relative(workspace, input.file) })), `${inputs.length} pending file(s)`, true);
    linter.review = (pending) => linter.reviewFiles(pending.map((f) => ({ file: f.file, sql: f.sql, inTransaction: !f.noTransaction })));
    // Each section brings its own BEGIN/COMMIT (plan-sections.ts).
    linter.reviewSections = (what, sections, label) => lint(sections.map((s) => ({ key: s.name, file: label(s.name), sql: s.sql, inTransaction: false })), what, false);
    return linter;
}
/** Markdown table of the findings, for the summary and the plan output. */
function lintMarkdown(linter) {
    if (linter.status === 'off' || (linter.status.startsWith('squawk') && !linter.reviewed))
        return '';
    if (!linter.status.startsWith('squawk'))
        return `\nLint: ${linter.status}.\n`;
    if (!linter.findings.length)
        return `\nLint (${linter.status}): no findings.\n`;
    const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const rows = linter.findings.map((f) => `| ${f.file}:${f.line} | [${f.rule}](${ruleUrl(f.rule)}) | ${cell(f.message)} |`);
    return [
        '',
        `Lint (${linter.status}): ${linter.findings.length} finding(s)`,
        '',
        '| where | rule | finding |',
        '| --- | --- | --- |',
        ...rows,
        '',
    ].join('\n');
}


/***/ })

};
