/**
 * @module Decides whether one item a source returned belongs to the patient the view traced: by
 * the item's subject (`subject`, `patient`, `beneficiary`, … by resource type, FHIR STU3 and R4)
 * pointing at the source's matched Patient, or by an identifier carrying the traced NHS number.
 * Everything else is left out and counted, never shown.
 */
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import type { SourceWarning } from './source-result.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** The patient every item must belong to: the Patient resource the source matched to the trace. */
export interface PatientOwner {
  /** The matched Patient's logical id (a relative `Patient/<id>` reference names it). */
  readonly id: string;
  /** The traced NHS number: an identifier reference must carry exactly this. */
  readonly nhsNumber: string;
  /**
   * Absolute names of the matched Patient in this answer: its `fullUrl`s (`urn:uuid:…` or an
   * absolute URL) and `<source base>/Patient/<id>`. Absolute references must equal one of these.
   */
  readonly aliases: readonly string[];
}

/** Why an item was kept or left out. */
export type Ownership = 'owned' | 'other-patient' | 'no-subject' | 'not-requested';

/** Why an item was left out (every `Ownership` but `owned`, plus a second Patient record in one answer). */
export type DropReason = Exclude<Ownership, 'owned'> | 'second-patient';

/** Items left out of one source's answer, counted by reason. No clinical content. */
export type DroppedCounts = Readonly<Partial<Record<DropReason, number>>>;

/**
 * The element that names the patient, by resource type. One table for STU3 (GP Connect) and R4: the
 * names agree for every type either version has. Types not named here have no patient subject
 * (Organization, Practitioner, Medication, …) or are not items this service shows.
 */
const SUBJECT_ELEMENT: Readonly<Record<string, string>> = {
  AdverseEvent: 'subject',
  AllergyIntolerance: 'patient',
  Basic: 'subject',
  CarePlan: 'subject',
  CareTeam: 'subject',
  ClinicalImpression: 'subject',
  Communication: 'subject',
  Composition: 'subject',
  Condition: 'subject',
  Consent: 'patient',
  Coverage: 'beneficiary',
  DetectedIssue: 'patient',
  DeviceRequest: 'subject',
  DeviceUseStatement: 'subject',
  DiagnosticReport: 'subject',
  DocumentReference: 'subject',
  Encounter: 'subject',
  EpisodeOfCare: 'patient',
  FamilyMemberHistory: 'patient',
  Flag: 'subject',
  Goal: 'subject',
  Immunization: 'patient',
  ImmunizationRecommendation: 'patient',
  List: 'subject',
  Media: 'subject',
  MedicationAdministration: 'subject',
  MedicationDispense: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  NutritionOrder: 'patient',
  Observation: 'subject',
  Procedure: 'subject',
  ProcedureRequest: 'subject',
  QuestionnaireResponse: 'subject',
  ReferralRequest: 'subject',
  RiskAssessment: 'subject',
  ServiceRequest: 'subject',
  Specimen: 'subject',
  Task: 'for',
};

/** The element naming the patient in a resource of this type, if the type has one. */
export function subjectElement(resourceType: string): string | undefined {
  return Object.hasOwn(SUBJECT_ELEMENT, resourceType) ? SUBJECT_ELEMENT[resourceType] : undefined;
}

/**
 * Whether `resource` belongs to `owner`. `requested` says whether its type was asked for (the
 * caller knows what it asked); a type with no patient subject cannot be shown as an item and is
 * `not-requested` too. A `#id` subject is resolved among the resource's own contained resources.
 */
export function ownershipOf(resource: unknown, owner: PatientOwner, requested: boolean): Ownership {
  if (!isJsonObject(resource) || typeof resource['resourceType'] !== 'string')
    return 'not-requested';
  const element = subjectElement(resource['resourceType']);
  if (!requested || element === undefined) return 'not-requested';
  const value = resource[element];
  if (value === undefined || value === null) return 'no-subject';
  const references: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  if (references.length === 0) return 'no-subject';
  let verdict: Ownership = 'owned';
  for (const reference of references) {
    const one = referenceOwnership(reference, owner, resource);
    if (one === 'other-patient') return 'other-patient';
    if (one === 'no-subject') verdict = 'no-subject';
  }
  return verdict;
}

/** Whether one Reference names the owner. Every part it carries must agree: a reference and an identifier that disagree name someone else. */
function referenceOwnership(
  reference: unknown,
  owner: PatientOwner,
  container: Readonly<Record<string, unknown>>,
): Ownership {
  if (!isJsonObject(reference)) return 'other-patient';
  const type = reference['type'];
  if (type !== undefined && type !== 'Patient') return 'other-patient';
  const text = reference['reference'];
  const identifier = reference['identifier'];
  if (text === undefined && identifier === undefined) return 'no-subject';
  if (
    text !== undefined &&
    !(typeof text === 'string' && referenceNamesOwner(text, owner, container))
  )
    return 'other-patient';
  if (identifier !== undefined && !identifierIsOwners(identifier, owner)) return 'other-patient';
  return 'owned';
}

