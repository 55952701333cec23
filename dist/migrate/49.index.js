export const id = 49;
export const ids = [49];
export const modules = {

/***/ 5049:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_DOWNLOAD_BASE: () => (/* binding */ DEFAULT_DOWNLOAD_BASE),
  cliOnPath: () => (/* binding */ cliOnPath),
  installCli: () => (/* binding */ installCli),
  pathVersion: () => (/* binding */ pathVersion)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../lib/errors.ts
var errors = __webpack_require__(9470);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ../../providers/cli-verify.ts
/**
 * The checksums that decide whether an installed or cached platform CLI may run (see
 * cli.ts): the sha256 recorded beside a tool-cache install, and a release's published
 * sha256 list.
 */




/** The record's name inside the installed folder (tool-cache copies the folder whole). */
const RECORD_FILE = '.deploy-kit-sha256';
/** Beside it: the sha256 of the archive the folder was extracted from, when that was checked. */
const ARCHIVE_RECORD_FILE = '.deploy-kit-archive-sha256';
async function sha256File(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/**
 * One sha256 over everything installed in `dir`: each entry's path, kind and content (a
 * symlink by its target), in a fixed order, the records left out. The launcher alone is not
 * enough: npm's `.bin/squawk` and `.bin/vercel` are small scripts that run files beside them
 * (squawk's native binary, vercel's JavaScript), and those are what a planted copy changes.
 */
async function sha256Tree(dir) {
    const tree = (0,external_node_crypto_.createHash)('sha256');
    const walk = async (relative) => {
        const names = (0,external_node_fs_.readdirSync)(external_node_path_default().join(dir, relative)).sort();
        for (const name of names) {
            const entry = relative ? `${relative}/${name}` : name;
            if (!relative && (name === RECORD_FILE || name === ARCHIVE_RECORD_FILE))
                continue;
            const full = external_node_path_default().join(dir, entry);
            const stat = (0,external_node_fs_.lstatSync)(full);
            if (stat.isSymbolicLink())
                tree.update(`L\0${entry}\0${(0,external_node_fs_.readlinkSync)(full)}\0`);
            else if (stat.isDirectory()) {
                tree.update(`D\0${entry}\0`);
                await walk(entry);
            }
            else if (stat.isFile())
                tree.update(`F\0${entry}\0${stat.mode & 0o111 ? 'x' : '-'}${await sha256File(full)}\0`);
            else
                tree.update(`O\0${entry}\0`);
        }
    };
    await walk('');
    return tree.digest('hex');
}
/**
 * Writes the sha256 of the installed folder (sha256Tree) into it before it goes to the tool
 * cache, and the sha256 its archive was verified against (published, or `cli-sha256`), if it was.
 */
async function recordInstall(dir, archiveSha256) {
    (0,external_node_fs_.writeFileSync)(external_node_path_default().join(dir, RECORD_FILE), `${await sha256Tree(dir)}\n`);
    if (archiveSha256)
        (0,external_node_fs_.writeFileSync)(external_node_path_default().join(dir, ARCHIVE_RECORD_FILE), `${archiveSha256}\n`);
}
function readRecord(dir, name = RECORD_FILE) {
    const file = external_node_path_default().join(dir, name);
    if (!(0,external_node_fs_.existsSync)(file))
        return undefined;
    const value = (0,external_node_fs_.readFileSync)(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}
/**
 * The sha256 a release's checksum list gives for `fileName` (goreleaser's checksums file
 * is `<hex>  <name>` per line, as `sha256sum` writes it; a `*` before the name marks
 * binary mode). The candidates are tried in order; none readable, or a list without the
 * file: an error — a platform that publishes checksums never gets an unverified CLI run.
 */
async function publishedSha256(what, urls, fileName, deps) {
    const tried = [];
    for (const url of urls) {
        let text;
        try {
            text = await deps.readText(url);
        }
        catch (error) {
            tried.push(`${url} (${(0,errors/* errorMessage */.gJ)(error)})`);
            continue;
        }
        for (const line of text.split(/\r?\n/)) {
            const match = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
            if (match && match[2] === fileName) {
                deps.log(`Verified against ${url}: ${fileName} is published with sha256 ${match[1].toLowerCase()}.`);
                return match[1].toLowerCase();
            }
        }
        throw new errors/* KitError */.Fb(`The published checksums ${url} list no sha256 for ${fileName}: refusing to install it.`);
    }
    throw new errors/* KitError */.Fb(`Could not read the checksums ${what} publishes (tried ${tried.join('; ')}): not installing an unverified CLI.`);
}

;// CONCATENATED MODULE: ../../providers/cli.ts
/**
 * Installs a platform CLI at a pinned version, once: the runner's tool cache first, then
 * the Actions cache (across jobs, when the service is available), then a download of the
 * platform's own release archive. With no version asked for, a CLI already on PATH is
 * used as it is and its version reported.
 *
 * The deploy job runs this CLI with the platform token, so nothing restored is trusted as
 * it is (issue 16): a tool-cache copy must match the sha256 recorded when it was
 * installed, and the Actions cache, which other jobs of the repository can write (a test
 * with the runtime token could plant a binary there), is used only for a tool that
 * publishes checksums. It holds the release archive itself, under a key naming the
 * published sha256, and an archive that does not hash to it is refused and downloaded
 * again. A download is checked against the published checksums too. Where a platform
 * publishes none (Railway), the user's own sha256 (`cli-sha256`) takes their place; without
 * it the install says, in the log and the summary, that the CLI is unverified.
 */




/** Where release archives come from; DEPLOY_KIT_CLI_MIRROR points at a mirror of the same paths. */
const DEFAULT_DOWNLOAD_BASE = 'https://github.com';
/**
 * The CLI on PATH, used as it is, when neither a version nor a sha256 is asked for (with one,
 * the archive is installed instead); undefined when none of `tool.commands` is on PATH.
 */
async function cliOnPath(tool, request, deps) {
    const { version, sha256 } = typeof request === 'string' ? { version: request } : (request ?? {});
    if (version || sha256)
        return undefined;
    for (const command of tool.commands) {
        const found = await deps.which(command);
        if (found)
            return { command, path: found };
    }
    return undefined;
}
/** What a CLI found on PATH says its version is (`tool.versionArgs`). */
const pathVersion = async (tool, binary, deps) => tool.parseVersion(await deps.version(binary, tool.versionArgs)) ?? 'unknown version';
async function installCli(tool, request, deps) {
    const started = Date.now();
    const { version: requested, sha256 } = typeof request === 'string' ? { version: request } : (request ?? {});
    const pinned = sha256?.toLowerCase();
    const sha256Input = tool.noChecksums?.input ?? 'cli-sha256';
    const done = (found, version, source, verification) => ({ path: found, version, source, verification, durationMs: Date.now() - started });
    const onPath = await cliOnPath(tool, request, deps);
    if (onPath) {
        const version = await pathVersion(tool, onPath.path, deps);
        deps.log(`Using ${onPath.command} ${version} found on PATH at ${onPath.path}.`);
        return done(onPath.path, version, 'PATH', 'not checked (the CLI found on PATH)');
    }
    const version = requested ?? tool.defaultVersion;
    const asset = tool.asset(version, deps.platform, deps.arch);
    if (!asset)
        throw new errors/* KitError */.Fb(`${tool.name} publishes no release for ${deps.platform}/${deps.arch}: install ${tool.name} yourself before this step and leave cli-version empty.`);
    const binaryIn = (dir) => external_node_path_default().join(dir, asset.binary);
    const unverified = tool.noChecksums
        ? `unverified: ${tool.noChecksums.publisher} publishes no checksums for its releases (set ${sha256Input} to the archive's sha256 to verify it)`
        : 'unverified: no checksums were available';
    const cached = deps.find(tool.name, version);
    if (cached && (0,external_node_fs_.existsSync)(binaryIn(cached))) {
        const record = readRecord(cached);
        const archiveRecord = readRecord(cached, ARCHIVE_RECORD_FILE);
        const actual = await sha256Tree(cached);
        const problem = record !== actual
            ? record
                ? `its files' sha256 ${actual} is not the ${record} recorded at install`
                : 'no sha256 was recorded at install'
            : pinned && archiveRecord !== pinned
                ? `it was not installed from an archive with the ${sha256Input} ${pinned}`
                : undefined;
        if (!problem) {
            const verification = archiveRecord ? `archive sha256 ${archiveRecord}, checked at install` : unverified;
            if (!archiveRecord)
                deps.log(`The ${tool.name} ${version} in the tool cache is ${unverified}.`);
            return done(binaryIn(cached), version, 'tool cache', verification);
        }
        deps.log(`Refused the ${tool.name} ${version} in the tool cache at ${cached}: ${problem}. Installing again.`);
        (0,external_node_fs_.rmSync)(cached, { recursive: true, force: true });
    }
    const base = (deps.env.DEPLOY_KIT_CLI_MIRROR || DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '');
    const url = tool.install ? `the ${tool.name} package` : `${base}${asset.path}`;
    const published = tool.checksums && !tool.install
        ? await publishedSha256(`${tool.name} ${version}`, tool.checksums(version).map((candidate) => `${base}${candidate}`), external_node_path_default().posix.basename(asset.path), deps)
        : undefined;
    if (published && pinned && published !== pinned)
        throw new errors/* KitError */.Fb(`${sha256Input} ${pinned} is not the sha256 ${tool.name} ${version} publishes for ${external_node_path_default().posix.basename(asset.path)} (${published}): refusing to install it.`);
    // The sha256 the archive must have, and where it comes from.
    const expected = pinned ?? published;
    const expectedFrom = pinned ? `${sha256Input} ` : 'published ';
    // Only an archive with a known sha256 goes through the Actions cache (see the top).
    const archiveFile = external_node_path_default().join(deps.env.RUNNER_TEMP ?? '', 'deploy-kit-cli', external_node_path_default().posix.basename(asset.path));
    const key = expected && `deploy-kit-${tool.name}-${version}-${deps.platform}-${deps.arch}-sha256-${expected}`;
    let archive;
    if (key && deps.actionsCache) {
        try {
            if (await deps.actionsCache.restore([archiveFile], key)) {
                const actual = await sha256File(archiveFile);
                if (actual === expected)
                    archive = archiveFile;
                else {
                    deps.log(`Refused the ${tool.name} ${version} archive from the Actions cache: its sha256 ${actual} is not the ${expectedFrom}${expected}. Downloading instead.`);
                    (0,external_node_fs_.rmSync)(archiveFile, { force: true });
                }
            }
        }
        catch (error) {
            deps.log(`The Actions cache could not be read (${(0,errors/* errorMessage */.gJ)(error)}); downloading instead.`);
        }
    }
    const source = archive ? 'Actions cache' : 'download';
    let extracted;
    if (tool.install) {
        deps.log(`Installing ${tool.name} ${version} from ${url}`);
        extracted = await tool.install(version, deps.log);
    }
    else {
        if (!archive) {
            deps.log(`Installing ${tool.name} ${version} from ${url}`);
            archive = await download(tool, version, url, deps);
            const actual = await sha256File(archive);
            if (expected && actual !== expected)
                throw new errors/* KitError */.Fb(`The ${tool.name} ${version} downloaded from ${url} has sha256 ${actual}, not the ${expectedFrom}${expected}: refusing to run it.`);
            if (pinned)
                deps.log(`Verified ${tool.name} ${version}: the archive has the sha256 given in ${sha256Input}.`);
        }
        extracted = await deps.extract(archive);
    }
    if (!(0,external_node_fs_.existsSync)(binaryIn(extracted)))
        throw new errors/* KitError */.Fb(`The ${tool.name} ${version} from ${url} has no ${asset.binary} in it.`);
    (0,external_node_fs_.chmodSync)(binaryIn(extracted), 0o755);
    await recordInstall(extracted, tool.install ? undefined : expected);
    const installed = await deps.cacheDir(extracted, tool.name, version);
    const binary = binaryIn(installed);
    const reported = tool.parseVersion(await deps.version(binary, tool.versionArgs));
    if (reported && reported !== version)
        throw new errors/* KitError */.Fb(`The downloaded ${tool.name} says it is version ${reported}, not ${version}.`);
    if (key && deps.actionsCache && source === 'download' && archive) {
        try {
            (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(archiveFile), { recursive: true });
            if (archive !== archiveFile)
                (0,external_node_fs_.copyFileSync)(archive, archiveFile);
            await deps.actionsCache.save([archiveFile], key);
        }
        catch (error) {
            deps.log(`The Actions cache could not be written (${(0,errors/* errorMessage */.gJ)(error)}); the next job downloads again.`);
        }
    }
    const verification = tool.install
        ? `installed by npm (${tool.name} ${version})`
        : expected
            ? `archive sha256 ${expected} (${pinned ? sha256Input : 'published with the release'})`
            : unverified;
    if (!tool.install && !expected)
        deps.log(`${tool.name} ${version} is ${unverified}.`);
    return done(binary, version, source, verification);
}
async function download(tool, version, url, deps) {
    try {
        // tool-cache's downloadTool retries transient failures (5xx, 408, 429) itself.
        return await deps.download(url);
    }
    catch (error) {
        throw new errors/* KitError */.Fb(`Could not download ${tool.name} ${version} from ${url}: ${(0,errors/* errorMessage */.gJ)(error)}. Check that cli-version names a published release.`);
    }
}


/***/ })

};
