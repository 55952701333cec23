export const id = 460;
export const ids = [460];
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
            let violations;
            try {
                violations = JSON.parse(result.stdout || '[]');
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
            squawk = onPath.path;
            linter.status = 'squawk';
            core.info(`Using squawk found on PATH at ${squawk}.`);
            let asked;
            versionOnPath = () => (asked ??= pathVersion(squawkCli, squawk, deps).catch(() => 'unknown version'));
        }
        else {
            const installed = await installCli(squawkCli, undefined, deps);
            squawk = installed.path;
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
        report(what, withFile);
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


/***/ }),

/***/ 8460:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runTool: () => (/* binding */ runTool)
});

// EXTERNAL MODULE: ../../../node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1820);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../lib/action-spec.ts
var action_spec = __webpack_require__(7903);
// EXTERNAL MODULE: ../../lib/errors.ts
var errors = __webpack_require__(9470);
// EXTERNAL MODULE: ../../lib/duration.ts
var duration = __webpack_require__(9753);
// EXTERNAL MODULE: ../../lib/exec.ts + 1 modules
var exec = __webpack_require__(4624);
// EXTERNAL MODULE: ../../lib/summary.ts
var lib_summary = __webpack_require__(9825);
// EXTERNAL MODULE: ../../db/connection.ts + 1 modules
var connection = __webpack_require__(2436);
// EXTERNAL MODULE: ../../migrate/tools.ts
var tools = __webpack_require__(6088);
;// CONCATENATED MODULE: ../../migrate/tool-pending.ts
/**
 * The SQL files prisma and supabase WILL run: their migration files minus what their history
 * tables record. Read only, so that lint can look at them before the tool runs.
 *
 * - prisma migrate deploy: prisma/migrations/<name>/migration.sql, applied when
 *   `_prisma_migrations` has a row for <name> with finished_at set and rolled_back_at null.
 * - supabase db push: supabase/migrations/<version>_<name>.sql, applied when
 *   `supabase_migrations.schema_migrations` (the CLI's pkg/migration/history.go: version text
 *   primary key, statements text[], name text) has <version>.
 */


async function recorded(db, table, sql) {
    const found = await db.query('SELECT to_regclass($1)::text AS t', [table]);
    if (!found.rows[0]?.t)
        return new Set();
    return new Set((await db.query(sql)).rows.map((r) => r.v));
}
async function pendingToolFiles(tool, cwd, db) {
    const read = (name, file) => ({ name, file, sql: (0,external_node_fs_.readFileSync)(file, 'utf8') });
    if (tool === 'prisma') {
        const dir = external_node_path_default().join(cwd, 'prisma/migrations');
        if (!(0,external_node_fs_.existsSync)(dir))
            return [];
        const applied = await recorded(db, '"_prisma_migrations"', 'SELECT migration_name AS v FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
        return (0,external_node_fs_.readdirSync)(dir)
            .filter((name) => (0,external_node_fs_.statSync)(external_node_path_default().join(dir, name)).isDirectory() && (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, name, 'migration.sql')))
            .sort()
            .filter((name) => !applied.has(name))
            .map((name) => read(name, external_node_path_default().join(dir, name, 'migration.sql')));
    }
    const dir = external_node_path_default().join(cwd, 'supabase/migrations');
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    const applied = await recorded(db, 'supabase_migrations.schema_migrations', 'SELECT version AS v FROM supabase_migrations.schema_migrations');
    return (0,external_node_fs_.readdirSync)(dir)
        .filter((name) => /^\d+_.*\.sql$/.test(name))
        .sort()
        .filter((name) => !applied.has(/^(\d+)_/.exec(name)[1]))
        .map((name) => read(name.slice(0, -'.sql'.length), external_node_path_default().join(dir, name)));
}

;// CONCATENATED MODULE: ../../migrate/alembic-config.ts
/**
 * The version table an alembic project configures: `context.configure(version_table=...,
 * version_table_schema=...)` in the env.py under alembic.ini's `script_location`
 * (alembic/runtime/migration.py: the defaults are `alembic_version` and the search_path).
 * Only string literals are read; anything else keeps the default, with the reason.
 */


