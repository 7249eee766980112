/** @module Helpers shared by the synthetic population tests: a request for every GP Connect area, and walking payloads for codes. */
import type { GpcArea, GpcRecordRequest } from '../../sim/population/population.ts';

export const ALL_AREAS: ReadonlySet<GpcArea> = new Set<GpcArea>([
  'includeAllergies',
  'includeMedication',
  'includeConsultations',
  'includeProblems',
  'includeImmunisations',
  'includeUncategorisedData',
  'includeInvestigations',
  'includeReferrals',
  'includeDiaryEntries',
]);

/** A request for the whole record at a practice. */
export function wholeRecord(
  ods: string,
  nhsNumber: string,
  areas: ReadonlySet<GpcArea> = ALL_AREAS,
): GpcRecordRequest {
  return {
    ods,
    nhsNumber,
    areas,
    includeResolvedAllergies: true,
    includePrescriptionIssues: true,
    traceId: 'e1a2b3c4-0000-4000-8000-000000000001',
  };
}

/** Every SNOMED CT coding anywhere inside a JSON value. */
export function snomedCodings(
  value: unknown,
  out: { code: string; display: string }[] = [],
): { code: string; display: string }[] {
  if (Array.isArray(value)) {
    for (const v of value) snomedCodings(v, out);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record['system'] === 'http://snomed.info/sct' && typeof record['code'] === 'string') {
      out.push({
        code: record['code'],
        display: typeof record['display'] === 'string' ? record['display'] : '',
      });
    }
    for (const v of Object.values(record)) snomedCodings(v, out);
  }
  return out;
}
