import { defineAction } from '../../lib/action-spec.js';
import {
  bool,
  decimal,
  duration,
  httpUrl,
  integer,
  lines,
  nameValueLines,
  optional,
  text,
  via,
} from '../../lib/schemas.js';
import { parseJsonExpectations, parseStatusPattern, parseTextMatcher } from '../../smoke/expectations.js';
import { parseHeaderExpectations, parseMethod } from '../../smoke/checks.js';

export const spec = defineAction({
  name: 'smoke-test',
  title: 'deploy-kit smoke-test',
  description:
    'Prove that the new release is live and healthy: poll until the endpoint answers as expected (and reports the expected version), then measure latency and error rate.',
  branding: { icon: 'activity', color: 'green' },
  inputs: {
    url: {
      description: 'Base URL of the deployment to test.',
      required: true,
      example: 'https://staging.example.com',
      parse: httpUrl(),
    },
    path: { description: 'Path to request, relative to `url`.', default: '/', example: '/health', parse: text() },
    method: { description: 'HTTP method.', default: 'GET', parse: via(text(), parseMethod) },
    headers: {
      description: 'Request headers, one `Name: value` per line. Values are masked.',
      example: 'Authorization: Bearer ${{ secrets.SMOKE_TOKEN }}',
      parse: nameValueLines(':'),
    },
    'expect-status': {
      description: 'Accepted status codes: `200`, a range `200-299`, `2xx`, or a list `200,204`.',
      default: '200',
      example: '200-299',
      parse: via(text(), parseStatusPattern),
    },
    'expect-body': {
      description: 'The body must contain this text, or match `/regex/`.',
      example: '/"status":\\s*"ok"/',
      parse: optional(via(text(), parseTextMatcher)),
    },
    'expect-json': {
      description: 'Lines of `json.path = value` the JSON body must satisfy.',
      example: 'status = ok',
      parse: via(lines(), parseJsonExpectations),
    },
    'expect-header': {
      description: 'Response headers, one `Name: value` (or `Name: /regex/`) per line.',
      example: 'content-type: /json/',
      parse: via(nameValueLines(':'), parseHeaderExpectations),
    },
    'expect-version': {
      description:
        'The release the endpoint must report, in its JSON field `version`, `sha` or `commit`, or the `x-version` header; an older release that still answers fails. Commit SHAs match by prefix.',
      example: '${{ github.sha }}',
      parse: optional(text()),
    },
    checks: {
      description:
        'A YAML list of checks for several endpoints, each with the keys above (`path`, `url`, `method`, `headers`, `expect-*`) and an optional `name`; unset keys take the top-level values.',
      example: '- path: /health\n  expect-json: status = ok',
      parse: optional(text()),
    },
    timeout: {
      description: 'Deadline to become healthy (`90s`, `5m`, `1h`, or seconds).',
      default: '5m',
      parse: duration(),
    },
    interval: { description: 'Wait between attempts.', default: '5s', parse: duration() },
    'request-timeout': { description: 'Deadline for one request.', default: '10s', parse: duration() },
    'consecutive-successes': {
      description: 'Attempts in a row that must pass, to guard against a flapping service.',
      default: '1',
      parse: integer(1, 1000),
    },
    requests: {
      description: 'Requests per check in the latency sample taken once healthy (0 skips it).',
      default: '20',
      parse: integer(0, 100_000),
    },
    'max-p95-ms': {
      description: "Fail when the sample's (or the watch window's) p95 latency exceeds this many milliseconds.",
      parse: optional(decimal(0)),
    },
    'max-error-rate': {
      description: 'Highest error rate (0 to 1) allowed in the latency sample and in the watch window.',
      default: '0',
      parse: decimal(0, 1),
    },
    watch: {
      description:
        "After the deployment is healthy (and the latency sample passed), keep probing every `interval` for this long (`10m`); 0 skips the watch. Fails on `max-consecutive-failures` failed checks in a row, or when the window's error rate passes `max-error-rate` or its p95 passes `max-p95-ms`.",
      default: '0',
      example: '10m',
      parse: duration(),
    },
    'max-consecutive-failures': {
      description:
        'Failed checks in a row that fail the watch window. With the default `max-error-rate` of 0 any failed check already fails it: set `max-error-rate` (e.g. `0.05`) to tolerate blips.',
      default: '3',
      parse: integer(1, 1000),
    },
    'max-redirects': { description: 'Redirects followed before giving up.', default: '5', parse: integer(0, 50) },
    insecure: {
      description: 'Accept an invalid TLS certificate (self-signed). Only for test endpoints.',
      default: 'false',
      parse: bool(),
    },
  },
  outputs: {
    passed: '`true` when the endpoint became healthy in time and met the latency and error-rate limits.',
    attempts: 'Attempts made until healthy (or until the deadline).',
    'time-to-healthy-ms': 'Milliseconds from the start until healthy.',
    'p50-ms': 'Median latency of the sample, in ms.',
    'p95-ms': '95th percentile latency of the sample, in ms.',
    'p99-ms': '99th percentile latency of the sample, in ms.',
    'error-rate': 'Share of failed requests in the sample (0 to 1).',
    'watched-ms': 'Milliseconds the watch window ran (0 without `watch`; less than `watch` when it failed early).',
    samples: 'Checks made in the watch window.',
    report: 'Path of a JSON report of every attempt and the sample (no header values).',
  },
});
