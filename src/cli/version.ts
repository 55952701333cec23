/** The kit's version: package.json beside dist/, as published. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './local-runner.js';

export function kitVersion(): string {
  try {
    return String((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}
