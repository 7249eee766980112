/** @module Which section a FHIR R4 resource from a hospital, community or social care source belongs in. */
import type { SourceConfig } from '../config/config-schema.ts';
import type { SectionName } from '../shared/sections.ts';

const BY_TYPE: Readonly<Record<string, SectionName>> = {
  MedicationStatement: 'medications',
  MedicationRequest: 'medications',
  MedicationDispense: 'medications',
  MedicationAdministration: 'medications',
  AllergyIntolerance: 'allergies',
  Condition: 'problems',
  Encounter: 'encounters',
  Procedure: 'encounters',
  Observation: 'investigations',
  DiagnosticReport: 'investigations',
  Immunization: 'immunisations',
  ServiceRequest: 'referrals',
  DocumentReference: 'documents',
  CarePlan: 'carePlans',
  EpisodeOfCare: 'socialCare',
  Flag: 'socialCare',
  CareTeam: 'socialCare',
};

/**
 * The section for a resource, or undefined for resources that are not shown as items
 * (the source's Patient, Practitioners, Organizations, Medications referenced by others).
 * Everything a social care system holds goes to the social care section.
 */
export function sectionForR4(
  resource: fhir4.FhirResource,
  setting: SourceConfig['setting'],
): SectionName | undefined {
  const section = BY_TYPE[resource.resourceType];
  if (section === undefined) return undefined;
  return setting === 'social-care' ? 'socialCare' : section;
}

/** Every resource type a record's sections hold (GP items are mapped to these too). */
export const SECTION_RESOURCE_TYPES: readonly string[] = Object.keys(BY_TYPE);
