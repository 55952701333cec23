export const id = 318;
export const ids = [318];
export const modules = {

/***/ 8318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   manifestSchema: () => (/* binding */ manifestSchema)
/* harmony export */ });
/* unused harmony exports buildManifestSchema, manifestJsonSchema, SMOKE_KEYS */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1933);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1126);
/* harmony import */ var _lib_schemas_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2241);
/* harmony import */ var _providers_registry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2627);
/* harmony import */ var _actions_smoke_test_spec_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2222);
/* harmony import */ var _manifest_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8730);
/**
 * The release manifest, deploy-kit.yml (docs/design.md "Releases"): the services of one app, each
 * a provider plus that provider's inputs under the same names as deploy-<provider>'s, and
 * per-environment overrides. One zod schema, built from the provider registry and
 * smoke-test's spec, both parses the file (every value through the very InputSpec parser the
 * single actions use) and generates schema/deploy-kit.schema.json for editors. zod is loaded
 * with this module only: the release action imports it when it reads a manifest (issue 17);
 * what the plan needs besides the schema is in ./manifest-inputs.ts.
 */





const scalar = zod__WEBPACK_IMPORTED_MODULE_4__/* .union */ .KCZ([zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_4__/* .number */ .aig(), zod__WEBPACK_IMPORTED_MODULE_4__/* .boolean */ .zMY()]);
/** One input as a manifest value: any YAML shape the runner's text can come from, checked by the input's parser. */
function inputValue(name, input, description = input.description) {
    const separator = name === 'expect-json' ? '=' : ':';
    const shape = zod__WEBPACK_IMPORTED_MODULE_4__/* .union */ .KCZ([scalar, zod__WEBPACK_IMPORTED_MODULE_4__/* .array */ .YOg(scalar), zod__WEBPACK_IMPORTED_MODULE_4__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), scalar)]);
    const accepted = name === 'checks' ? zod__WEBPACK_IMPORTED_MODULE_4__/* .union */ .KCZ([shape, zod__WEBPACK_IMPORTED_MODULE_4__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_4__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_4__/* .unknown */ .L5J()))]) : shape;
    return accepted
        .transform((value, ctx) => {
        const result = input.parse.read((0,_manifest_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .asInputText */ .WA)(value, separator));
        if (!(result instanceof _lib_schemas_js__WEBPACK_IMPORTED_MODULE_0__/* .Fail */ .dM))
            return result;
        for (const message of result.messages)
            ctx.addIssue({ code: 'custom', message });
        return zod__WEBPACK_IMPORTED_MODULE_5__/* .NEVER */ .tm;
    })
        .describe(description + (input.default ? ` Default: ${input.default}.` : ''));
}
const SMOKE_KEYS = Object.keys(_actions_smoke_test_spec_js__WEBPACK_IMPORTED_MODULE_2__/* .spec */ .I.inputs);
/** `smoke:` — smoke-test's inputs; `url` defaults to the deployment's url, `expect-version: true` is the release's version. */
const smokeSchema = () => zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc(Object.fromEntries(Object.entries(_actions_smoke_test_spec_js__WEBPACK_IMPORTED_MODULE_2__/* .spec */ .I.inputs).map(([name, input]) => {
    if (name === 'url')
        return [
            name,
            inputValue(name, { ...input, required: false }, "Base URL to test. Default: the deployment's url.").optional(),
        ];
    if (name === 'expect-version')
        return [
            name,
            zod__WEBPACK_IMPORTED_MODULE_4__/* .union */ .KCZ([zod__WEBPACK_IMPORTED_MODULE_4__/* .literal */ .euz(true), zod__WEBPACK_IMPORTED_MODULE_4__/* .literal */ .euz(false), scalar])
                .describe(`${input.description} \`true\`: the version being released.`)
                .optional(),
        ];
    return [name, inputValue(name, input).optional()];
})))
    .strict()
    .describe("The smoke test run after the platform's verdict (smoke-test's inputs). Absent: the platform's verdict alone.");
