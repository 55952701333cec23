/**
 * The marketplace peer's approach, for bench/startup.bench.ts: Jtalk/url-health-check-action
 * (index.js, curl.js) is a node action that reads its input with @actions/core and runs
 * `curl --fail -sv <url>` through @actions/exec, once per URL with its default
 * max-attempts: 1. Written here from that description (its code is not vendored) and
 * bundled with ncc --minify like ours, so the comparison is of approaches, not of build
 * settings.
 */
import * as core from '@actions/core';
import { exec } from '@actions/exec';

const url = core.getInput('url', { required: true });
core.info(`Checking ${url}`);
await exec('curl', ['--fail', '-sv', url]);
core.info('Success');
