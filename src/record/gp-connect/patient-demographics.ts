/** @module The patient's identifying details as a GP practice returned them, for checking against the national trace. */
import { isResource, objs, str, strs } from '../../sources/gp-connect/json-access.ts';

export interface GpcDemographics {
  readonly nhsNumber?: string | undefined;
  readonly family?: string | undefined;
  readonly given?: readonly string[] | undefined;
  readonly birthDate?: string | undefined;
  readonly gender?: string | undefined;
}

/**
 * The NHS number, official (else first) name, birth date and gender of the Bundle's Patient.
 * Undefined when the Bundle holds no Patient. The NHS number is not check-digit validated here:
 * published examples carry invalid ones, and the comparison with the trace is what matters.
 */
export function extractDemographics(bundle: unknown): GpcDemographics | undefined {
  const patient = objs(bundle, 'entry')
    .map((entry) => entry['resource'])
    .filter(isResource)
    .find((resource) => resource.resourceType === 'Patient');
  if (patient === undefined) return undefined;
  const nhsNumber = objs(patient, 'identifier').find(
    (identifier) =>
      str(identifier, 'system')?.trim().replace(/\/+$/, '').endsWith('/nhs-number') === true,
  )?.['value'];
  const names = objs(patient, 'name');
  const name = names.find((candidate) => str(candidate, 'use') === 'official') ?? names[0];
  const given = strs(name, 'given');
  return {
    nhsNumber: typeof nhsNumber === 'string' ? nhsNumber.replace(/\s+/g, '') : undefined,
    family: str(name, 'family'),
    given: given.length === 0 ? undefined : given,
    birthDate: str(patient, 'birthDate'),
    gender: str(patient, 'gender'),
  };
}
