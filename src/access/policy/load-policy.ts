/**
 * @module Loads the access policy file and the restricted code sets it names: YAML, schema defaults,
 * validation naming the file and the key, then a frozen `Policy`. An invalid file stops the server.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../config/load-config.ts';
import { createRestrictedCodes, RestrictedCodesSchema } from '../restricted/restricted-codes.ts';
import type { RestrictedCodes } from '../restricted/restricted-codes.ts';
import { createPolicy, type Policy } from './policy.ts';
import { PolicyFileSchema, type PolicyFile } from './policy-schema.ts';

/** The policy shipped with My Care Record. */
export const DEFAULT_POLICY_FILE = fileURLToPath(
  new URL('../../../policy/default-policy.yaml', import.meta.url),
);

/** A policy problem, naming the file and the key. A ConfigError, so the CLI reports it the same way. */
export class PolicyError extends ConfigError {}

/** Loads and validates the policy (the shipped default when no file is given). Throws PolicyError. */
export function loadPolicy(file: string = DEFAULT_POLICY_FILE): Policy {
  const path = resolve(file);
  const data = readValidated(path, PolicyFileSchema);
  checkPolicyRules(path, data);
  const restrictedCodes = loadRestrictedCodes(resolve(dirname(path), data.restrictedCodes));
  return createPolicy(path, data, restrictedCodes);
}

/** Loads and validates a restricted code sets file. Throws PolicyError. */
export function loadRestrictedCodes(file: string): RestrictedCodes {
  const data = readValidated(file, RestrictedCodesSchema);
  try {
    return createRestrictedCodes(data);
  } catch (error) {
    throw new PolicyError(`${file}: ${(error as Error).message}`);
  }
}

/** Rules a schema cannot say. */
function checkPolicyRules(file: string, data: PolicyFile): void {
  for (const [role, rules] of Object.entries(data.roles)) {
    if (
      rules.actions.includes('view-record') &&
      rules.sections !== 'all' &&
      rules.sections.length === 0
    ) {
      throw new PolicyError(
        `${file}: roles.${role}.sections: a role that may view records must see at least one section`,
      );
    }
  }
}

function readValidated<S extends TSchema>(file: string, schema: S): Static<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem !== undefined) {
    const line = problem.linePos?.[0].line;
    throw new PolicyError(
      `${file}${line === undefined ? '' : `:${line}`}: ${problem.message.split('\n')[0] ?? ''}`,
    );
  }
  const raw: unknown = document.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(`${file}: the top level must be a mapping of keys`);
  }
  const value: unknown = Value.Default(schema, raw);
  const first = Value.Errors(schema, value).First();
  if (first !== undefined) {
    const key = pointerToKey(first.path) || '(top level)';
    const found = first.value === undefined ? '' : ` (found ${describe(first.value)})`;
    throw new PolicyError(`${file}: ${key}: ${first.message}${found}`);
  }
  return deepFreeze(value as Static<S>);
}

/** `/roles/gp/actions/1` → `roles.gp.actions[1]` */
function pointerToKey(pointer: string): string {
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

function describe(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
