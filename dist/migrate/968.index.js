export const id = 968;
export const ids = [968];
export const modules = {

/***/ 3968:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  planMarkdown: () => (/* binding */ planMarkdown),
  runSql: () => (/* binding */ runSql)
});

// EXTERNAL MODULE: ../../../node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1820);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../lib/action-spec.ts
var action_spec = __webpack_require__(7903);
// EXTERNAL MODULE: ../../lib/errors.ts
var errors = __webpack_require__(9470);
// EXTERNAL MODULE: ../../lib/duration.ts
var duration = __webpack_require__(9753);
;// CONCATENATED MODULE: ../../lib/retry.ts
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Following a platform's deployment: poll from 500 ms, 1.5× longer each time, at most every 5 s. */
const POLL_FIRST_MS = 500;
const nextPoll = (delayMs) => Math.min(5000, Math.round(delayMs * 1.5));
/** Runs fn until it succeeds, with exponential backoff. Only for steps that are safe to repeat. */
async function retry(fn, options) {
    const { attempts, baseDelayMs = 1000, maxDelayMs = 30_000, retryable = () => true } = options;
    const wait = options.sleep ?? sleep;
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (error) {
            if (attempt >= attempts || !retryable(error))
                throw error;
            const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
            options.onRetry?.(error, attempt, delay);
            await wait(delay);
        }
    }
}

// EXTERNAL MODULE: ../../lib/summary.ts
var lib_summary = __webpack_require__(9825);
// EXTERNAL MODULE: ../../db/connection.ts + 1 modules
var connection = __webpack_require__(2436);
// EXTERNAL MODULE: ../../migrate/approved.ts
var approved = __webpack_require__(2464);
;// CONCATENATED MODULE: ../../migrate/blockers.ts
const FIRST_SAMPLE_MS = 200;
const SAMPLE_EVERY_MS = 250;
function blockerWatch(openMonitor) {
    let monitor;
    const sample = async (pid) => {
        monitor ??= openMonitor();
        const db = await monitor;
        const result = await db.query(`SELECT pid, usename, application_name, state, left(query, 300) AS query,
              date_trunc('second', now() - coalesce(xact_start, query_start))::text AS age
         FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids($1)) ORDER BY pid`, [pid]);
        return result.rows.map((r) => `server process ${r.pid} (${r.application_name ? `"${r.application_name}", ` : ''}user ${r.usename ?? '?'}, ` +
            `${r.state ?? 'unknown state'}${r.age ? ` for ${r.age}` : ''}, ${r.state === 'active' ? 'running' : 'last query'}: ` +
            `${literalsHidden(r.query ?? '') || '(none)'})`);
    };
    return {
        start(pid) {
            let last = [];
            let stopped = false;
            let running = Promise.resolve();
            let timer;
            const tick = () => {
                running = sample(pid)
                    .then((found) => {
                    if (found.length)
                        last = found;
                })
                    .catch(() => undefined)
                    .finally(() => {
                    if (!stopped)
                        timer = setTimeout(tick, SAMPLE_EVERY_MS);
                });
            };
            timer = setTimeout(tick, FIRST_SAMPLE_MS);
            return {
                async stop() {
                    stopped = true;
                    clearTimeout(timer);
                    await running;
                    return last;
                },
            };
        },
        async close() {
            if (monitor)
                await (await monitor.catch(() => undefined))?.end().catch(() => undefined);
        },
    };
}
/**
 * Another session's query, on one line, its string literals elided: what it does matters
 * here, not the values it carries (which may be data, or a password).
 */
function literalsHidden(query) {
    return query
        .replace(/'(?:[^']|'')*'/g, "'…'")
        .replace(/\s+/g, ' ')
        .trim();
}
/** For a dry run and tests: never samples. */
const noWatch = {
    start: () => ({ stop: async () => [] }),
    close: async () => undefined,
};

;// CONCATENATED MODULE: ../../migrate/split-sql.ts
function splitSql(text) {
    const statements = [];
    let start = 0;
    let i = 0;
    let atomicDepth = 0;
    let previousWord = '';
    let open = false;
    /** The skip functions return past the end when the text ends before what they skip does. */
    const skipTo = (end) => {
        open ||= end > text.length;
        return Math.min(end, text.length);
    };
    const push = (end) => {
        const raw = text.slice(start, end);
        const lead = leadingNoise(raw);
        if (lead < raw.length) {
            const offset = start + lead;
            statements.push({ sql: raw.slice(lead).trimEnd(), offset, line: lineAt(text, offset) });
        }
    };
    while (i < text.length) {
        const c = text[i];
        const next = text[i + 1];
        if (c === '-' && next === '-') {
            const end = text.indexOf('\n', i);
            i = end === -1 ? text.length : end + 1;
        }
        else if (c === '/' && next === '*') {
            i = skipTo(skipBlockComment(text, i));
        }
        else if (c === "'") {
            const escapes = /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
            i = skipTo(skipQuoted(text, i, "'", escapes));
        }
        else if (c === '"') {
            i = skipTo(skipQuoted(text, i, '"', false));
        }
        else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
            const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
            if (tag) {
                const end = text.indexOf(tag[0], i + tag[0].length);
                i = skipTo(end === -1 ? text.length + 1 : end + tag[0].length);
            }
            else
                i++;
        }
        else if (/[A-Za-z_]/.test(c)) {
            const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i))[0].toUpperCase();
            if (word === 'ATOMIC' && previousWord === 'BEGIN')
                atomicDepth++;
            else if (atomicDepth > 0 && word === 'CASE')
                atomicDepth++;
            else if (atomicDepth > 0 && word === 'END')
                atomicDepth--;
            previousWord = word;
            i += word.length;
        }
        else if (c === ';' && atomicDepth === 0) {
            push(i + 1);
            start = i + 1;
            i++;
            previousWord = '';
        }
        else {
            i++;
        }
    }
    push(text.length);
    const last = statements[statements.length - 1];
    if (last && (open || atomicDepth > 0))
        last.open = true;
    return statements;
}
/** Length of the whitespace and comments before a statement's first token. */
function leadingNoise(text) {
    let i = 0;
    for (;;) {
        while (i < text.length && /\s/.test(text[i]))
            i++;
        if (text.startsWith('--', i)) {
            const end = text.indexOf('\n', i);
            i = end === -1 ? text.length : end + 1;
        }
        else if (text.startsWith('/*', i)) {
            i = Math.min(skipBlockComment(text, i), text.length);
        }
        else if (text[i] === ';') {
            i++;
        }
        else
            return i;
    }
}
function skipBlockComment(text, at) {
    let depth = 0;
    let i = at;
    while (i < text.length) {
        if (text.startsWith('/*', i)) {
            depth++;
            i += 2;
        }
        else if (text.startsWith('*/', i)) {
            depth--;
            i += 2;
            if (depth === 0)
                return i;
        }
        else
            i++;
    }
    return text.length + 1;
}
function skipQuoted(text, at, quote, backslashEscapes) {
    let i = at + 1;
    while (i < text.length) {
        const c = text[i];
        if (backslashEscapes && c === '\\')
            i += 2;
        else if (c === quote && text[i + 1] === quote)
            i += 2;
        else if (c === quote)
            return i + 1;
        else
            i++;
    }
    return text.length + 1;
}
/** 1-based line number of an offset. */
function lineAt(text, offset) {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++)
        if (text.charCodeAt(i) === 10)
            line++;
    return line;
}

