export const id = 460;
export const ids = [460];
export const modules = {

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
