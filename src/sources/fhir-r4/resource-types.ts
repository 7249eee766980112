/** @module The FHIR R4 resource types searched by patient when a source's configuration names none, by care setting. */
import type { SourceConfig } from '../../config/config-schema.ts';

const CLINICAL_TYPES: readonly string[] = [
  'AllergyIntolerance',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Encounter',
  'Observation',
  'DiagnosticReport',
  'Procedure',
  'Immunization',
  'DocumentReference',
  'CarePlan',
  'ServiceRequest',
];

const SOCIAL_CARE_TYPES: readonly string[] = ['EpisodeOfCare', 'CarePlan', 'Flag', 'CareTeam'];

/** The resource types searched for one source: its configured list, else the default for its setting. */
export function resourceTypesFor(
  source: Pick<SourceConfig, 'resourceTypes' | 'setting'>,
): readonly string[] {
  if (source.resourceTypes !== undefined) return [...new Set(source.resourceTypes)];
  return source.setting === 'social-care' ? SOCIAL_CARE_TYPES : CLINICAL_TYPES;
}
