/** @module Checks that the patient a source returned is the patient traced on the demographics service (NHS number, family name, birth date, gender). */
import type { TracedPatient } from './traced-patient.ts';
import { NHS_NUMBER_SYSTEM } from './nhs-number.ts';

/** A demographic field on which two records of the patient disagree. */
export type DemographicsDifference = 'nhsNumber' | 'family' | 'birthDate' | 'gender';

/** Whether two records describe the same patient, and where they differ. */
export interface DemographicsComparison {
  readonly matches: boolean;
  readonly differences: readonly DemographicsDifference[];
}

/**
 * Compares a source's patient with the traced one: the NHS number and birth date exactly, the
 * family name ignoring case and spaces, the gender only when both records give one.
 */
export function compareDemographics(
  traced: TracedPatient,
  other: TracedPatient,
): DemographicsComparison {
  const differences: DemographicsDifference[] = [];
  if (traced.nhsNumber.trim() !== other.nhsNumber.trim()) differences.push('nhsNumber');
  if (comparableName(traced.family) !== comparableName(other.family)) differences.push('family');
  if (traced.birthDate !== other.birthDate) differences.push('birthDate');
  if (
    traced.gender !== undefined &&
    other.gender !== undefined &&
    traced.gender.toLowerCase() !== other.gender.toLowerCase()
  ) {
    differences.push('gender');
  }
  return { matches: differences.length === 0, differences };
}

/** The demographics a FHIR R4 Patient gives: NHS number from its identifier, the official (else usual) name. */
export function tracedPatientFromR4(patient: fhir4.Patient): TracedPatient {
  const name = preferredName(patient.name);
  return {
    nhsNumber: nhsNumberOf(patient) ?? '',
    family: name?.family,
    given: name?.given,
    birthDate: patient.birthDate,
    gender: patient.gender,
  };
}

/** The NHS number in a Patient's identifiers, when it has one. */
export function nhsNumberOf(patient: fhir4.Patient): string | undefined {
  return patient.identifier
    ?.find((identifier) => identifier.system === NHS_NUMBER_SYSTEM)
    ?.value?.replace(/\s/g, '');
}

const NAME_PREFERENCE: readonly (fhir4.HumanName['use'] | undefined)[] = [
  'official',
  'usual',
  undefined,
];

/** The name to show and compare: official, else usual, else one without a use, else any that is not old. */
export function preferredName(
  names: readonly fhir4.HumanName[] | undefined,
): fhir4.HumanName | undefined {
  if (names === undefined || names.length === 0) return undefined;
  for (const use of NAME_PREFERENCE) {
    const found = names.find((name) => name.use === use);
    if (found !== undefined) return found;
  }
  return names.find((name) => name.use !== 'old') ?? names[0];
}

function comparableName(name: string | undefined): string | undefined {
  return name?.replace(/\s+/g, '').toLowerCase();
}