/** A reference string naming the owner: `Patient/<id>`, one of its absolute names, or a contained Patient with the traced NHS number. */
function referenceNamesOwner(
  text: string,
  owner: PatientOwner,
  container: Readonly<Record<string, unknown>>,
): boolean {
  const ref = text.trim();
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    const contained = container['contained'];
    if (id === '' || !Array.isArray(contained)) return false;
    const matches = (contained as unknown[]).filter(
      (candidate) => isJsonObject(candidate) && candidate['id'] === id,
    );
    // A contained Patient is a description, not a record: it must carry the traced NHS number and no other.
    return matches.length === 1 && isPatientWithOnly(matches[0], owner.nhsNumber);
  }
  const withoutHistory = ref.replace(/\/_history\/[^/]*$/, '');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(withoutHistory)) {
    const absolute = withoutHistory.replace(/\/+$/, '');
    return owner.aliases.some((alias) => alias.trim().replace(/\/+$/, '') === absolute);
  }
  return owner.id !== '' && withoutHistory === `Patient/${owner.id}`;
}

function identifierIsOwners(identifier: unknown, owner: PatientOwner): boolean {
  if (!isJsonObject(identifier)) return false;
  const system = identifier['system'];
  const value = identifier['value'];
  return (
    owner.nhsNumber !== '' &&
    typeof system === 'string' &&
    isNhsNumberSystem(system) &&
    typeof value === 'string' &&
    value.replace(/\s/g, '') === owner.nhsNumber
  );
}

/** The NHS number system, leniently (suppliers add a trailing slash). */
function isNhsNumberSystem(system: string): boolean {
  return system.trim().replace(/\/+$/, '') === NHS_NUMBER_SYSTEM;
}

/** Every NHS number a Patient resource carries (spaces removed). */
export function nhsNumbersOf(patient: unknown): string[] {
  if (!isJsonObject(patient)) return [];
  const identifiers = patient['identifier'];
  if (!Array.isArray(identifiers)) return [];
  const numbers: string[] = [];
  for (const identifier of identifiers as unknown[]) {
    if (!isJsonObject(identifier)) continue;
    const system = identifier['system'];
    const value = identifier['value'];
    if (typeof system === 'string' && isNhsNumberSystem(system) && typeof value === 'string')
      numbers.push(value.replace(/\s/g, ''));
  }
  return numbers;
}

function isPatientWithOnly(candidate: unknown, nhsNumber: string): boolean {
  if (!isJsonObject(candidate) || candidate['resourceType'] !== 'Patient') return false;
  const numbers = nhsNumbersOf(candidate);
  return numbers.length > 0 && numbers.every((number) => number === nhsNumber);
}

/**
 * What a Patient resource other than the matched one means, found in the same answer:
 * `same` — the matched Patient again (same id, no other NHS number); `other-nhs-number` — a
 * different patient, so the whole answer is in doubt and nothing from the source is shown;
 * `second-patient` — another record with the traced (or no) NHS number, left out with its items.
 */
export function otherPatientKind(
  patient: unknown,
  owner: Pick<PatientOwner, 'id' | 'nhsNumber'>,
): 'same' | 'other-nhs-number' | 'second-patient' {
  if (nhsNumbersOf(patient).some((number) => number !== owner.nhsNumber)) return 'other-nhs-number';
  return isJsonObject(patient) && patient['id'] === owner.id ? 'same' : 'second-patient';
}

/** Adds one left-out item to the counts. */
export function countDropped(
  counts: Partial<Record<DropReason, number>>,
  reason: DropReason,
): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

/** The total of all reasons. */
export function totalDropped(counts: DroppedCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Plain words for the clinician, one warning per reason. Counts only, no clinical content. */
export function droppedWarnings(counts: DroppedCounts): SourceWarning[] {
  const warnings: SourceWarning[] = [];
  const items = (count: number): string => `${count} item${count === 1 ? '' : 's'}`;
  const were = (count: number): string => (count === 1 ? 'was' : 'were');
  const other = counts['other-patient'] ?? 0;
  if (other > 0) {
    warnings.push({
      code: 'other-patient-items',
      message: `${items(other)} from this source named a different patient and ${were(other)} not shown. Tell the source organisation: its answer mixed patients' records.`,
    });
  }
  const noSubject = counts['no-subject'] ?? 0;
  if (noSubject > 0) {
    warnings.push({
      code: 'no-patient-reference',
      message: `${items(noSubject)} from this source did not say which patient ${noSubject === 1 ? 'it belongs' : 'they belong'} to and ${were(noSubject)} not shown.`,
    });
  }
  const notRequested = counts['not-requested'] ?? 0;
  if (notRequested > 0) {
    warnings.push({
      code: 'unrequested-items',
      message: `${items(notRequested)} of a kind that was not asked for ${were(notRequested)} left out.`,
    });
  }
  const second = counts['second-patient'] ?? 0;
  if (second > 0) {
    warnings.push({
      code: 'second-patient-record',
      message: `This source's answer also held ${second} other patient record${second === 1 ? '' : 's'} for this NHS number; ${second === 1 ? 'it was' : 'they were'} left out with everything linked to ${second === 1 ? 'it' : 'them'}. The source's records may need merging.`,
    });
  }
  return warnings;
}

/** The message of a source withheld because its answer held a patient with another NHS number. */
export const OTHER_NHS_NUMBER_MESSAGE =
  "This source's answer included a record for a patient with a different NHS number, so nothing from it is shown: " +
  'its answer cannot be trusted to be only about this patient. Tell the source organisation.';