const literal = (source, keyword) => new RegExp(`\\b${keyword}\\s*=\\s*(?:'([^'\\n]+)'|"([^"\\n]+)")`).exec(source)?.slice(1).find(Boolean);
/** The env.py source of the project in `cwd`, or undefined. */
function alembicEnvSource(cwd) {
    const ini = external_node_path_default().join(cwd, 'alembic.ini');
    if (!(0,external_node_fs_.existsSync)(ini))
        return undefined;
    const location = /^\s*script_location\s*=\s*(.+?)\s*$/m.exec((0,external_node_fs_.readFileSync)(ini, 'utf8'))?.[1];
    if (!location || location.includes(':'))
        return undefined; // a package resource (pkg:path): not read
    const env = external_node_path_default().join(external_node_path_default().resolve(cwd, location.replace(/%\(here\)s/g, cwd)), 'env.py');
    return (0,external_node_fs_.existsSync)(env) ? (0,external_node_fs_.readFileSync)(env, 'utf8') : undefined;
}
function alembicVersionTable(source) {
    const table = source ? literal(source, 'version_table') : undefined;
    const schema = source ? literal(source, 'version_table_schema') : undefined;
    return { table: table ?? 'alembic_version', ...(schema ? { schema } : {}) };
}
/** The table as SQL, each part quoted. */
const quotedVersionTable = (t) => [t.schema, t.table]
    .filter((p) => p !== undefined)
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

;// CONCATENATED MODULE: ../../migrate/tool-output.ts
function alembicProgress(output) {
    const steps = [...output.matchAll(/Running upgrade (\S*)\s*-> (\S+?), ?(.*)$/gm)].map((m) => `${m[2]}${m[3] ? ` (${m[3].trim()})` : ''}`);
    return {
        failing: steps.at(-1),
        before: steps.slice(0, -1),
        location: tracebackLocation(output, /[/\\]versions[/\\]/),
    };
}
function djangoProgress(output) {
    const steps = [...output.matchAll(/^\s*Applying (\S+?)\.\.\.( OK)?/gm)];
    const done = steps.filter((m) => m[2]).map((m) => m[1]);
    const last = steps.at(-1);
    return {
        failing: last && !last[2] ? last[1] : undefined,
        before: done,
        location: tracebackLocation(output, /[/\\]migrations[/\\]\d/),
    };
}
/** The innermost traceback frame in a file whose path matches `where`. */
function tracebackLocation(output, where) {
    const frames = [...output.matchAll(/^\s*File "([^"]+)", line (\d+)/gm)].filter((m) => where.test(m[1]));
    const frame = frames.at(-1);
    return frame ? { file: frame[1], line: Number(frame[2]) } : undefined;
}
/**
 * DATABASE_URL as the tools want it: SQLAlchemy (alembic) rejects `postgres://` since 1.4
 * ("Can't load plugin: sqlalchemy.dialects:postgres"); `postgresql://` is what every other
 * tool (Django, prisma, knex/pg, supabase) accepts too. The password stays percent-encoded.
 */
