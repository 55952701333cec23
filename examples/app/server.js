// A small HTTP service: / greets, /health reports the running version (for smoke-test's
// expect-version). APP_VERSION (or the VERSION file) names the version; APP_PORT the port.
// Three switches let the demo and the tests break a release on purpose: a BROKEN file makes
// / answer 500 (the health check still passes, the smoke test does not), an UNHEALTHY
// file makes /health answer 503, and a DEGRADE_AFTER file holding a number N makes / answer
// its first N requests well and every later one slowly (250 ms) with a 503 — a release that
// goes live healthy and then degrades, which only a watch window catches.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';

const here = (name) => new URL(name, import.meta.url);
const version =
  process.env.APP_VERSION || (existsSync(here('VERSION')) ? readFileSync(here('VERSION'), 'utf8').trim() : 'dev');
const broken = existsSync(here('BROKEN'));
const unhealthy = existsSync(here('UNHEALTHY'));
const degradeAfter = existsSync(here('DEGRADE_AFTER')) ? Number(readFileSync(here('DEGRADE_AFTER'), 'utf8')) : Infinity;
let served = 0;

export function handle(req, res) {
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-version': version });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/health')
    return unhealthy ? json(503, { status: 'starting', version }) : json(200, { status: 'ok', version });
  if (req.url === '/' && ++served > degradeAfter) {
    setTimeout(() => json(503, { error: 'overloaded: this release degrades on purpose', version }), 250);
    return;
  }
  if (req.url === '/')
    return broken ? json(500, { error: 'this release is broken on purpose' }) : json(200, { hello: 'world', version });
  return json(404, { error: 'not found' });
}

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  const port = Number(process.env.APP_PORT || 3000);
  createServer(handle).listen(port, '127.0.0.1', () =>
    console.log(`example app ${version} listening on 127.0.0.1:${port}`),
  );
}
