export const id = 73;
export const ids = [73];
export const modules = {

/***/ 4073:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   locate: () => (/* binding */ locate),
/* harmony export */   parseJUnit: () => (/* binding */ parseJUnit),
/* harmony export */   readJUnitReports: () => (/* binding */ readJUnitReports)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var fast_xml_parser__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3056);
/* harmony import */ var fast_xml_parser__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9470);
/**
 * JUnit XML reports (jest-junit, pytest --junitxml, and the many tools that write the
 * same shape): totals, and each failing test with where it failed.
 */




const parser = new fast_xml_parser__WEBPACK_IMPORTED_MODULE_2__/* ["default"] */ .A({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    alwaysCreateTextNode: true,
    textNodeName: '#text',
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});
/** Parses one report. A file that is not JUnit XML is a KitError naming the file. */
function parseJUnit(xml, report, where) {
    if (xml.trim() === '')
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .KitError */ .Fb(`The JUnit report ${report} is empty. Check that the test run finished writing it.`);
    const valid = fast_xml_parser__WEBPACK_IMPORTED_MODULE_4__/* .XMLValidator */ .iI.validate(xml);
    if (valid !== true) {
        const { line, col, msg } = valid.err;
        const unclosed = /^Invalid '\[(.*)\]' found/s.exec(msg);
        const problem = unclosed
            ? `it ends before closing ${unclosed[1]
                .replace(/[\s"]/g, '')
                .split(',')
                .map((t) => `<${t}>`)
                .join(', ')}`
            : `line ${line}${col ? `, column ${col}` : ''}: ${msg.replace(/\s+/g, ' ')}`;
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .KitError */ .Fb(`The JUnit report ${report} is not well-formed XML (${problem}). Check that the test run finished writing it.`);
    }
    const document = parser.parse(xml);
    let suites;
    if ('testsuites' in document) {
        const root = document.testsuites;
        suites = root && typeof root === 'object' ? asArray(root.testsuite) : [];
    }
    else if ('testsuite' in document) {
        suites = asArray(document.testsuite);
    }
    else {
        const rootName = Object.keys(document).find((key) => !key.startsWith('?')) ?? 'nothing';
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .KitError */ .Fb(`The file ${report} is XML but not a JUnit report: its root element is <${rootName}>, expected <testsuites> or <testsuite>.`);
    }
    const result = { reports: [report], tests: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
    const visit = (suite) => {
        const suiteName = attr(suite, 'name');
        for (const testcase of asArray(suite.testcase)) {
            result.tests++;
            const problems = [
                ...asArray(testcase.failure).map((node) => ({ node, kind: 'failure' })),
                ...asArray(testcase.error).map((node) => ({ node, kind: 'error' })),
            ];
            if (problems.length === 0) {
                if (testcase.skipped)
                    result.skipped++;
                else
                    result.passed++;
                continue;
            }
            result.failed++;
            const first = problems[0];
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
        for (const inner of asArray(suite.testsuite))
            visit(inner);
    };
    for (const suite of suites)
        visit(suite);
    return result;
}
/** Reads and adds up several reports. */
function readJUnitReports(files, where) {
    const total = { reports: [], tests: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
    for (const file of files) {
        const shown = node_path__WEBPACK_IMPORTED_MODULE_1___default().relative(where.workspace, file) || file;
        let xml;
        try {
            xml = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8');
        }
        catch (error) {
            throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .KitError */ .Fb(`Could not read the JUnit report ${shown}: ${error.message}`);
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
function locate(testcase, text, where) {
    const fileAttr = attr(testcase, 'file');
    const lineAttr = Number(attr(testcase, 'line'));
    const inWorkspace = (candidate) => {
        const absolute = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(where.cwd, candidate);
        const relative = node_path__WEBPACK_IMPORTED_MODULE_1___default().relative(where.workspace, absolute);
        if (relative.startsWith('..') || node_path__WEBPACK_IMPORTED_MODULE_1___default().isAbsolute(relative) || !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(absolute))
            return undefined;
        return relative.split((node_path__WEBPACK_IMPORTED_MODULE_1___default().sep)).join('/');
    };
    const fromAttr = fileAttr ? inWorkspace(fileAttr) : undefined;
    if (fromAttr && Number.isInteger(lineAttr) && lineAttr > 0)
        return { file: fromAttr, line: lineAttr };
    const frames = [];
    for (const match of text.matchAll(FRAME)) {
        const candidate = match[1];
        if (candidate.includes('node_modules') || candidate.startsWith('node:'))
            continue;
        const file = inWorkspace(candidate.replace(/^file:\/\//, ''));
        if (file)
            frames.push({ file, line: Number(match[2]) });
    }
    // Prefer a frame in the test's own file, so the annotation lands on the test.
    const own = fromAttr ? frames.find((f) => f.file === fromAttr) : undefined;
    const best = own ?? frames[0];
    if (best)
        return best;
    return fromAttr ? { file: fromAttr } : {};
}
function asArray(value) {
    if (value === undefined || value === null)
        return [];
    return Array.isArray(value) ? value : [value];
}
function attr(node, name) {
    const value = node?.[`@${name}`];
    return typeof value === 'string' ? value : '';
}
function textOf(node) {
    const text = node['#text'];
    return typeof text === 'string' ? text.trim() : '';
}
function firstLine(text) {
    return (text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .find(Boolean) ?? '');
}
function limit(text, lines) {
    const all = text.split(/\r?\n/);
    return all.length > lines ? [...all.slice(0, lines), `… (${all.length - lines} more lines)`].join('\n') : text;
}


/***/ })

};
