/**
 * @module Reading a YAML file that a schema validates: parse errors with file and line, schema
 * errors with file and key (`sources[1].timeoutMs`), and a deep freeze. Shared by the
 * configuration and the policy loaders.
 */
import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';

/** Makes the error a loader throws, from a message that already names the file. */
export type ErrorFactory = (message: string) => Error;

/** Reads a YAML file whose top level is a mapping. Throws via `fail`, naming the file (and line). */
export function readYamlMapping(file: string, fail: ErrorFactory): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fail(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem !== undefined) {
    const line = problem.linePos?.[0].line;
    throw fail(
      `${file}${line === undefined ? '' : `:${line}`}: ${problem.message.split('\n')[0] ?? ''}`,
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail(`${file}: the top level must be a mapping of keys`);
  }
  return value as Record<string, unknown>;
}

/** Applies the schema's defaults and checks it; the first problem is thrown naming `where` and the key. */
export function validateWithDefaults(
  schema: TSchema,
  raw: unknown,
  where: string,
  fail: ErrorFactory,
): unknown {
  const value: unknown = Value.Default(schema, raw);
  const first = Value.Errors(schema, value).First();
  if (first !== undefined) {
    const key = pointerToKey(first.path) || '(top level)';
    const found = first.value === undefined ? '' : ` (found ${describeValue(first.value)})`;
    throw fail(`${where}: ${key}: ${first.message}${found}`);
  }
  return value;
}

/** `/sources/0/url` → `sources[0].url` */
export function pointerToKey(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (key, part) =>
        /^\d+$/.test(part) ? `${key}[${part}]` : key === '' ? part : `${key}.${part}`,
      '',
    );
}

function describeValue(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Freezes an object and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
