/**
 * @module Creates the deterministic synthetic population behind the simulated source systems.
 * Each patient is generated on demand from (seed, NHS number), so a population of 100,000 costs no memory;
 * the same seed always gives byte-identical payloads.
 */
import { generatedIndexOf, generatedNhsNumber } from './nhs-numbers.ts';
import { demographicsOf, generatePatient } from './generate-patient.ts';
import { LruCache } from './lru-cache.ts';
import type { SimPatient } from './patient-model.ts';
import { PERSONAS } from './personas.ts';
import type {
  GpcRecordOutcome,
  GpcRecordRequest,
  PdsQuery,
  SimPopulation,
  SimR4Setting,
} from './population.ts';
import { PRACTICES, REGION_PRACTICES } from './practices.ts';
import { renderCommunityRecord } from './render-community.ts';
import { renderGpConnectRecord } from './render-gp-connect.ts';
import { renderHospitalRecord } from './render-hospital.ts';
import { renderPdsPatient } from './render-pds.ts';
import { renderSocialCareRecord } from './render-social-care.ts';

export { PRACTICES } from './practices.ts';

export interface PopulationOptions {
  /** Defaults to 1. */
  readonly seed?: number;
  /** Number of patients, personas included; defaults to 500. */
  readonly size?: number;
  /**
   * Spread the generated patients over the region's 300 practices (`REGION_PRACTICES`) instead
   * of the first two; personas keep theirs. The records are otherwise the same.
   */
  readonly region?: boolean;
}

/** How many generated patients to keep ready; the large-record persona alone is several MB. */
const CACHE_CAPACITY = 64;

/** Creates the population. Patients are generated lazily and cached in a small LRU. */
export function createPopulation(options: PopulationOptions = {}): SimPopulation {
  const seed = options.seed ?? 1;
  const size = Math.max(PERSONAS.length, Math.floor(options.size ?? 500));
  const cache = new LruCache<string, SimPatient>(CACHE_CAPACITY);

  const nhsNumberAt = (index: number): string => {
    if (!Number.isInteger(index) || index < 0 || index >= size)
      throw new RangeError(`index ${index} is outside the population (size ${size})`);
    const persona = PERSONAS[index];
    return persona ? persona.nhsNumber : generatedNhsNumber(index - PERSONAS.length);
  };

  const indexOf = (nhsNumber: string): number | undefined => {
    const personaIndex = PERSONAS.findIndex((p) => p.nhsNumber === nhsNumber);
    if (personaIndex >= 0) return personaIndex;
    const k = generatedIndexOf(nhsNumber);
    if (k === undefined) return undefined;
    const index = k + PERSONAS.length;
    return index < size ? index : undefined;
  };

  const patient = (nhsNumber: string): SimPatient | undefined => {
    const cached = cache.get(nhsNumber);
    if (cached) return cached;
    const index = indexOf(nhsNumber);
    if (index === undefined) return undefined;
    const made = generatePatient(seed, nhsNumber, index);
    const generated =
      options.region === true && index >= PERSONAS.length
        ? { ...made, gp: { ...made.gp, practiceOds: regionPracticeOf(nhsNumber) } }
        : made;
    cache.set(nhsNumber, generated);
    return generated;
  };

  const matchesPds = (nhsNumber: string, query: PdsQuery): boolean => {
    const d = demographicsOf(seed, nhsNumber);
    const lower = (s: string): string => s.toLowerCase();
    if (query.family && !lower(d.name.family).startsWith(lower(query.family))) return false;
    if (query.given && !d.name.given.some((g) => lower(g).startsWith(lower(query.given ?? ''))))
      return false;
    if (query.gender && lower(query.gender) !== d.gender) return false;
    if (query.birthdate && query.birthdate.replace(/^eq/, '') !== d.birthDate) return false;
    if (
      query.postcode &&
      lower(d.address.postalCode.replace(/\s/g, '')) !== lower(query.postcode.replace(/\s/g, ''))
    )
      return false;
    return true;
  };

  return {
    seed,
    size,
    practices: (options.region === true ? REGION_PRACTICES : PRACTICES).map(
      ({ ods, name, asid }) => ({ ods, name, asid }),
    ),
    nhsNumberAt,
    has: (nhsNumber) => indexOf(nhsNumber) !== undefined,
    pdsPatient: (nhsNumber) => {
      const p = patient(nhsNumber);
      return p ? renderPdsPatient(p) : undefined;
    },
    searchPds: (query, limit) => {
      const hasCriterion = [
        query.family,
        query.given,
        query.birthdate,
        query.gender,
        query.postcode,
      ].some((v) => v !== undefined && v !== '');
      if (!hasCriterion || limit <= 0) return [];
      const found: fhir4.Patient[] = [];
      for (let i = 0; i < size && found.length < limit; i++) {
        const nhsNumber = nhsNumberAt(i);
        if (!matchesPds(nhsNumber, query)) continue;
        const p = patient(nhsNumber);
        if (p) found.push(renderPdsPatient(p));
      }
      return found;
    },
    gpConnectRecord: (request: GpcRecordRequest): GpcRecordOutcome => {
      const p = patient(request.nhsNumber);
      if (!p) return { outcome: 'error', spineCode: 'PATIENT_NOT_FOUND' };
      return renderGpConnectRecord(seed, p, request);
    },
    r4Record: (setting: SimR4Setting, nhsNumber: string) => {
      const p = patient(nhsNumber);
      if (!p) return undefined;
      switch (setting) {
        case 'hospital':
          return renderHospitalRecord(p);
        case 'community':
          return renderCommunityRecord(p);
        case 'social-care':
          return renderSocialCareRecord(p);
      }
    },
  };
}

/** A generated patient's practice in the region: spread evenly by NHS number, the same every run. */
export function regionPracticeOf(nhsNumber: string): string {
  const slot = Number((BigInt(nhsNumber) * 2_654_435_761n) % BigInt(REGION_PRACTICES.length));
  return REGION_PRACTICES[slot]?.ods ?? 'A81001';
}
