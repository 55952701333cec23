/**
 * GitHub's own expression evaluator (@actions/expressions) with the status functions the
 * runner defines (docs.github.com, "Status check functions"), for the workflow simulator.
 */
import { Lexer, Parser, Evaluator, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';

const CONTEXTS = [
  'inputs',
  'github',
  'steps',
  'needs',
  'secrets',
  'env',
  'job',
  'runner',
  'vars',
  'matrix',
  'strategy',
];

function toData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(
    ...Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: toData(v) })),
  );
}

export interface Status {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

export const DONE: Status = { success: true, failure: false, cancelled: false };

export function evaluate(expression: string, context: Record<string, unknown>, status: Status): data.ExpressionData {
  const fn = (name: string, result: () => boolean): FunctionDefinition => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(result()),
  });
  const functions = [
    fn('success', () => status.success),
    fn('failure', () => status.failure),
    fn('cancelled', () => status.cancelled),
    fn('always', () => true),
  ];
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, CONTEXTS, functions).parse();
  const map = new Map(functions.map((f) => [f.name.toLowerCase(), f]));
  return new Evaluator(parsed, toData(context) as data.Dictionary, map).evaluate();
}

/** `${{ a }}` → `a`; a plain string → a string literal. */
export function templateExpression(value: unknown): string {
  const text = String(value ?? '');
  const match = /^\$\{\{\s*([\s\S]*?)\s*\}\}$/.exec(text);
  return match?.[1] ?? `'${text.replace(/'/g, "''")}'`;
}

/** A `with:` or `env:` value as the runner passes it: every `${{ }}` in it replaced by its value's text. */
export function evaluateTemplate(value: unknown, context: Record<string, unknown>): string {
  const text = typeof value === 'string' ? value : String(value ?? '');
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expression: string) =>
    evaluate(expression, context, DONE).coerceString(),
  );
}
