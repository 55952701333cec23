export const id = 195;
export const ids = [195];
export const modules = {

/***/ 4195:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseCoverage: () => (/* binding */ parseCoverage)
/* harmony export */ });
/* harmony import */ var fast_xml_parser__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2);
/* harmony import */ var fast_xml_parser__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3056);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9470);
/**
 * Line coverage from the three report formats test tools write most: lcov (jest/c8/nyc
 * `lcov`, coverage.py `lcov`), Cobertura XML (coverage.py `xml`, jest `cobertura`) and
 * Istanbul's json-summary.
 */


/** Reads a report, telling the format from its content. `file` is only for messages. */
function parseCoverage(text, file) {
    const start = text.trimStart();
    if (start === '')
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The coverage file ${file} is empty.`);
    if (start.startsWith('{'))
        return jsonSummary(start, file);
    if (start.startsWith('<'))
        return cobertura(start, file);
    if (/^(TN|SF):/m.test(start))
        return lcov(start, file);
    throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The coverage file ${file} is not a format the gate reads: expected lcov (lines such as SF: and LF:), Cobertura XML (<coverage line-rate=…>) or Istanbul json-summary ({"total": {"lines": …}}).`);
}
function lcov(text, file) {
    let found = 0;
    let hit = 0;
    // LF/LH are each record's totals; DA lines are the fallback when a tool omits them.
    let recordFound;
    let recordHit;
    let daFound = 0;
    let daHit = 0;
    let records = 0;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (line.startsWith('LF:'))
            recordFound = Number(line.slice(3));
        else if (line.startsWith('LH:'))
            recordHit = Number(line.slice(3));
        else if (line.startsWith('DA:')) {
            daFound++;
            const count = Number(line.slice(3).split(',')[1]);
            if (count > 0)
                daHit++;
        }
        else if (line === 'end_of_record') {
            records++;
            found += recordFound ?? daFound;
            hit += recordHit ?? daHit;
            recordFound = recordHit = undefined;
            daFound = daHit = 0;
        }
    }
    if (records === 0)
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The lcov file ${file} has no records (no end_of_record line).`);
    if (!Number.isFinite(found) || !Number.isFinite(hit))
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The lcov file ${file} has an LF: or LH: line that is not a number.`);
    return result('lcov', hit, found);
}
function cobertura(text, file) {
    const valid = fast_xml_parser__WEBPACK_IMPORTED_MODULE_1__/* .XMLValidator */ .iI.validate(text);
    if (valid !== true)
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The coverage file ${file} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
    const document = new fast_xml_parser__WEBPACK_IMPORTED_MODULE_2__/* ["default"] */ .A({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text);
    const root = document.coverage;
    if (!root || typeof root !== 'object')
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The XML file ${file} is not a Cobertura report: it has no <coverage> root element.`);
    const covered = Number(root['@lines-covered']);
    const total = Number(root['@lines-valid']);
    if (root['@lines-valid'] !== undefined && Number.isFinite(covered) && Number.isFinite(total))
        return result('cobertura', covered, total);
    const rate = Number(root['@line-rate']);
    if (root['@line-rate'] === undefined || !Number.isFinite(rate))
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The Cobertura report ${file} has no line-rate or lines-valid attribute on <coverage>.`);
    return { format: 'cobertura', percent: round(rate * 100) };
}
function jsonSummary(text, file) {
    let document;
    try {
        document = JSON.parse(text);
    }
    catch (error) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The coverage file ${file} is not valid JSON: ${error.message}`);
    }
    const lines = document.total?.lines;
    if (!lines || typeof lines.total !== 'number' || typeof lines.covered !== 'number')
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KitError */ .Fb(`The JSON file ${file} is not an Istanbul json-summary: it has no total.lines.total and total.lines.covered.`);
    return result('json-summary', lines.covered, lines.total);
}
function result(format, covered, valid) {
    // No lines to cover counts as fully covered, as Istanbul reports it.
    const percent = valid === 0 ? 100 : round((covered / valid) * 100);
    return { format, linesCovered: covered, linesValid: valid, percent };
}
const round = (n) => Math.round(n * 100) / 100;


/***/ })

};