const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The keys every service has besides its provider's inputs. */
const releaseKeys = () => ({
    needs: zod__WEBPACK_IMPORTED_MODULE_4__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP())
        .describe('Services deployed (and healthy) before this one; a release rolls back in the reverse order.')
        .optional(),
    smoke: smokeSchema().optional(),
    'token-env': zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP()
        .regex(ENV_NAME, 'expected an environment variable name such as RAILWAY_TOKEN')
        .describe("The environment variable holding this service's token. Default: the provider's usual secret name.")
        .optional(),
    primary: zod__WEBPACK_IMPORTED_MODULE_4__/* .boolean */ .zMY()
        .describe("The service whose url is the release's `url` output (default: the first service).")
        .optional(),
});
function serviceSchema(definition, partial, keys) {
    const inputs = Object.fromEntries(Object.entries((0,_manifest_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .manifestInputs */ .F2)(definition)).map(([name, input]) => [name, inputValue(name, input).optional()]));
    const provider = zod__WEBPACK_IMPORTED_MODULE_4__/* .literal */ .euz(definition.name).describe(`${definition.title}: ${definition.name}`);
    return zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ provider: partial ? provider.optional() : provider, ...keys, ...inputs })
        .strict()
        .describe(`A service deployed to ${definition.title}, with deploy-${definition.name}'s inputs.`);
}
/** The inputs of every provider (for overrides, which are checked against the service's provider once merged). */
function anyServiceOverride(keys) {
    const inputs = {};
    for (const definition of _providers_registry_js__WEBPACK_IMPORTED_MODULE_1__/* .definitions */ .BG)
        for (const [name, input] of Object.entries((0,_manifest_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .manifestInputs */ .F2)(definition)))
            inputs[name] ??= inputValue(name, input).optional();
    return zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ ...keys, ...inputs })
        .strict()
        .describe("Keys merged over the service's own for this environment.");
}
const serviceName = zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP().regex(SERVICE_NAME, 'a service name is letters, digits, - and _');
/** The whole file. Built from the registry, so a provider added there is known here. */
function buildManifestSchema() {
    const keys = releaseKeys();
    const services = _providers_registry_js__WEBPACK_IMPORTED_MODULE_1__/* .definitions */ .BG.map((definition) => serviceSchema(definition, false, keys));
    return zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({
        services: zod__WEBPACK_IMPORTED_MODULE_4__/* .record */ .g1P(serviceName, zod__WEBPACK_IMPORTED_MODULE_4__/* .discriminatedUnion */ .gMt('provider', services))
            .describe('The services of the app, by name.'),
        environments: zod__WEBPACK_IMPORTED_MODULE_4__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ services: zod__WEBPACK_IMPORTED_MODULE_4__/* .record */ .g1P(serviceName, anyServiceOverride(keys)).optional() })
            .strict()
            .nullable()
            .describe("Overrides for one environment (the release action's `environment` input)."))
            .describe('Per-environment overrides, merged over services.')
            .optional(),
    })
        .strict()
        .describe('deploy-kit.yml: the services of one app, released together (deploy-kit release).');
}
let built;
/**
 * The schema, built the first time a manifest is checked, not when the module loads: it
 * wraps every provider's and smoke-test's input parsers, ~15 ms of every release start,
 * including the post step that finds the release done (issue 17).
 */
const manifestSchema = () => (built ??= buildManifestSchema());
/** The JSON Schema editors use (schema/deploy-kit.schema.json): the manifest's input side. */
function manifestJsonSchema() {
    return {
        ...z.toJSONSchema(manifestSchema(), { io: 'input', unrepresentable: 'any' }),
        $id: 'https://github.com/org/deploy-kit/schema/deploy-kit.schema.json',
        title: 'deploy-kit.yml',
    };
}



/***/ })

};