;// CONCATENATED MODULE: ../../migrate/batch.ts

/** The server's time since it received the query string, in ms (what the record says the file took). */
const ELAPSED_MS = '(extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.statement_timestamp()) * 1000)';
/** Sets statement_timeout to what is left of `remainingMs`, counted from when the server received the string. */
const timeoutLeft = (remainingMs) => `SELECT pg_catalog.set_config('statement_timeout', greatest(1, ${Math.round(remainingMs)} - ${ELAPSED_MS})::bigint::text, false)`;
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|ABORT|START\s+TRANSACTION|PREPARE\s+TRANSACTION)\b/i;
/**
 * Whether a file can run as one query string: in a transaction, without transaction control
 * of its own (its COMMIT would end the transaction the record belongs to), and not ending
 * inside a string or comment (which would take in what the batch adds after it).
 */
function batchable(noTransaction, statements) {
    return !noTransaction && !statements.some((s) => s.open || TRANSACTION_CONTROL.test(s.sql));
}
/** At most this many files, or this much SQL, in one query string. */
const GROUP_FILES = 100;
const GROUP_CHARS = 1 << 20;
const metaCommand = (statements) => statements.find((statement) => statement.sql.startsWith('\\'));
/**
 * The pending files in the order they run, consecutive files one query string can take
 * together (a history that can tell each file's duration apart: `spentSql`), the others alone.
 */
function groups(files, history) {
    const out = [];
    let group = [];
    let chars = 0;
    const flush = () => {
        if (group.length)
            out.push(group);
        group = [];
        chars = 0;
    };
    for (const file of files) {
        const statements = splitSql(file.sql);
        const prepared = {
            file,
            statements,
            inOne: batchable(file.noTransaction, statements) && !metaCommand(statements),
        };
        if (!history.spentSql || !prepared.inOne) {
            flush();
            out.push([prepared]);
            continue;
        }
        if (group.length >= GROUP_FILES || (group.length && chars + file.sql.length > GROUP_CHARS))
            flush();
        group.push(prepared);
        chars += file.sql.length;
    }
    flush();
    return out;
}
/** The files' parts in one string; `remainingMs`: what is left of the run's deadline when it is sent. */
function buildBatch(files, remainingMs) {
    const parts = [];
    let text = '';
    const add = (sql, extra) => {
        parts.push({ sql, offset: text.length, ...extra });
        // A statement of the file ends with its own `;` (not in a comment: splitSql saw to that)
        // unless it is the last one; the newline ends a trailing -- comment.
        text += sql.endsWith(';') ? `${sql}\n` : `${sql}\n;\n`;
    };
    files.forEach((input, file) => {
        for (const sql of input.prefix)
            add(sql, { file });
        input.statements.forEach((statement, index) => {
            if (index > 0)
                add(timeoutLeft(remainingMs), { file });
            add(statement.sql, { file, statement });
        });
        for (const sql of input.record)
            add(sql, { file, record: true });
        add('COMMIT', { file, record: true, commit: true });
    });
    return { text, parts };
}
/**
 * Runs a query string; on error, how many of its statements completed before it.
 * `onComplete` hears of each statement as the server reports it done, with the count so far.
 */
async function runCounted(db, text, onComplete = () => undefined) {
    let completed = 0;
    const count = () => {
        completed++;
        onComplete(completed);
    };
    db.connection.on('commandComplete', count);
    try {
        await db.query(text);
        return { completed };
    }
    catch (error) {
        return { completed, error: error };
    }
    finally {
        db.connection.removeListener('commandComplete', count);
    }
}
/**
 * The file and statement an error belongs to, the error's position made relative to it; or
 * that file's record. A failing part of the batch's own before a statement counts as that
 * statement's.
 */
function locate(batch, error, completed) {
    const { parts } = batch;
    const at = error.position ? unitOffset(batch.text, Number(error.position)) : undefined;
    let index = at === undefined ? completed : parts.findLastIndex((p) => p.offset <= at);
    index = Math.min(Math.max(index, 0), parts.length - 1);
    const part = parts[index];
    const { file } = part;
    if (part.record)
        return part.commit ? { file, record: true, commit: true } : { file, record: true };
    const own = part.statement ? index : parts.findIndex((p, i) => i > index && p.file === file && p.statement);
    if (own === -1)
        return { file, record: true };
    const statement = parts[own].statement;
    const position = part.statement && at !== undefined ? String(at - part.offset + 1) : undefined;
    return {
        file,
        statement,
        index: parts.slice(0, own).filter((p) => p.statement && p.file === file).length,
        // Not spread: an Error's message is not enumerable.
        error: {
            message: error.message,
            code: error.code,
            detail: error.detail,
            hint: error.hint,
            where: error.where,
            position,
        },
    };
}
/** PostgreSQL's 1-based position counts characters; the JS offset of that character counts UTF-16 units. */
function unitOffset(text, position) {
    let units = 0;
    let characters = 1;
    for (const character of text) {
        if (characters >= position)
            break;
        units += character.length;
        characters++;
    }
    return units;
}

;// CONCATENATED MODULE: ../../migrate/migration-error.ts


/** A failing migration file, with where in it, and what to clean up by hand. */
class MigrationError extends errors/* KitError */.Fb {
    file;
    line;
    column;
    applied;
    cleanup;
    name = 'MigrationError';
    constructor(message, file, line, column, applied, 
    /** SQL to run by hand before a re-run (e.g. DROP INDEX CONCURRENTLY of an INVALID index). */
    cleanup = []) {
        super(message);
        this.file = file;
        this.line = line;
        this.column = column;
        this.applied = applied;
        this.cleanup = cleanup;
    }
}
function failure(ctx) {
    const { file, statement, error, applied, statementsDone } = ctx;
    const position = error.position ? Number(error.position) : undefined;
    const offset = position ? statement.offset + position - 1 : statement.offset;
    const line = position ? lineAt(file.content, offset) : statement.line;
    const column = position ? offset - file.content.lastIndexOf('\n', offset - 1) : undefined;
    const parts = [
        `${file.name} failed at line ${line}${column ? `, column ${column}` : ''}: ${ctx.explanation ?? error.message}` +
            (error.code ? ` (SQLSTATE ${error.code})` : '') +
            (position ? ` at position ${position} of the statement starting on line ${statement.line}` : ''),
    ];
    if (error.detail)
        parts.push(`Detail: ${error.detail}`);
    if (error.hint)
        parts.push(`Hint: ${error.hint}`);
    if (error.where)
        parts.push(`Where: ${error.where}`);
    const invalid = ctx.invalidIndexes ?? [];
    const cleanup = invalid.map((index) => `DROP INDEX CONCURRENTLY IF EXISTS ${index};`);
    if (file.noTransaction) {
        const kept = statementsDone
            ? `its first ${statementsDone} statement(s) stay applied`
            : invalid.length
                ? 'its statements were not completed'
                : 'nothing from it was applied';
        parts.push(`This file runs outside a transaction: ${kept}, and it is not recorded as applied.`);
        if (invalid.length)
            parts.push(`PostgreSQL left ${invalid.length > 1 ? 'these indexes' : 'this index'} behind, INVALID (a failed CREATE INDEX ` +
                `CONCURRENTLY does; queries do not use it, but every write still updates it): ${invalid.join(', ')}. ` +
                `Drop ${invalid.length > 1 ? 'them' : 'it'} before re-running: ${cleanup.join(' ')}`);
        else if (statementsDone)
            parts.push('Make it safe to run again (IF NOT EXISTS) before re-running.');
    }
    else
        parts.push('Nothing from this file was applied (its transaction was rolled back).');
    if (applied.length)
        parts.push(`Applied before it: ${applied.map((a) => a.version).join(', ')}.`);
    return new MigrationError(parts.join('\n'), file.file, line, column, applied, cleanup);
}

