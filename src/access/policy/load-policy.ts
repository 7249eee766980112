/**
 * @module Loads the access policy file and the restricted code sets it names: YAML, schema defaults,
 * validation naming the file and the key, then a frozen `Policy`. An invalid file stops the server.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Static, TSchema } from '@sinclair/typebox';
import { ConfigError } from '../../config/load-config.ts';
import { deepFreeze, readYamlMapping, validateWithDefaults } from '../../config/yaml-file.ts';
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
  const fail = (message: string): PolicyError => new PolicyError(message);
  return deepFreeze(
    validateWithDefaults(schema, readYamlMapping(file, fail), file, fail) as Static<S>,
  );
}
