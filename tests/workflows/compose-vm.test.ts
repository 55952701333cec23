/**
 * The compose-vm starter's files (examples/compose-vm): the Caddyfile checked by Caddy itself
 * (`caddy validate`) and run for real in front of the example app's container entry point
 * (serve.mjs) on 127.0.0.1, and the Compose file's wiring checked against the Caddyfile and
 * the Dockerfile. Docker itself is not on this machine, so the containers are not started.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const DIR = 'examples/compose-vm';
const CADDYFILE = path.join(DIR, 'Caddyfile');
const home = mkdtempSync(path.join(tmpdir(), 'caddy-home-'));
// Caddy keeps its local CA and state under these; never the real home.
const caddyEnv = { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home };

const validate = (file: string, env: Record<string, string> = {}) =>
  spawnSync('caddy', ['validate', '--adapter', 'caddyfile', '--config', file], {
    env: { ...caddyEnv, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(url: string, deadlineMs: number): Promise<Response> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2000) });
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms: ${String(last)}`);
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('examples/compose-vm/Caddyfile', () => {
  it('is valid for Caddy, as written (localhost) and for a real domain', () => {
    for (const env of [{}, { SITE_ADDRESS: 'shop.example.com' }] as Record<string, string>[]) {
      const result = validate(CADDYFILE, env);
      expect([result.status, result.stdout + result.stderr]).toEqual([
        0,
        expect.stringContaining('Valid configuration'),
      ]);
    }
  });

  it('is formatted as `caddy fmt` writes it', () => {
    const result = spawnSync('caddy', ['fmt', CADDYFILE], { env: caddyEnv, encoding: 'utf8' });
    expect(result.stdout).toBe(readFileSync(CADDYFILE, 'utf8'));
  });

  it('the validation can fail: a misspelt subdirective is refused', () => {
    const bad = path.join(home, 'Caddyfile.bad');
    writeFileSync(bad, readFileSync(CADDYFILE, 'utf8').replace('health_uri', 'health_urii'));
    const result = validate(bad);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('health_urii');
  });

  describe('Caddy in front of the app, for real', () => {
    const children: ChildProcess[] = [];
    let site = '';
    let appPort = 0;
    const startApp = (port: number, version: string) =>
      spawn(process.execPath, [path.join(DIR, 'serve.mjs')], {
        env: { PATH: process.env.PATH, APP_PORT: String(port), APP_VERSION: version },
        stdio: 'ignore',
      });

    beforeAll(async () => {
      const [sitePort, adminPort] = [await freePort(), await freePort()];
      appPort = await freePort();
      children.push(startApp(appPort, 'v1.4.2'));
      await waitFor(`http://127.0.0.1:${appPort}/health`, 10_000);
      const caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
        env: {
          ...caddyEnv,
          SITE_ADDRESS: `http://127.0.0.1:${sitePort}`,
          APP_UPSTREAM: `127.0.0.1:${appPort}`,
          CADDY_ADMIN: `127.0.0.1:${adminPort}`,
        },
        stdio: 'ignore',
      });
      children.push(caddy);
      site = `http://127.0.0.1:${sitePort}`;
      await waitFor(`${site}/health`, 20_000);
    }, 40_000);

    afterAll(async () => {
      for (const child of children.reverse()) {
        if (child.exitCode !== null) continue;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    });

    it('proxies to the app: /health reports the release, through Caddy', async () => {
      const response = await fetch(`${site}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', version: 'v1.4.2' });
      expect(response.headers.get('x-version')).toBe('v1.4.2');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('server')).toBeNull();
    });

    it('holds a request while the app container is replaced, instead of answering 502', async () => {
      const app = children[0]!;
      const exited = new Promise((resolve) => app.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
      const pending = fetch(`${site}/`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      children[0] = startApp(appPort, 'v1.4.3');
      const response = await pending;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ hello: 'world', version: 'v1.4.3' });
    }, 40_000);
  });
});

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('examples/compose-vm/docker-compose.yml', () => {
  const compose = parseYaml(readFileSync(path.join(DIR, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const { app, caddy } = compose.services as { app: ComposeService; caddy: ComposeService };
  const caddyfile = readFileSync(CADDYFILE, 'utf8');

  it('Caddy proxies to the app service on the port the app listens on', () => {
    const upstream = /reverse_proxy \{\$APP_UPSTREAM:([\w-]+):(\d+)\}/.exec(caddyfile);
    expect(upstream?.slice(1)).toEqual(['app', app.environment?.APP_PORT]);
    expect(app.expose).toEqual([app.environment?.APP_PORT]);
  });

  it('only Caddy publishes ports; it mounts this Caddyfile and keeps its certificates in volumes', () => {
    expect(app.ports).toBeUndefined();
    expect(caddy.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(caddy.volumes).toEqual(
      expect.arrayContaining(['./Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy_data:/data', 'caddy_config:/config']),
    );
    expect(Object.keys(compose.volumes)).toEqual(['caddy_data', 'caddy_config']);
    expect(caddy.image).toMatch(/^caddy:\d+\.\d+/);
  });

  it('Caddy starts only once the app is healthy (so `up --wait` fails a release that does not come up)', () => {
    expect(caddy.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    expect(app.healthcheck?.test.join(' ')).toContain('/health');
    expect(caddy.healthcheck?.test.join(' ')).toContain(':2019/');
    expect(caddyfile).toContain('admin {$CADDY_ADMIN:localhost:2019}');
  });

  it('the Dockerfile copies files that exist, from the build context the Compose file gives', () => {
    const context = path.join(DIR, app.build?.context ?? '.');
    const dockerfile = readFileSync(path.join(context, app.build?.dockerfile ?? 'Dockerfile'), 'utf8');
    const copies = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copies.length).toBeGreaterThan(1);
    for (const file of copies) expect([file, existsSync(path.join(context, file))]).toEqual([file, true]);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('the starter manifest starts it with `up --wait`, so the deploy step waits for healthy containers', () => {
    const manifest = readFileSync('workflows/compose-vm/deploy-kit.yml', 'utf8');
    for (const line of manifest.match(/start-command: .*/g) ?? [])
      expect(line).toMatch(/SITE_ADDRESS=\S+ docker compose -p [\w-]+ up -d --build --wait/);
  });
});