;// CONCATENATED MODULE: ../../migrate/invalid-indexes.ts
/** INVALID indexes in the database, schema-qualified. */
async function invalidIndexes(db) {
    const result = await db.query(`SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid ORDER BY 1`);
    return result.rows.map((r) => r.name);
}
const newlyInvalid = (before, after) => after.filter((index) => !before.includes(index));
const unqualified = (index) => index.split('.').pop().replace(/"/g, '').toLowerCase();
/** Names of the indexes a file creates concurrently. */
function indexNames(sql) {
    const names = new Set();
    const pattern = /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/gi;
    for (const match of sql.matchAll(pattern))
        names.add(unqualified(match[1]));
    return names;
}

;// CONCATENATED MODULE: ../../migrate/apply.ts
/**
 * Applies one migration file on the run's session and records it:
 * - from a clean session state: everything DISCARD ALL resets except the advisory locks
 *   (DISCARD ALL would release the run's lock), so a `SET search_path` never reaches the next file;
 * - with `lock_timeout` (input lock-timeout) and `statement_timeout` (what is left of input
 *   timeout) on every statement; a lock wait that times out names the sessions it waited for;
 * - psql meta-commands refused before any of it runs;
 * - recorded as the session's own user, wherever the file left its role and search_path;
 * - a file run outside a transaction is not recorded while an index it builds is INVALID.
 * Files that run in a transaction go to PostgreSQL as one query string (batch.ts) when they
 * can, consecutive ones together (`groups`); others, statement by statement.
 */





const CLEAN_SESSION = [
    'CLOSE ALL',
    'SET SESSION AUTHORIZATION DEFAULT',
    'RESET ALL',
    'DEALLOCATE ALL',
    'UNLISTEN *',
    'DISCARD PLANS',
    'DISCARD TEMP',
    'DISCARD SEQUENCES',
];
/** Before the record: the session's own user and settings (a file's SET ROLE or search_path gone). */
const RESET_ROLE = ['SET SESSION AUTHORIZATION DEFAULT', 'RESET ALL'];
/** Re-sets statement_timeout after this long, so the run's deadline holds within a second. */
const REFRESH_MS = 1000;
const ms = (value) => Math.max(1, Math.round(value));
/**
 * The reset, both timeouts and (in a transaction) BEGIN, which turns the reset's implicit
 * transaction into the file's. A file after the first in a query string has its timeout
 * computed by the server (batch.ts).
 */
const setup = (ctx, remainingMs, begin, first = true) => [
    ...CLEAN_SESSION,
    `SET lock_timeout = ${ms(ctx.lockTimeoutMs)}`,
    first ? `SET statement_timeout = ${ms(remainingMs)}` : timeoutLeft(remainingMs),
    ...(begin ? ['BEGIN'] : []),
];
/** Applies a group from `groups`, telling `progress` of each file. */
async function applyFiles(ctx, group, progress) {
    const only = group.length === 1 ? group[0] : undefined;
    if (!only || only.inOne)
        return applyInOne(ctx, group, progress);
    const { file, statements } = only;
    progress.start(file);
    const meta = metaCommand(statements);
    if (meta)
        throw failure({
            file,
            statement: meta,
            error: { message: 'psql meta-commands (\\…) are not SQL; the sql tool cannot run them' },
            applied: ctx.applied,
            statementsDone: 0,
        });
    const started = ctx.now();
    await applyEach(ctx, file, statements);
    progress.done(file, ctx.now() - started);
}
/** The files, their records and COMMITs in one round trip. */
async function applyInOne(ctx, group, progress) {
    const first = group[0];
    progress.start(first.file);
    let since = ctx.now();
    const remaining = ctx.deadline - since;
    if (remaining <= 0)
        throw failure({
            file: first.file,
            statement: first.statements[0] ?? { sql: '', offset: 0, line: 1 },
            error: { message: 'timeout' },
            applied: ctx.applied,
            statementsDone: 0,
            explanation: ranOut(ctx),
        });
    const batch = buildBatch(group.map(({ file, statements }, k) => ({
        prefix: setup(ctx, remaining, true, k === 0),
        statements,
        record: [...beforeRecord(ctx), ...ctx.history.recordSql(file, durationSql(ctx.history, group.slice(0, k)))],
    })), remaining);
    let committed = 0;
    const onComplete = (count) => {
        if (!batch.parts[count - 1]?.commit)
            return;
        const now = ctx.now();
        progress.done(group[committed].file, now - since);
        since = now;
        committed++;
        const next = group[committed];
        if (next)
            progress.start(next.file);
    };
    const watching = ctx.watch.start(ctx.pid);
    const { completed, error } = await runCounted(ctx.db, batch.text, onComplete);
    const blockers = await watching.stop();
    if (!error)
        return;
    await ctx.db.query('ROLLBACK').catch(() => undefined);
    const found = locate(batch, error, completed);
    if (found.file > committed) {
        // A syntax error in a later file: PostgreSQL parsed the whole string and ran none of it.
        // The files before it run again without it; then it fails first in its own string.
        await applyInOne(ctx, group.slice(committed, found.file), progress);
        await applyInOne(ctx, group.slice(found.file), progress);
        return;
    }
    const { file, statements } = group[found.file];
    const last = statements[statements.length - 1];
    if ('record' in found && found.commit && last)
        throw failure({
            file,
            statement: last,
            error,
            applied: ctx.applied,
            statementsDone: statements.length,
            explanation: `${error.message}, at COMMIT (deferred constraints and triggers are checked then)`,
        });
    if ('record' in found)
        throw recordFailed(ctx, file, error);
    throw failure({
        file,
        statement: found.statement,
        error: found.error,
        applied: ctx.applied,
        statementsDone: found.index,
        explanation: explain(found.error, ctx, blockers),
    });
}
/** A file's duration for its record: the server's time since the string arrived, less the files' before it. */
const durationSql = (history, before) => before.length && history.spentSql
    ? `greatest(0, (${ELAPSED_MS})::integer - ${history.spentSql(before.map((p) => p.file))})`
    : `${ELAPSED_MS}::integer`;
/** Statement by statement: outside a transaction, or a file batch.ts cannot take. */
async function applyEach(ctx, file, statements) {
    const { db } = ctx;
    const started = ctx.now();
    await db.query(setup(ctx, ctx.deadline - ctx.now(), !file.noTransaction).join('; '));
    let timeoutSetAt = ctx.now();
    const invalidBefore = file.noTransaction ? await invalidIndexes(db) : [];
    if (file.noTransaction)
        await ctx.history.beforeNoTransaction?.(db, file);
    let done = 0;
    const fail = async (statement, error, explanation) => {
        if (!file.noTransaction)
            await db.query('ROLLBACK').catch(() => undefined);
        const invalid = file.noTransaction ? newlyInvalid(invalidBefore, await invalidIndexes(db).catch(() => [])) : [];
        return failure({
            file,
            statement,
            error,
            applied: ctx.applied,
            statementsDone: done,
            explanation,
            invalidIndexes: invalid,
        });
    };
    for (const statement of statements) {
        const remaining = ctx.deadline - ctx.now();
        if (remaining <= 0)
            throw await fail(statement, { message: 'timeout' }, ranOut(ctx));
        if (ctx.now() - timeoutSetAt >= REFRESH_MS) {
            await db.query(`SET statement_timeout = ${ms(remaining)}`);
            timeoutSetAt = ctx.now();
        }
        const watching = ctx.watch.start(ctx.pid);
        try {
            await db.query(statement.sql);
            done++;
        }
        catch (error) {
            const e = error;
            const blockers = await watching.stop();
            throw await fail(statement, e, explain(e, ctx, blockers));
        }
        await watching.stop();
    }
    // A file that changed its role must not decide as whom it is recorded (where: the history
    // table is schema-qualified). Skipped for files that set nothing: one round trip less.
    if (/\b(set|reset)\b|set_config/i.test(file.sql))
        await db.query(beforeRecord(ctx).join('; '));
    if (file.noTransaction) {
        const named = indexNames(file.sql);
        const after = await invalidIndexes(db);
        const invalid = after.filter((index) => !invalidBefore.includes(index) || named.has(unqualified(index)));
        if (invalid.length) {
            const last = statements[statements.length - 1];
            throw failure({
                file,
                statement: last,
                error: { message: `an index it builds is INVALID: ${invalid.join(', ')}` },
                applied: ctx.applied,
                statementsDone: done,
                explanation: `its statements succeeded, but ${invalid.join(', ')} ${invalid.length > 1 ? 'are' : 'is'} INVALID (left by an earlier failed CREATE INDEX CONCURRENTLY; IF NOT EXISTS then skips it), so it is not recorded as applied`,
                invalidIndexes: invalid,
            });
        }
    }
    const record = ctx.history.recordSql(file, String(Math.round(ctx.now() - started)));
    try {
        await db.query([...record, ...(file.noTransaction ? [] : ['COMMIT'])].join(';\n'));
    }
    catch (error) {
        if (!file.noTransaction)
            await db.query('ROLLBACK').catch(() => undefined);
        throw recordFailed(ctx, file, error);
    }
}
/** The session's own user and settings again, and lock_timeout (the record waits for no one for long). */
const beforeRecord = (ctx) => [...RESET_ROLE, `SET lock_timeout = ${ms(ctx.lockTimeoutMs)}`];
const ranOut = (ctx) => `timeout (${(0,duration/* formatDuration */.a)(ctx.timeoutMs)}) ran out before this statement`;
function recordFailed(ctx, file, error) {
    return new errors/* KitError */.Fb(`${file.name} ran, but recording it in ${ctx.history.table.sql} failed: ${error.message}. ` +
        (file.noTransaction
            ? 'It ran outside a transaction, so its changes stay: record it by hand or make it safe to run again.'
            : 'Its transaction was rolled back: nothing from it was applied.'));
}
function explain(error, ctx, blockers) {
    if (error.code === '55P03' && /lock timeout/i.test(error.message))
        return (`waited longer than lock-timeout (${(0,duration/* formatDuration */.a)(ctx.lockTimeoutMs)}) for a lock` +
            (blockers.length
                ? `, held by ${blockers.join('; ')}. Let ${blockers.length > 1 ? 'them' : 'it'} finish, or end ${blockers.length > 1 ? 'them' : 'it'} (SELECT pg_terminate_backend(<pid>)), then run again`
                : '. Another session held it; see pg_stat_activity') +
            ' (PostgreSQL: canceling statement due to lock timeout)');
    if (error.code === '57014' && /statement timeout/i.test(error.message))
        return `did not finish within timeout (${(0,duration/* formatDuration */.a)(ctx.timeoutMs)}) and was cancelled by PostgreSQL`;
    return undefined;
}


;// CONCATENATED MODULE: ../../migrate/queryable.ts
/** A string as an SQL literal (what pg's escapeLiteral does: '' doubled, E'…' when it holds a backslash). */
function sqlLiteral(value) {
    const quoted = `'${value.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
    return value.includes('\\') ? ` E${quoted}` : quoted;
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ../../migrate/files.ts
/**
 * Reads a migrations folder the way the runner that wrote it would, so that nothing meant
 * to undo a migration ever runs as one:
 *
 * - golang-migrate and node-pg-migrate's sql loader: `000001_init.up.sql` + `000001_init.down.sql`
 *   are ONE migration (version `000001_init`); the `.down.sql` file is never run.
 * - dbmate (`-- migrate:up` / `-- migrate:down`, optionally `transaction:false`) and
 *   node-pg-migrate (`-- Up Migration` / `-- Down Migration`, matched like its
 *   src/sqlMigration.ts: /^\s*--[\s-]*up\s+migration/im): only the up section runs.
 * - Flyway: `V1__init.sql` (version 1), `V1_1__x.sql` (1.1); `U…` undo files never run.
 *
 * Files sort by their version numbers when they have them (`2_…` before `10_…`, `V2` before
 * `V10`, as golang-migrate, Flyway and node-pg-migrate sort), otherwise by name.
 */




const NO_TRANSACTION = /^\s*--\s*deploy-kit:\s*no-transaction\b/i;
const DBMATE_UP = /^[ \t]*--[ \t]*migrate:up\b([^\n]*)$/m;
const DBMATE_DOWN = /^[ \t]*--[ \t]*migrate:down\b/m;
const NPM_UP = /^\s*--[\s-]*up\s+migration/im;
const NPM_DOWN = /^\s*--[\s-]*down\s+migration/im;
const FLYWAY = /^V(\d+(?:[._]\d+)*)__(.*)\.sql$/;
const FLYWAY_OTHER = /^(U|R)(\d+(?:[._]\d+)*)?__.*\.sql$/;
function loadMigrations(directory) {
    if (!(0,external_node_fs_.existsSync)(directory) || !(0,external_node_fs_.statSync)(directory).isDirectory())
        throw new errors/* KitError */.Fb(`The migrations directory ${directory} does not exist. Set "directory" to where your *.sql files are.`);
    const names = (0,external_node_fs_.readdirSync)(directory).filter((name) => name.endsWith('.sql'));
    const repeatable = names.filter((name) => name.startsWith('R__'));
    if (repeatable.length)
        throw new errors/* KitError */.Fb(`${repeatable.join(', ')}: Flyway repeatable migrations (R__) are not run by the sql engine (it applies each ` +
            'file once). Move them into versioned files (V<n>__name.sql) or keep running them with Flyway. Nothing was changed.');
    const downs = new Set(names.filter((name) => name.endsWith('.down.sql')));
    const files = names
        .filter((name) => !name.endsWith('.down.sql') && !FLYWAY_OTHER.test(name))
        .map((name) => readMigration(directory, name, downs));
    const orphans = [...downs].filter((down) => !names.includes(down.replace(/\.down\.sql$/, '.up.sql')));
    if (orphans.length)
        throw new errors/* KitError */.Fb(`${orphans.join(', ')} ${orphans.length > 1 ? 'have' : 'has'} no matching .up.sql file. A .down.sql file undoes a ` +
            'migration and is never applied; add the .up.sql file or remove it. Nothing was changed.');
    const versions = new Map();
    for (const file of files) {
        const other = versions.get(file.version);
        if (other)
            throw new errors/* KitError */.Fb(`${other} and ${file.name} are the same migration (${file.version}): keep one of them.`);
        versions.set(file.version, file.name);
    }
    return files.sort(compareMigrations);
}
function readMigration(directory, name, downs) {
    const file = external_node_path_default().join(directory, name);
    const bytes = (0,external_node_fs_.readFileSync)(file);
    const content = bytes.toString('utf8');
    const version = name.replace(/(\.up)?\.sql$/, '');
    const { sql, noTransaction } = upSection(content);
    const flyway = FLYWAY.exec(name);
    const leading = /^(\d+)(?=[_.-]|$)/.exec(version)?.[1];
    const down = name.endsWith('.up.sql') ? name.replace(/\.up\.sql$/, '.down.sql') : undefined;
    return {
        version,
        name,
        file,
        content,
        sql,
        checksum: (0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex'),
        sizeBytes: bytes.length,
        noTransaction: noTransaction || NO_TRANSACTION.test(content),
        number: flyway
            ? flyway[1].split(/[._]/).map(BigInt)
            : leading !== undefined
                ? [BigInt(leading)]
                : undefined,
        flyway: flyway
            ? {
                version: flyway[1].replace(/_/g, '.'),
                description: flyway[2].replace(/_/g, ' '),
            }
            : undefined,
        downFile: down && downs.has(down) ? down : undefined,
    };
}
/**
 * The up section of a dbmate or node-pg-migrate file (the whole file when it has no
 * markers). Characters outside it become spaces, newlines stay, so that error positions
 * and line numbers still point into the file as written.
 */
function upSection(content) {
    const dbmateUp = DBMATE_UP.exec(content);
    const up = dbmateUp ?? NPM_UP.exec(content);
    const down = (dbmateUp ? DBMATE_DOWN : NPM_DOWN).exec(content) ?? (dbmateUp ? null : DBMATE_DOWN.exec(content));
    if (!up && !down)
        return { sql: content, noTransaction: false, sections: false };
    const start = up ? up.index : 0;
    // The down section runs from its marker to the up marker (if that follows) or the end.
    const end = down && down.index > start ? down.index : content.length;
    const noTransaction = /\btransaction:\s*false\b/.test(dbmateUp?.[1] ?? '');
    const blank = (text) => text.replace(/[^\n]/g, ' ');
    return {
        sql: blank(content.slice(0, start)) + content.slice(start, end) + blank(content.slice(end)),
        noTransaction,
        sections: true,
    };
}
function compareMigrations(a, b) {
    if (a.number && b.number) {
        const byNumber = compareParts(a.number, b.number);
        if (byNumber !== 0)
            return byNumber;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
/** Flyway's comparison: part by part, missing parts count as 0 (1 = 1.0). */
function compareParts(a, b) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const x = a[i] ?? 0n;
        const y = b[i] ?? 0n;
        if (x !== y)
            return x < y ? -1 : 1;
    }
    return 0;
}

;// CONCATENATED MODULE: ../../migrate/foreign-histories.ts
/**
 * Other tools' histories, continued in their own format so the tool still reads them right.
 * Each reads its table first and refuses, before any change, what it cannot continue safely.
 */




const NOTHING = 'Nothing was changed.';
/**
 * golang-migrate (database/postgres/postgres.go): `schema_migrations (version bigint not null
 * primary key, dirty boolean not null)` holds ONE row, the last version applied; every file
 * numbered at or below it counts as applied. SetVersion truncates and inserts (version, dirty)
 * in one transaction; a migration is run between SetVersion(v, true) and SetVersion(v, false).
 */
async function golangHistory(db, table, files) {
    const rows = await db.query(`SELECT version::text AS version, dirty FROM ${table.sql}`);
    const row = rows.rows[0];
    if (row?.dirty)
        throw new errors/* KitError */.Fb(`${table.sql} is golang-migrate's table, and it says migration ${row.version} failed half-way (dirty = true). ` +
            `deploy-kit will not guess what it left behind: repair the schema by hand, then run \`migrate force ${row.version}\` ` +
            `(if it is now fully applied) or \`migrate force <previous version>\` with golang-migrate, and run again. ${NOTHING}`);
    const unnumbered = files.filter((f) => f.number?.length !== 1);
    if (unnumbered.length)
        throw new errors/* KitError */.Fb(`${table.sql} is golang-migrate's table, which records a version number, and ${unnumbered.map((f) => f.name).join(', ')} ` +
            `${unnumbered.length > 1 ? 'have' : 'has'} none (golang-migrate names files <version>_<title>.up.sql). ${NOTHING}`);
    const current = row ? BigInt(row.version) : undefined;
    const numberOf = (file) => file.number[0];
    const versionSql = (file, dirty) => [
        `DELETE FROM ${table.sql}`,
        `INSERT INTO ${table.sql} (version, dirty) VALUES (${numberOf(file)}, ${dirty})`,
    ];
    return {
        tool: 'golang-migrate',
        table,
        find: (file) => (current !== undefined && numberOf(file) <= current ? { key: String(numberOf(file)) } : undefined),
        missing: (files) => current !== undefined && current > 0n && !files.some((f) => numberOf(f) === current) ? [String(current)] : [],
        prepare: async () => [
            `${table.sql} is golang-migrate's table (version ${current ?? 'none'}): it is continued in golang-migrate's format ` +
                '(the last version applied; no checksums).',
        ],
        recordSql: (file) => versionSql(file, false),
        spentSql: () => '0',
        beforeNoTransaction: async (db, file) => {
            await db.query(versionSql(file, true).join(';\n'));
        },
    };
}
/**
 * node-pg-migrate (src/runner.ts, ensureMigrationsTable): `pgmigrations (id SERIAL PRIMARY KEY,
 * name varchar(255) NOT NULL, run_on timestamp NOT NULL)`; a row's name is the file name
 * without its extension (and without `.up` for its sql loader's pairs).
 */
async function nodePgMigrateHistory(db, table) {
    const rows = await db.query(`SELECT name FROM ${table.sql} ORDER BY run_on, id`);
    const names = new Set(rows.rows.map((r) => r.name));
    return {
        tool: 'node-pg-migrate',
        table,
        find: (file) => (names.has(file.version) ? { key: file.version } : undefined),
        missing: (files) => [...names].filter((name) => !files.some((f) => f.version === name)),
        prepare: async () => [
            `${table.sql} is node-pg-migrate's table: it is continued in node-pg-migrate's format (no checksums).`,
        ],
        recordSql: (file) => [
            `INSERT INTO ${table.sql} (name, run_on) VALUES (${sqlLiteral(file.version)}, pg_catalog.clock_timestamp())`,
        ],
        spentSql: () => '0',
    };
}
/**
 * Flyway's checksum (ChecksumCalculator): CRC32 over the file's lines without their line
 * breaks, a leading BOM removed, as a signed 32-bit integer.
 */
function flywayChecksum(content) {
    const text = content.replace(/^\uFEFF/, '').replace(/\r\n|\r|\n/g, '');
    return (0,external_node_zlib_.crc32)(Buffer.from(text, 'utf8')) | 0;
}
/**
 * Flyway's flyway_schema_history (its createMetaDataTable.sql for PostgreSQL: installed_rank
 * INT NOT NULL primary key, version VARCHAR(50), description VARCHAR(200) NOT NULL, type
 * VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, installed_by
 * VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INTEGER
 * NOT NULL, success BOOLEAN NOT NULL). A BASELINE row counts every version at or below it.
 */
async function flywayHistory(db, table, files) {
    const rows = await db.query(`SELECT version, type, script, checksum, success FROM ${table.sql} ORDER BY installed_rank`);
    const failed = rows.rows.filter((r) => !r.success);
    if (failed.length)
        throw new errors/* KitError */.Fb(`${table.sql} is Flyway's table, and it records a failed migration: ${failed.map((r) => `${r.script} (version ${r.version})`).join(', ')}. ` +
            `Repair what it left behind, run \`flyway repair\` to remove the failed row, and run again. ${NOTHING}`);
    const parts = (version) => version.split('.').map(BigInt);
    const applied = rows.rows.filter((r) => r.version !== null && r.type !== 'BASELINE' && r.type !== 'DELETE');
    const baseline = rows.rows.find((r) => r.type === 'BASELINE' && r.version !== null);
    const notFlyway = files.filter((f) => !f.flyway);
    if (notFlyway.length)
        throw new errors/* KitError */.Fb(`${table.sql} is Flyway's table, and ${notFlyway.map((f) => f.name).join(', ')} ${notFlyway.length > 1 ? 'are' : 'is'} ` +
            `not named like a Flyway migration (V<version>__<description>.sql). ${NOTHING}`);
    const rowFor = (file) => applied.find((r) => compareParts(parts(r.version), file.number) === 0);
    return {
        tool: 'Flyway',
        table,
        find(file) {
            const row = rowFor(file);
            if (!row)
                return baseline && compareParts(file.number, parts(baseline.version)) <= 0
                    ? { key: `baseline ${baseline.version}` }
                    : undefined;
            const now = flywayChecksum(file.content);
            const changed = row.checksum !== null && row.checksum !== now
                ? `${file.name} was changed after Flyway applied it (recorded checksum ${row.checksum}, file now ${now}).`
                : undefined;
            return { key: row.version, changed };
        },
        missing: (files) => applied.filter((r) => !files.some((f) => rowFor(f) === r)).map((r) => `${r.script} (version ${r.version})`),
        prepare: async () => [`${table.sql} is Flyway's table: it is continued in Flyway's format.`],
        recordSql(file, durationMs) {
            const flyway = file.flyway;
            const [version, description, script] = [flyway.version, flyway.description, file.name].map(sqlLiteral);
            return [
                `INSERT INTO ${table.sql} (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
         SELECT coalesce(max(installed_rank), 0) + 1, ${version}, ${description}, 'SQL', ${script}, ` +
                    `${flywayChecksum(file.content)}, current_user, ${durationMs}, true FROM ${table.sql}`,
            ];
        },
    };
}

// EXTERNAL MODULE: ../../migrate/table-name.ts
var table_name = __webpack_require__(7447);
;// CONCATENATED MODULE: ../../migrate/history.ts
/**
 * Where applied migrations are recorded. The sql engine keeps its own table, adopts a
 * hand-written runner's `schema_migrations`, and continues the histories of golang-migrate,
 * dbmate, node-pg-migrate and Flyway in THEIR format (so the other tool still works) — or
 * refuses, saying why. Reading a history never changes it: `openHistory` only reads, and only
 * `prepare`/`record`, called once the run is decided, write.
 */




async function columnsOf(db, table) {
    const found = await db.query('SELECT to_regclass($1)::text AS oid', [table.sql]);
    if (!found.rows[0]?.oid)
        return undefined;
    const columns = await db.query(`SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [table.sql]);
    return columns.rows;
}
const has = (columns, ...names) => names.every((n) => columns.some((c) => c.name === n));
/** Finds the history for `table` (or another tool's beside it) by reading only. */
async function openHistory(db, table, files) {
    const columns = await columnsOf(db, table);
    if (columns)
        return historyOf(db, table, columns, files);
    const others = [];
    for (const name of ['flyway_schema_history', 'pgmigrations']) {
        const other = (0,table_name/* tableName */.C)(name, table.schema);
        const otherColumns = await columnsOf(db, other);
        if (otherColumns)
            others.push(await historyOf(db, other, otherColumns, files));
    }
    if (others.length > 1)
        throw new errors/* KitError */.Fb(`Both ${others.map((h) => `${h.table.sql} (${h.tool})`).join(' and ')} exist, and ${table.sql} does not: ` +
            'deploy-kit cannot tell which history is the real one. Drop the stale one, or set "table". Nothing was changed.');
    return others[0] ?? kitHistory(table, [], false);
}
async function historyOf(db, table, columns, files) {
    if (has(columns, 'installed_rank', 'script', 'success'))
        return flywayHistory(db, table, files);
    if (has(columns, 'version', 'dirty'))
        return golangHistory(db, table, files);
    if (has(columns, 'id', 'name', 'run_on'))
        return nodePgMigrateHistory(db, table);
    if (!has(columns, 'version'))
        throw new errors/* KitError */.Fb(`${table.sql} exists but has no "version" column (columns: ${columns.map((c) => c.name).join(', ')}): it is not ` +
            'a migration history deploy-kit knows. Set "table" to another name. Nothing was changed.');
    const hasChecksum = has(columns, 'checksum');
    const rows = await db.query(`SELECT version::text AS version, ${hasChecksum ? 'checksum::text' : 'NULL::text'} AS checksum FROM ${table.sql}`);
    // dbmate's own DDL (pkg/driver/postgres/postgres.go, CreateMigrationsTable):
    // `create table if not exists <schema>.schema_migrations (version varchar(255) primary key)`.
    // It stays in that shape: dbmate keeps working on it.
    const dbmate = columns.length === 1;
    return kitHistory(table, rows.rows, dbmate);
}
/**
 * The kit's own table, a hand-written runner's `schema_migrations(version, …)` that records
 * full file names, stems or leading numbers, and dbmate's (leading numbers). New rows are
 * recorded the way the existing ones are.
 */
function kitHistory(table, rows, dbmate) {
    const byKey = new Map(rows.map((row) => [row.version, row]));
    const keysOf = (file) => [
        file.version,
        file.name,
        ...(file.number?.length === 1 ? [/^\d+/.exec(file.version)?.[0], String(file.number[0])] : []),
    ];
    const rowFor = (file) => keysOf(file)
        .map((key) => byKey.get(key))
        .find(Boolean);
    const format = rows.length && rows.every((r) => r.version.endsWith('.sql'))
        ? 'name'
        : (rows.length && rows.every((r) => /^\d+$/.test(r.version))) || (dbmate && !rows.length)
            ? 'number'
            : 'stem';
    const keyFor = (file) => {
        if (format === 'name')
            return file.name;
        if (format === 'number' && file.number?.length === 1)
            return /^\d+/.exec(file.version)?.[0];
        if (dbmate)
            throw new errors/* KitError */.Fb(`${file.name} has no leading version number, and ${table.sql} is dbmate's table, which records one ` +
                '(dbmate names files <version>_<name>.sql). Rename the file. Nothing was changed.');
        return file.version;
    };
    const tool = dbmate ? 'dbmate' : 'deploy-kit';
    return {
        tool,
        table,
        find(file) {
            const row = rowFor(file);
            if (!row)
                return undefined;
            const changed = row.checksum && row.checksum !== file.checksum
                ? `${file.name} was changed after it was applied (recorded sha256 ${row.checksum}, file now ${file.checksum}).`
                : undefined;
            return { key: row.version, changed };
        },
        missing(files) {
            const matched = new Set(files.map((f) => rowFor(f)?.version).filter(Boolean));
            return rows.map((r) => r.version).filter((v) => !matched.has(v));
        },
        async prepare(db, files) {
            for (const file of files)
                if (!rowFor(file))
                    keyFor(file); // refuses a file dbmate could not record, before any change
            if (table.schema)
                await db.query(`CREATE SCHEMA IF NOT EXISTS "${table.schema}"`);
            if (dbmate) {
                await db.query(`CREATE TABLE IF NOT EXISTS ${table.sql} (version varchar(255) PRIMARY KEY)`);
                return [`${table.sql} is dbmate's table: it is continued in dbmate's format (no checksums).`];
            }
            await db.query(`CREATE TABLE IF NOT EXISTS ${table.sql} (
           version varchar(255) PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now(),
           checksum text,
           duration_ms integer)`);
            for (const column of ['applied_at timestamptz DEFAULT now()', 'checksum text', 'duration_ms integer'])
                await db.query(`ALTER TABLE ${table.sql} ADD COLUMN IF NOT EXISTS ${column}`);
            const notes = [];
            for (const file of files) {
                const row = rowFor(file);
                if (!row || row.checksum)
                    continue;
                await db.query(`UPDATE ${table.sql} SET checksum = $1 WHERE version = $2`, [file.checksum, row.version]);
                notes.push(`${file.name} was recorded by another runner (as "${row.version}") without a checksum; its checksum is now recorded.`);
            }
            return notes;
        },
        recordSql(file, durationMs) {
            const version = sqlLiteral(keyFor(file));
            return dbmate
                ? [`INSERT INTO ${table.sql} (version) VALUES (${version})`]
                : [
                    `INSERT INTO ${table.sql} (version, applied_at, checksum, duration_ms) ` +
                        `VALUES (${version}, pg_catalog.clock_timestamp(), ${sqlLiteral(file.checksum)}, ${durationMs})`,
                ];
        },
        spentSql: (files) => dbmate
            ? '0'
            : `(SELECT coalesce(sum(duration_ms), 0) FROM ${table.sql} WHERE version IN (${files.map((f) => sqlLiteral(keyFor(f))).join(', ')}))::integer`,
    };
}

