/**
 * `npm audit`: the dependency advisories of an npm project, counted by severity, judged
 * against the level the user chose.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunOptions, RunResult } from '../lib/exec.js';
import { tail } from '../lib/exec.js';

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type AuditLevel = Severity;

export interface Advisory {
  name: string;
  severity: Severity;
  title: string;
  url?: string;
  range?: string;
  fixAvailable: boolean;
}

export type AuditResult =
  | {
      status: 'ran';
      level: AuditLevel;
      counts: Record<Severity, number>;
      /** Vulnerable packages at or above the level (npm counts packages, not advisories). */
      blocking: number;
      advisories: Advisory[];
      durationMs: number;
    }
  /** The audit could not be done (no lockfile, no registry): the gate cannot vouch for the dependencies. */
  | { status: 'unavailable'; level: AuditLevel; reason: string; durationMs: number };

export interface AuditDeps {
  run: (command: string, args: string[], options: RunOptions) => Promise<RunResult>;
}

/** Severities at or above the level, e.g. high → high, critical. */
export const atOrAbove = (level: AuditLevel): Severity[] => SEVERITIES.slice(SEVERITIES.indexOf(level));

export async function runNpmAudit(
  level: AuditLevel,
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
  deps: AuditDeps,
): Promise<AuditResult> {
  const started = Date.now();
  const unavailable = (reason: string): AuditResult => ({
    status: 'unavailable',
    level,
    reason,
    durationMs: Date.now() - started,
  });
  const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json'];
  if (!lockfiles.some((file) => existsSync(path.join(options.cwd, file)))) {
    return unavailable(
      `npm audit needs a package-lock.json (or npm-shrinkwrap.json) in ${options.cwd}, and there is none. ` +
        'Commit the lockfile, point working-directory at the npm project, or set audit: none.',
    );
  }
  let result: RunResult;
  try {
    result = await deps.run('npm', ['audit', `--audit-level=${level}`, '--json'], {
      cwd: options.cwd,
      env: options.env,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    return unavailable(`npm could not be started (${(error as Error).message}); is Node.js set up in this job?`);
  }
  if (result.timedOut) return unavailable(`npm audit did not finish within ${Math.round(options.timeoutMs / 1000)} s`);
  return judgeAuditOutput(result.stdout, result.stderr, level, Date.now() - started);
}

/** Reads `npm audit --json` output (npm 7 and later). */
export function judgeAuditOutput(stdout: string, stderr: string, level: AuditLevel, durationMs: number): AuditResult {
  let report: NpmAuditJson;
  try {
    report = JSON.parse(stdout) as NpmAuditJson;
  } catch {
    return {
      status: 'unavailable',
      level,
      reason: `npm audit did not print a report: ${tail(stderr || stdout, 5) || '(no output)'}`,
      durationMs,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (report.error || !counts) {
    // npm prints {"message": "request to … failed, reason: …", "error": {…}} when the
    // registry's advisory endpoint cannot be reached.
    const why = report.message || report.error?.summary || report.error?.detail || tail(stderr, 3) || 'no reason given';
    return {
      status: 'unavailable',
      level,
      reason: `npm audit could not get the advisories from the registry: ${why}`,
      durationMs,
    };
  }
  const advisories: Advisory[] = [];
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    const direct = (vulnerability.via ?? []).filter((via): via is NpmVia => typeof via === 'object');
    advisories.push({
      name,
      severity: vulnerability.severity,
      title: direct.map((via) => via.title).join('; ') || `via ${(vulnerability.via ?? []).join(', ')}`,
      url: direct[0]?.url,
      range: vulnerability.range || direct[0]?.range,
      fixAvailable: Boolean(vulnerability.fixAvailable),
    });
  }
  const blockingSeverities = atOrAbove(level);
  advisories.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const full = Object.fromEntries(SEVERITIES.map((s) => [s, counts[s] ?? 0])) as Record<Severity, number>;
  return {
    status: 'ran',
    level,
    counts: full,
    blocking: blockingSeverities.reduce((sum, s) => sum + full[s], 0),
    advisories,
    durationMs,
  };
}

interface NpmVia {
  title: string;
  url?: string;
  severity: Severity;
  range?: string;
}

interface NpmAuditJson {
  message?: string;
  error?: { summary?: string; detail?: string };
  vulnerabilities?: Record<
    string,
    { severity: Severity; via?: Array<NpmVia | string>; range?: string; fixAvailable?: unknown }
  >;
  metadata?: { vulnerabilities?: Partial<Record<Severity, number>> };
}
