import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';
import { Fail, type Parsed, type Parser } from './schemas.js';

/**
 * One input, declared once: its documentation (for action.yml and the README) and the
 * parser (./schemas.ts) that turns the runner's string into a typed value. Parsers receive
 * the input with its default applied; optional inputs see '' when not given.
 */
export interface InputSpec<T = unknown> {
  description: string;
  required?: boolean;
  default?: string;
  /** Masked with core.setSecret the moment it is read (and a URL's password part too). */
  secret?: boolean;
  /** Shown in error messages and the README. */
  example?: string;
  parse: Parser<T>;
}

export interface ActionSpec<
  I extends Record<string, InputSpec> = Record<string, InputSpec>,
  O extends string = string,
> {
  /** Folder name: actions/<name>/, src/actions/<name>/, dist/<name>/. */
  name: string;
  /** The action.yml `name`. */
  title: string;
  description: string;
  inputs: I;
  outputs: Record<O, string>;
  /** A post step in the same bundle, and when the runner runs it. */
  post?: { if: string };
  branding?: { icon: string; color: string };
}

export function defineAction<I extends Record<string, InputSpec>, O extends string>(
  spec: ActionSpec<I, O>,
): ActionSpec<I, O> {
  return spec;
}

type CamelCase<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<CamelCase<B>>}` : S;

export type Inputs<A extends ActionSpec> = {
  [K in keyof A['inputs'] & string as CamelCase<K>]: Parsed<A['inputs'][K]['parse']>;
};

export type OutputName<A extends ActionSpec> = keyof A['outputs'] & string;

export const camelCase = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface InputSource {
  getInput(name: string): string;
  setSecret(value: string): void;
}

/** Masks a secret, and where it is a URL with a password, the password in both spellings. */
export function maskSecret(value: string, setSecret: (v: string) => void = core.setSecret): void {
  if (!value) return;
  setSecret(value);
  try {
    const url = new URL(value);
    if (url.password) {
      setSecret(url.password);
      setSecret(decodeURIComponent(url.password));
    }
    // libpq also reads the password from the query (postgres://u@h/db?password=…).
    for (const password of url.searchParams.getAll('password')) if (password) setSecret(password);
  } catch {
    // not a URL: the whole value is already masked
  }
}

/**
 * Reads and validates every input before anything else happens, so bad input fails the
 * step before any side effect, with a message naming the input.
 */
export function readInputs<A extends ActionSpec>(spec: A, source: InputSource = core): Inputs<A> {
  const result: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    let raw = source.getInput(name);
    if (input.secret) maskSecret(raw, (v) => source.setSecret(v));
    if (raw === '') raw = input.default ?? '';
    if (input.required && raw === '') {
      throw new ConfigurationError(
        `Input "${name}" is required: ${firstSentence(input.description)}` +
          (input.example ? ` Example: ${name}: ${input.example}` : ''),
      );
    }
    const parsed = input.parse.read(raw);
    if (parsed instanceof Fail) {
      let problem = parsed.message;
      if (input.secret && raw) problem = problem.split(raw).join('***');
      throw invalidInput(name, input, problem);
    }
    result[camelCase(name)] = parsed;
  }
  return result as Inputs<A>;
}

/** The error for an input whose value is wrong: its name, the problem, an example. */
export function invalidInput(name: string, input: InputSpec, problem: string): ConfigurationError {
  return new ConfigurationError(
    `Input "${name}" is invalid: ${problem}` + (input.example ? ` (example: ${input.example})` : ''),
  );
}

function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end === -1 ? text : text.slice(0, end + 1);
}

/** Writes outputs that are known; undefined values are skipped. */
export function setOutputs<A extends ActionSpec>(
  spec: A,
  values: Partial<Record<OutputName<A>, string | number | boolean | undefined>>,
): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in spec.outputs)) throw new Error(`${spec.name} has no output "${name}"`);
    if (value !== undefined) core.setOutput(name, String(value));
  }
}
