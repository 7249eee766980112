/** @module The whole curated code list: every SNOMED CT / dm+d code the synthetic population may emit. */
import {
  ALLERGENS,
  CARE_CODES,
  CHRONIC_CONDITIONS,
  CONSULTATION_ENTRIES,
  DOCUMENT_TYPES,
  ENCOUNTER_TYPES,
  FRACTURE_NECK_OF_FEMUR,
  GPC_LIST_CODES,
  LEGALLY_RESTRICTED,
  MYOCARDIAL_INFARCTION,
  OBSERVABLES,
  PAST_PROBLEMS,
  PCI,
  PROCEDURES,
  REACTIONS,
  RECALLS,
  REFERRAL_REASONS,
  VACCINATIONS,
} from './clinical-codes.ts';
import type { Concept } from './clinical-codes.ts';
import { LAB_PANELS, LAB_TESTS } from './lab-tests.ts';
import { MEDICINES } from './medicines.ts';

/** Every curated concept, keyed by code (display as curated). */
export function curatedConcepts(): ReadonlyMap<string, string> {
  const concepts: Concept[] = [
    ...CHRONIC_CONDITIONS.map((c) => c.concept),
    ...ALLERGENS.map((a) => a.concept),
    ...PAST_PROBLEMS,
    ...REACTIONS,
    ...PROCEDURES,
    ...REFERRAL_REASONS,
    ...RECALLS,
    MYOCARDIAL_INFARCTION,
    FRACTURE_NECK_OF_FEMUR,
    PCI,
    ...Object.values(VACCINATIONS),
    ...Object.values(CONSULTATION_ENTRIES),
    ...Object.values(OBSERVABLES),
    ...Object.values(ENCOUNTER_TYPES),
    ...Object.values(DOCUMENT_TYPES),
    ...Object.values(CARE_CODES),
    ...Object.values(LEGALLY_RESTRICTED),
    ...Object.values(GPC_LIST_CODES),
    ...Object.values(MEDICINES).map((m) => m.concept),
    ...Object.values(LAB_TESTS).map((t) => t.concept),
    ...Object.values(LAB_PANELS).flatMap((p) => ('group' in p ? [p.group] : [])),
  ];
  return new Map(concepts.map((c) => [c.code, c.display]));
}

/** The SNOMED codes of items the law restricts at a hospital (for the access layer's filter). */
export const LEGALLY_RESTRICTED_CODES: ReadonlySet<string> = new Set(Object.values(LEGALLY_RESTRICTED).map((c) => c.code));