;// CONCATENATED MODULE: ../../migrate/lock.ts
/**
 * The advisory lock that keeps two runs on one history from interleaving. Its key is the
 * table's resolved name (schema.table), so `schema_migrations` and
 * `public.schema_migrations` are one lock.
 */


/** $1 = schema or null, $2 = table name. */
const LOCK_KEY = `hashtext('deploy-kit migrate'), hashtext(coalesce($1, current_schema()) || '.' || $2)`;
const params = (table) => [table.schema ?? null, table.name];
async function acquireLock(db, table, timeoutMs, deps) {
    const started = deps.now();
    let lastReport = started;
    for (;;) {
        const result = await db.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, params(table));
        if (result.rows[0]?.locked) {
            if (deps.now() - started > 1000)
                deps.log(`Got the migration lock after ${(0,duration/* formatDuration */.a)(deps.now() - started)}.`);
            return;
        }
        const waited = deps.now() - started;
        if (waited >= timeoutMs) {
            const holder = await lockHolder(db, table);
            throw new errors/* KitError */.Fb(`Another migration run holds the lock on ${table.sql}${holder} and did not finish within timeout ` +
                `(${(0,duration/* formatDuration */.a)(timeoutMs)}). Nothing was applied. Wait for it, or raise timeout.`);
        }
        if (deps.now() - lastReport >= 15_000 || lastReport === started) {
            deps.log(`Waiting for another migration run to finish (holding the lock on ${table.sql}${await lockHolder(db, table)})…`);
            lastReport = deps.now();
        }
        await deps.sleep(Math.min(500, Math.max(0, timeoutMs - waited)));
    }
}
async function lockHolder(db, table) {
    const result = await db.query(`SELECT a.pid, a.application_name, a.backend_start::text
       FROM pg_locks l JOIN pg_stat_activity a USING (pid)
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.classid = hashtext('deploy-kit migrate')::oid
        AND l.objid = hashtext(coalesce($1, current_schema()) || '.' || $2)::oid`, params(table));
    const row = result.rows[0];
    return row
        ? ` (server process ${row.pid}, ${row.application_name || 'unnamed client'}, connected since ${row.backend_start})`
        : '';
}
async function releaseLock(db, table) {
    await db.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, params(table));
}

