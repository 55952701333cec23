export const id = 862;
export const ids = [862];
export const modules = {

/***/ 1862:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPreflight: () => (/* binding */ runPreflight)
});

// EXTERNAL MODULE: ../../../node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1820);
// EXTERNAL MODULE: ../../lib/duration.ts
var duration = __webpack_require__(9753);
// EXTERNAL MODULE: ../../lib/errors.ts
var errors = __webpack_require__(9470);
// EXTERNAL MODULE: ../../lib/summary.ts
var lib_summary = __webpack_require__(9825);
// EXTERNAL MODULE: ../../db/connection.ts + 1 modules
var connection = __webpack_require__(2436);
// EXTERNAL MODULE: ../../db/host-advice.ts
var host_advice = __webpack_require__(8353);
;// CONCATENATED MODULE: ../../db/preflight.ts
/**
 * The database preflight (docs/design.md "Reusable workflows and approval"): before anything
 * is changed, can this runner reach the database, and is the URL one that pg_dump and the
 * migration tools can use? The host is classified first (./host-advice.ts, no network), so
 * a known unusable host is refused at once and an unreachable one is reported with its fix.
 */



const realDeps = { connect: connection/* connect */.Ng, now: Date.now };
/**
 * Connects (bounded by `timeoutMs`), reads the server version, disconnects. Throws a KitError
 * naming the host (never the password) and, for a known host, the fix.
 */
async function preflightDatabase(db, timeoutMs, deps = realDeps) {
    const advice = (0,host_advice/* classifyDatabaseHost */.Ke)(db.host, db.port);
    const where = `The database in database-url (${db.label})`;
    if (advice?.unusable)
        throw new errors/* KitError */.Fb(`${where} cannot be used from the runner: ${advice.what}. ${advice.fix}`);
    const started = deps.now();
    let client;
    try {
        client = await deps.connect(db, { timeoutMs, applicationName: 'deploy-kit preflight' });
    }
    catch (error) {
        // connect()'s message already names the fix for a known host (connectionProblem).
        throw new errors/* KitError */.Fb(`${where} cannot be reached from this runner: ${(0,connection/* scrub */._I)((0,errors/* errorMessage */.gJ)(error), db)}`);
    }
    try {
        const version = await (0,connection/* serverVersion */.qh)(client);
        return {
            label: db.label,
            server: version.text,
            durationMs: deps.now() - started,
            note: advice && `${(0,host_advice/* capitalize */.ZH)(advice.what)}: it answered here, but not from GitHub's hosted runners. ${advice.fix}`,
        };
    }
    finally {
        await client.end().catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./preflight-step.ts
/**
 * migrate `preflight: true`: only check that database-url is reachable from this runner and
 * usable (src/db/preflight.ts), change nothing, and say so in the summary. Runs before any
 * checkout, so it reads nothing from the workspace.
 */





/** Long enough for a far region's TLS handshake; short enough to fail fast before a deploy. */
const CONNECT_TIMEOUT_MS = 10_000;
async function runPreflight(db, timeoutMs) {
    try {
        const report = await preflightDatabase(db, Math.min(timeoutMs, CONNECT_TIMEOUT_MS));
        core.info(`Preflight: ${report.label} answered (PostgreSQL ${report.server}) in ${(0,duration/* formatDuration */.a)(report.durationMs)}.`);
        if (report.note)
            core.notice(report.note, { title: 'Database preflight' });
        await (0,lib_summary/* writeSummary */.Sy)((summary) => {
            summary.addHeading(`Database preflight: ${report.label} reachable ✅`, 3);
            summary.addTable((0,lib_summary/* table */.tp)(['database', 'server', 'time'], [[report.label, `PostgreSQL ${report.server}`, (0,duration/* formatDuration */.a)(report.durationMs)]]));
            if (report.note)
                summary.addRaw(`\n${report.note}\n`);
        });
    }
    catch (error) {
        await (0,lib_summary/* writeSummary */.Sy)((summary) => {
            summary.addHeading(`Database preflight: ${db.label} not usable from this runner ❌`, 3);
            summary.addRaw(`\n${(0,errors/* errorMessage */.gJ)(error)}\n\nNothing was changed.\n`);
        });
        throw error;
    }
}


/***/ })

};