function toolDatabaseUrl(url) {
    return url.replace(/^postgres:\/\//, 'postgresql://');
}

;// CONCATENATED MODULE: ../../migrate/plan-sections.ts
const MARKER = /^-- Running upgrade (\S*) -> (\S+)/;
const isStatement = (line, word) => new RegExp(`^\\s*${word}\\s*;\\s*$`, 'i').test(line);
/** The revisions of an alembic offline plan; `versionTable` is alembic's own table (left out). */
function alembicSections(plan, versionTable = 'alembic_version') {
    const lines = plan.split('\n');
    const bookkeeping = new RegExp(versionTable.replace(/[^A-Za-z0-9_]/g, '\\$&'), 'i'); // also <table>_pkc
    const transactional = lines.some((line) => isStatement(line, 'BEGIN'));
    const starts = lines.flatMap((line, i) => (MARKER.test(line) ? [i] : []));
    return starts.map((start, k) => {
        const body = lines.slice(start + 1, starts[k + 1]);
        // alembic's statements, blanked so that the revision's lines keep their numbers.
        for (let i = 0; i < body.length;) {
            let end = i;
            while (end < body.length - 1 && !/;\s*$/.test(body[end] ?? ''))
                end++;
            if (bookkeeping.test(body.slice(i, end + 1).join(' ')))
                body.fill('', i, end + 1);
            i = end + 1;
        }
        // The next revision's BEGIN belongs to it; the COMMIT that ends this one is put back.
        while (body.length && (!body.at(-1)?.trim() || isStatement(body.at(-1), 'BEGIN')))
            body.pop();
        if (transactional) {
            if (!isStatement(body.at(-1) ?? '', 'COMMIT'))
                body.push('COMMIT;');
            body[0] = `BEGIN; ${body[0] ?? ''}`;
        }
        return { name: MARKER.exec(lines[start])[2], sql: body.join('\n') };
    });
}
/** The revision ids of alembic's `Running upgrade A -> B, message` log lines, in order. */
const alembicUpgrades = (output) => [...output.matchAll(/Running upgrade \S*\s*-> (\S+?)(?:,|$)/gm)].map((m) => m[1]);
/** `sqlmigrate` of each migration `migrate --plan` lists; undefined when one of them failed. */
async function djangoSections(python) {
    const plan = await python(['manage.py', 'migrate', '--plan']);
    if (plan?.exitCode !== 0)
        return undefined;
    const sections = [];
    for (const [, app, name] of plan.stdout.matchAll(/^(\w+)\.(\w+)$/gm)) {
        const sql = await python(['manage.py', 'sqlmigrate', app, name]);
        if (sql?.exitCode !== 0)
            return undefined;
        sections.push({ name: `${app}.${name}`, sql: `${sql.stdout.trim()}\n` });
    }
    return sections;
}

;// CONCATENATED MODULE: ../../migrate/tool-applied.ts


async function appliedByTool(tool, deps) {
    const named = (versions) => versions.map((version) => ({ version, key: version }));
    if (tool === 'django')
        return named(djangoProgress(deps.output).before);
    if (tool === 'alembic') {
        const planned = deps.planned ?? alembicUpgrades(deps.output);
        return named(appliedRevisions(planned, deps.revisionBefore, await deps.revisionNow(), deps.ok));
    }
    if ((tool === 'prisma' || tool === 'supabase') && deps.pendingBefore) {
        const still = new Set((await deps.pendingNow()).map((f) => f.file));
        return deps.pendingBefore.filter((f) => !still.has(f.file)).map((f) => ({ version: f.name, key: f.file }));
    }
    return undefined;
}
/**
 * Of the revisions a run set out to apply (in order), those the database has after it: up
 * to the revision it is at (`after`); none when it did not move. When `after` is not one of
 * them (several heads), all of them if the run succeeded, else none is known.
 */
function appliedRevisions(planned, before, after, ok) {
    if (after === before)
        return [];
    const at = after === undefined ? -1 : planned.indexOf(after);
    if (at >= 0)
        return planned.slice(0, at + 1);
    return ok ? planned : [];
}

// EXTERNAL MODULE: ./lint-step.ts + 2 modules
var lint_step = __webpack_require__(6537);
// EXTERNAL MODULE: ./spec.ts + 1 modules
var spec = __webpack_require__(9840);
;// CONCATENATED MODULE: ./run-tool.ts

















/** The tool's plan/status command for a dry run: shows what would run, changes nothing. */
const DRY_RUN_ARGS = {
    django: ['manage.py', 'migrate', '--plan'],
    prisma: ['--no-install', 'prisma', 'migrate', 'status'],
    knex: ['--no-install', 'knex', 'migrate:list'],
};
/** Lines of the tool's output kept in the summary of a failure. */
const FAILURE_LINES = 60;
async function runTool(tool, inputs, cwd, workspace) {
    const db = inputs.databaseUrl;
    const toolUrl = toolDatabaseUrl(db.url);
    const env = (0,connection/* childEnv */.gf)(db, { DATABASE_URL: toolUrl });
    // The tool may print the URL it was given: shown without its password.
    const hide = (text) => (0,connection/* scrub */._I)(text.split(toolUrl).join(toolDatabaseUrl(db.urlWithoutPassword)), db);
    let command;
    let args;
    let install = '';
    if (tool === 'command') {
        [command, ...args] = inputs.command;
    }
    else {
        ({ command, args, install } = (0,tools/* toolCommand */.WQ)(tool, db.urlWithoutPassword));
    }
    if (tool === 'django' && !onPath('python', env.PATH) && onPath('python3', env.PATH))
        command = 'python3';
    const revisionBefore = tool === 'alembic' ? await alembicRevision(db, cwd) : undefined;
    // Offline --sql never reads the database: without a start revision it prints the whole history.
    const alembicPlan = ['upgrade', revisionBefore ? `${revisionBefore}:head` : 'head', '--sql'];
    if (inputs.dryRun) {
        if (tool === 'supabase')
            args = [...args, '--dry-run'];
        else if (tool === 'alembic') {
            args = alembicPlan;
            core.info(`alembic: the database is at ${revisionBefore ? `revision ${revisionBefore}` : 'no revision yet'}.`);
        }
        else if (DRY_RUN_ARGS[tool])
            args = DRY_RUN_ARGS[tool];
        else {
            core.notice('dry-run: the command was not run (a custom command has no plan mode).');
            (0,action_spec/* setOutputs */.n0)(spec/* spec */.I, { plan: 'dry-run: the custom command was not run.' });
            return;
        }
    }
    // The SQL the tool will run is linted before the real run, so lint: error changes nothing.
    const linted = tool === 'alembic' || tool === 'django' || tool === 'prisma' || tool === 'supabase';
    const linter = await (0,lint_step/* prepareLinter */.e)(linted ? inputs.lint : 'off', cwd, workspace);
    const linting = linter.status.startsWith('squawk');
    const pendingNow = async () => {
        const client = await (0,connection/* connect */.Ng)(db, { applicationName: 'deploy-kit migrate' });
        try {
            return await pendingToolFiles(tool, cwd, client);
        }
        finally {
            await client.end().catch(() => undefined);
        }
    };
    // prisma's and supabase's pending files: linted, and what the run applied is among them.
    const pendingBefore = (tool === 'prisma' || tool === 'supabase') && (linting || !inputs.dryRun) ? await pendingNow() : undefined;
    if (pendingBefore && linting)
        await linter.reviewFiles(pendingBefore.map((f) => ({ file: f.file, sql: f.sql, inTransaction: true })));
    let planned;
    if (tool === 'alembic' && linting) {
        const plan = await (0,exec.runCommand)(command, alembicPlan, { cwd, env, timeoutMs: inputs.timeout }).catch(() => undefined);
        if (plan?.exitCode === 0) {
            const sections = alembicSections(plan.stdout, alembicVersionTable(alembicEnvSource(cwd)).table);
            planned = sections.map((s) => s.name);
            await linter.reviewSections('the alembic plan', sections, (name) => `alembic revision ${name}`);
        }
        else if (plan)
            core.warning(`Lint skipped: \`alembic ${alembicPlan.join(' ')}\` failed (exit ${plan.exitCode}).`);
    }
    if (tool === 'django' && linting) {
        const python = (pyArgs) => (0,exec.runCommand)(command, pyArgs, { cwd, env, timeoutMs: inputs.timeout }).catch(() => undefined);
        const sections = await djangoSections(python);
        if (sections === undefined)
            core.warning('Lint skipped: `manage.py migrate --plan` or `sqlmigrate` failed.');
        else
            await linter.reviewSections("Django's pending migrations", sections, (name) => `django migration ${name}`);
    }
    const shown = [command, ...args].join(' ');
    const started = Date.now();
    const result = await core.group(`${inputs.dryRun ? 'Planning' : 'Migrating'} ${db.label}: ${hide(shown)}`, async () => {
        try {
            return await (0,exec.runCommand)(command, args, {
                cwd,
                env,
                timeoutMs: inputs.timeout,
                onStdout: (chunk) => process.stdout.write(hide(chunk)),
                onStderr: (chunk) => process.stdout.write(hide(chunk)),
            });
        }
        catch (error) {
            if (error.code === 'ENOENT')
                throw new errors/* KitError */.Fb(`${command} was not found on PATH (tool: ${tool}). Install it in an earlier step${install ? `: ${install}` : ''}.`);
            throw error;
        }
    });
    const elapsed = (0,duration/* formatDuration */.a)(Date.now() - started);
    const all = hide(result.stdout + result.stderr);
    if (inputs.dryRun)
        (0,action_spec/* setOutputs */.n0)(spec/* spec */.I, { plan: '```\n' + hide((0,exec/* tail */.R)(result.stdout, 200)) + '\n```\n' + (0,lint_step/* lintMarkdown */.t)(linter) });
    const ok = result.exitCode === 0 && !result.timedOut;
    // alembic's revision after the run, read once for the failure's summary and the outputs.
    let after;
    const revisionNow = () => (after ??= alembicRevision(db, cwd));
    const progress = ok || inputs.dryRun ? undefined : await failedProgress(tool, all, revisionBefore, revisionNow);
    if (!inputs.dryRun) {
        const deps = { output: all, ok, pendingBefore, pendingNow, planned, revisionBefore, revisionNow };
        const applied = await appliedByTool(tool, deps).catch((error) => {
            core.warning(`Could not tell which migrations ${tool} applied: ${(0,errors/* errorMessage */.gJ)(error)}`);
            return undefined;
        });
        if (applied)
            (0,action_spec/* setOutputs */.n0)(spec/* spec */.I, {
                applied: applied.length,
                'applied-versions': JSON.stringify(applied.map((a) => a.version)),
                'applied-verdicts': JSON.stringify(applied.map((a) => linter.verdict(a.key, a.version))),
            });
    }
    await (0,lib_summary/* writeSummary */.Sy)((summary) => {
        summary.addHeading(`${tool} ${inputs.dryRun ? 'plan' : 'migration'} on ${db.label} ${ok ? '✅' : '❌'}`, 3);
        summary.addTable((0,lib_summary/* table */.tp)(['command', 'result', 'duration'], [[hide(shown), result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`, elapsed]]));
        if (progress?.failing)
            summary.addRaw(`\n${describe(progress).join('\n\n')}\n`);
        if (!ok)
            summary.addCodeBlock((0,exec/* tail */.R)(all, FAILURE_LINES));
        summary.addRaw((0,lint_step/* lintMarkdown */.t)(linter));
    });
    if (progress?.failing)
        core.error(describe(progress).join('\n'), {
            title: 'Migration failed',
            ...(progress.location && isInside(progress.location.file, cwd)
                ? {
                    file: external_node_path_default().relative(process.env.GITHUB_WORKSPACE || process.cwd(), external_node_path_default().resolve(cwd, progress.location.file)),
                    startLine: progress.location.line,
                }
                : {}),
        });
    if (result.timedOut)
        throw new errors/* KitError */.Fb(`${hide(shown)} did not finish within timeout (${(0,duration/* formatDuration */.a)(inputs.timeout)}) and was stopped.`);
    if (result.exitCode !== 0) {
        const what = progress?.failing ? ` in migration ${progress.failing}` : '';
        throw new errors/* KitError */.Fb(`${hide(shown)} failed${what} with exit code ${result.exitCode ?? result.signal}:\n${(0,exec/* tail */.R)(all, 30)}`);
    }
    core.info(`${tool} finished in ${elapsed}.`);
}
async function failedProgress(tool, output, revisionBefore, revisionNow) {
    if (tool === 'django') {
        const progress = djangoProgress(output);
        // Django runs each migration in its own transaction on PostgreSQL (Migration.atomic).
        return { ...progress, committed: 'yes', committedList: progress.before };
    }
    if (tool !== 'alembic')
        return undefined;
    const progress = alembicProgress(output);
    const after = await revisionNow().catch(() => revisionBefore);
    if (after === revisionBefore)
        return { ...progress, committed: 'no', committedList: [] };
    // alembic's env.py may commit per migration (transaction_per_migration=True): what is
    // committed is what the database's revision says.
    const upTo = progress.before.findIndex((step) => step.split(' ')[0] === after);
    const committedList = upTo >= 0 ? progress.before.slice(0, upTo + 1) : progress.before;
    return { ...progress, committed: committedList.length === progress.before.length ? 'yes' : 'some', committedList };
}
function describe(progress) {
    const lines = [`Failed in migration **${progress.failing}**.`];
    if (!progress.before.length)
        lines.push('No migration was applied before it in this run.');
    else if (progress.committed === 'no')
        lines.push(`Ran before it in the same transaction, rolled back with it (the database is where it was): ${progress.before.join(', ')}.`);
    else
        lines.push(`Applied before it (committed): ${progress.committedList.join(', ')}.`);
    return lines;
}
/** alembic's current revision, read from its version table (env.py's version_table, default alembic_version). */
async function alembicRevision(db, cwd) {
    const table = quotedVersionTable(alembicVersionTable(alembicEnvSource(cwd)));
    const client = await (0,connection/* connect */.Ng)(db, { applicationName: 'deploy-kit migrate' });
    try {
        const exists = await client.query('SELECT to_regclass($1)::text AS t', [table]);
        if (!exists.rows[0]?.t)
            return undefined;
        const rows = await client.query(`SELECT version_num AS v FROM ${table}`);
        if (rows.rows.length > 1)
            core.info(`alembic: several heads applied (${rows.rows.map((r) => r.v).join(', ')}); the plan starts from the base.`);
        return rows.rows.length === 1 ? rows.rows[0]?.v : undefined;
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
function onPath(command, PATH = '') {
    return PATH.split((external_node_path_default()).delimiter).some((dir) => dir && (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, command)));
}
const isInside = (file, dir) => !external_node_path_default().relative(dir, external_node_path_default().resolve(dir, file)).startsWith('..');


/***/ })

};
