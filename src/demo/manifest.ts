/**
 * The demo's deploy-kit.yml: the example app released as two services on this machine
 * (provider vm, host: local), `api` then `web` (web needs api). Both serve examples/app;
 * api's smoke test reads /health, web's reads / — so a release with a BROKEN file passes
 * api's and fails web's, the case the demo shows. web's smoke test also watches the release for
 * a few seconds after it went live (a sample every 200 ms; 3 failures in a row fail the
 * window), so a release with a DEGRADE_AFTER file — healthy first, then slow 503s — is caught
 * by the watch window and rolled back.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DemoService {
  name: 'api' | 'web';
  port: number;
  /** The app folder on the "host": releases/, current, app.pid. */
  appDir: string;
}

/** web's watch window: 15 samples, one every 200 ms. */
export const WATCH = '3s';

/** A `key: value` line at that depth; JSON strings are valid YAML and quote the paths. */
const line = (depth: number, key: string, value: unknown) => `${'  '.repeat(depth)}${key}: ${JSON.stringify(value)}`;

export function demoManifest(workspace: string, services: DemoService[]): string {
  const lines = ['# deploy-kit demo: two services of one app, released together.', 'services:'];
  for (const service of services) {
    const url = `http://127.0.0.1:${service.port}`;
    lines.push(
      `  ${service.name}:`,
      '    provider: vm',
      '    host: local',
      ...(service.name === 'web' ? ['    needs: [api]', '    primary: true'] : []),
      line(2, 'app-dir', service.appDir),
      line(2, 'source', 'app'),
      line(2, 'start-command', `APP_PORT=${service.port} NODE='${process.execPath}' sh deploy/start.sh`),
      line(2, 'health-url', `${url}/health`),
      line(2, 'health-timeout', '30s'),
      '    smoke:',
      line(3, 'path', service.name === 'web' ? '/' : '/health'),
      '      expect-version: true',
      // web's is meant to run out in release v2: a short deadline keeps the demo short.
      line(3, 'timeout', service.name === 'web' ? '3s' : '15s'),
      line(3, 'interval', '200ms'),
      line(3, 'requests', 5),
      ...(service.name === 'web'
        ? [line(3, 'watch', WATCH), line(3, 'max-consecutive-failures', 3), line(3, 'max-error-rate', 0.3)]
        : []),
    );
  }
  const file = path.join(workspace, 'deploy-kit.yml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