;// CONCATENATED MODULE: ../../migrate/sql-engine.ts
/**
 * The built-in `sql` migration engine: applies migration files in version order, each in its
 * own transaction, under a PostgreSQL advisory lock, recording what it applied.
 *
 * Why the pg driver and not psql: the advisory lock belongs to a session that must stay
 * open across all files (psql would need one long-lived process fed through a pipe), the
 * error comes back as structured fields (position, detail, hint) instead of text to
 * parse, and the runner needs no psql of the server's version for `tool: sql`. The
 * statements are split the way psql splits them (split-sql.ts), so a file behaves as
 * under `psql -1 -f`; a file that runs in a transaction still reaches the server as one query
 * string with its record and COMMIT, consecutive files together (batch.ts): one round trip for
 * up to 100 files.
 *
 * Order of a run: lock → read the history (no change) → decide (refuse changed files, other
 * tools' tables it cannot continue, out-of-order files if asked) → only then write.
 */











async function migrate(db, files, options, deps) {
    const deadline = deps.now() + options.timeoutMs;
    // Schema-qualified from here on: what a file does to search_path cannot move the history.
    const current = await db.query('SELECT current_schema() AS schema');
    const table = options.table.schema
        ? options.table
        : (0,table_name/* tableName */.C)(options.table.name, current.rows[0]?.schema ?? 'public');
    if (!options.dryRun)
        await acquireLock(db, table, options.timeoutMs, deps);
    try {
        const history = await openHistory(db, table, files);
        const changed = [];
        const pending = [];
        let lastApplied = -1;
        files.forEach((file, index) => {
            const recorded = history.find(file);
            if (!recorded)
                pending.push(file);
            else {
                lastApplied = index;
                if (recorded.changed)
                    changed.push(recorded.changed);
            }
        });
        if (changed.length)
            throw new errors/* KitError */.Fb(`Refusing to migrate: ${changed.join(' ')} An applied migration must not be edited; ` +
                'restore its original content and put the change in a new migration file.');
        const outOfOrder = pending.filter((file) => files.indexOf(file) < lastApplied).map((f) => f.name);
        if (outOfOrder.length && options.outOfOrder === 'error')
            throw new errors/* KitError */.Fb(`Refusing to migrate (out-of-order: error): ${outOfOrder.join(', ')} ${outOfOrder.length > 1 ? 'sort' : 'sorts'} ` +
                `before ${files[lastApplied]?.name}, which is already applied. Rename ${outOfOrder.length > 1 ? 'them' : 'it'} ` +
                'to sort after the applied files, or set out-of-order: warn to apply it anyway. Nothing was changed.');
        await deps.review?.(pending);
        const missingFiles = history.missing(files);
        const base = {
            upToDate: files.length - pending.length,
            missingFiles,
            outOfOrder,
            historyTool: history.tool,
            historyTable: history.table.sql,
        };
        if (options.dryRun)
            return { ...base, applied: [], pending, notes: [] };
        const notes = await history.prepare(db, files);
        const applied = [];
        const ctx = {
            db,
            pid: db.processID ?? 0,
            history,
            lockTimeoutMs: options.lockTimeoutMs,
            timeoutMs: options.timeoutMs,
            deadline,
            watch: deps.watch ?? noWatch,
            now: deps.now,
            applied,
        };
        let current;
        const progress = {
            start(file) {
                if (file === current)
                    return;
                current = file;
                deps.log(`Applying ${file.name}${file.noTransaction ? ' (outside a transaction)' : ''}` +
                    (file.downFile ? ` (${file.downFile} is its down migration: not run)` : ''));
            },
            done(file, durationMs) {
                applied.push({ version: file.version, file: file.file, durationMs });
                deps.log(`Applied ${file.name} in ${(0,duration/* formatDuration */.a)(durationMs)}`);
            },
        };
        for (const group of groups(pending, history))
            await applyFiles(ctx, group, progress);
        return { ...base, applied, pending: [], notes };
    }
    finally {
        if (!options.dryRun) {
            await db.query('RESET ALL').catch(() => undefined);
            await releaseLock(db, table).catch(() => undefined);
        }
    }
}

// EXTERNAL MODULE: ./lint-step.ts + 2 modules
var lint_step = __webpack_require__(6537);
// EXTERNAL MODULE: ./spec.ts + 1 modules
var spec = __webpack_require__(9840);
;// CONCATENATED MODULE: ./run-sql.ts













async function runSql(inputs, cwd, workspace) {
    const directory = external_node_path_default().resolve(cwd, inputs.directory);
    const files = loadMigrations(directory);
    const db = inputs.databaseUrl;
    const linter = await (0,lint_step/* prepareLinter */.e)(inputs.lint, cwd, workspace);
    const client = await (0,connection/* connect */.Ng)(db, { applicationName: 'deploy-kit migrate' });
    const watch = blockerWatch(() => (0,connection/* connect */.Ng)(db, { applicationName: 'deploy-kit migrate (lock monitor)' }));
    const started = Date.now();
    let result;
    try {
        result = await core.group(`Migrating ${db.label} with ${files.length} file(s) from ${inputs.directory}`, () => migrate(client, files, {
            table: inputs.table,
            lockTimeoutMs: inputs.lockTimeout,
            timeoutMs: inputs.timeout,
            dryRun: inputs.dryRun,
            outOfOrder: inputs.outOfOrder,
        }, {
            log: core.info,
            sleep: sleep,
            now: Date.now,
            watch,
            review: async (pending) => {
                if (inputs.approvedMigrations)
                    (0,approved/* checkApproved */.Eh)(pending, inputs.approvedMigrations, workspace);
                // lint: warn only reports, so squawk runs while the files do (reported after them).
                if (inputs.lint === 'warn' && !inputs.dryRun)
                    linter.start(pending);
                else
                    await linter.review(pending);
            },
        }));
    }
    catch (error) {
        await linter.settle();
        if (error instanceof MigrationError) {
            (0,action_spec/* setOutputs */.n0)(spec/* spec */.I, {
                applied: error.applied.length,
                'applied-versions': JSON.stringify(error.applied.map((a) => a.version)),
                'applied-verdicts': JSON.stringify(error.applied.map((a) => linter.verdict(a.file, a.version))),
            });
            core.error((0,connection/* scrub */._I)(error.message, db), {
                title: 'Migration failed',
                file: external_node_path_default().relative(workspace, error.file),
                startLine: error.line,
                startColumn: error.column,
            });
            await summarizeFailure(error, db);
            // The annotation above has the details; the step's failure message says what failed.
            throw new errors/* KitError */.Fb((0,connection/* scrub */._I)(error.message.split('\n')[0], db));
        }
        if (linter.findings.length)
            await (0,lib_summary/* writeSummary */.Sy)((summary) => summary.addRaw((0,lint_step/* lintMarkdown */.t)(linter)));
        throw error instanceof errors/* KitError */.Fb ? new errors/* KitError */.Fb((0,connection/* scrub */._I)(error.message, db)) : error;
    }
    finally {
        await watch.close();
        await client.end().catch(() => undefined);
    }
    await linter.settle();
    const plan = planMarkdown(result.pending) + (0,lint_step/* lintMarkdown */.t)(linter);
    (0,action_spec/* setOutputs */.n0)(spec/* spec */.I, {
        applied: result.applied.length,
        pending: result.pending.length,
        'applied-versions': JSON.stringify(result.applied.map((a) => a.version)),
        'applied-verdicts': JSON.stringify(result.applied.map((a) => linter.verdict(a.file, a.version))),
        plan,
    });
    if (result.historyTool !== 'deploy-kit')
        core.info(`History: ${result.historyTable} (${result.historyTool}).`);
    for (const note of result.notes)
        core.info(note);
    if (result.outOfOrder.length)
        core.warning(`Out of order: ${result.outOfOrder.join(', ')} ${inputs.dryRun ? 'would be' : 'was'} applied after later files. ` +
            'Check that it does not depend on their absence; set out-of-order: error to refuse such files.');
    if (result.missingFiles.length)
        core.warning(`Recorded as applied but not in ${inputs.directory}: ${result.missingFiles.join(', ')}. Was a migration file deleted or renamed?`);
    await (0,lib_summary/* writeSummary */.Sy)((summary) => {
        if (inputs.dryRun) {
            summary.addHeading(`Migration plan for ${db.label} (dry run: nothing changed)`, 3);
            summary.addRaw(result.pending.length ? `\n${plan}\n` : '\nNothing to apply: the database is up to date.\n');
        }
        else {
            summary.addHeading(`Migrations applied to ${db.label} ✅`, 3);
            summary.addTable((0,lib_summary/* table */.tp)(['migration', 'duration'], result.applied.map((a) => [external_node_path_default().basename(a.file), (0,duration/* formatDuration */.a)(a.durationMs)])));
            summary.addRaw(`\n${result.applied.length} applied, ${result.upToDate} already applied, in ${(0,duration/* formatDuration */.a)(Date.now() - started)}.\n`);
            summary.addRaw((0,lint_step/* lintMarkdown */.t)(linter));
        }
    });
    core.info(inputs.dryRun
        ? `Dry run: ${result.pending.length} migration(s) pending, nothing changed.`
        : `Applied ${result.applied.length} migration(s); ${result.upToDate} were already applied.`);
}
function planMarkdown(pending) {
    if (!pending.length)
        return 'Nothing to apply.';
    const rows = pending.map((file, i) => `| ${i + 1} | ${file.name} | ${file.sizeBytes} B | ${file.noTransaction ? 'no (no-transaction)' : 'yes'} |`);
    return ['| # | migration | size | in a transaction |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
async function summarizeFailure(error, db) {
    await (0,lib_summary/* writeSummary */.Sy)((summary) => {
        summary.addHeading(`Migration failed on ${db.label} ❌`, 3);
        summary.addTable((0,lib_summary/* table */.tp)(['migration', 'result'], [
            ...error.applied.map((a) => [external_node_path_default().basename(a.file), `applied in ${(0,duration/* formatDuration */.a)(a.durationMs)}`]),
            [external_node_path_default().basename(error.file), `failed at line ${error.line}`],
        ]));
        summary.addCodeBlock((0,connection/* scrub */._I)(error.message, db));
        if (error.cleanup.length) {
            summary.addRaw('\nClean up what PostgreSQL left behind before re-running:\n');
            summary.addCodeBlock(error.cleanup.join('\n'), 'sql');
        }
    });
}


/***/ })

};
