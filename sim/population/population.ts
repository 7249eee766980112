/**
 * @module The contract between the synthetic population and the simulated servers:
 * servers ask the population for FHIR payloads by NHS number; the population generates
 * each patient on demand from the seed and the NHS number, so 100,000 patients cost no memory.
 */

/** A simulated GP practice. */
export interface SimPractice {
  readonly ods: string;
  readonly name: string;
  /** The practice's GP Connect ASID (Ssp-To). */
  readonly asid: string;
}

/** The FHIR R4 source systems of the simulated region. */
export type SimR4Setting = 'hospital' | 'community' | 'social-care';

/** GP Connect clinical areas a request may ask for (the `include*` parameter names). */
export type GpcArea =
  | 'includeAllergies'
  | 'includeMedication'
  | 'includeConsultations'
  | 'includeProblems'
  | 'includeImmunisations'
  | 'includeUncategorisedData'
  | 'includeInvestigations'
  | 'includeReferrals'
  | 'includeDiaryEntries';

export interface GpcRecordRequest {
  readonly ods: string;
  readonly nhsNumber: string;
  readonly areas: ReadonlySet<GpcArea>;
  readonly includeResolvedAllergies: boolean;
  readonly includePrescriptionIssues: boolean;
  /** The Ssp-TraceID, echoed as Bundle.id. */
  readonly traceId: string;
}

export type GpcRecordOutcome =
  | { readonly outcome: 'record'; readonly bundle: fhir3.Bundle }
  | {
      readonly outcome: 'error';
      readonly spineCode: 'PATIENT_NOT_FOUND' | 'NO_PATIENT_CONSENT';
    };

export interface PdsQuery {
  readonly family?: string | undefined;
  readonly given?: string | undefined;
  /** `YYYY-MM-DD`, optionally prefixed `eq`. */
  readonly birthdate?: string | undefined;
  readonly gender?: string | undefined;
  readonly postcode?: string | undefined;
}

export interface SimPopulation {
  readonly seed: number;
  readonly size: number;
  readonly practices: readonly SimPractice[];
  /** The i-th NHS number of the population (0 ≤ i < size); personas come first. */
  nhsNumberAt(index: number): string;
  has(nhsNumber: string): boolean;
  /** The PDS-style Patient, or undefined when not in the population. */
  pdsPatient(nhsNumber: string): fhir4.Patient | undefined;
  /** Matches PDS search semantics loosely (case-insensitive family/given prefix). At most `limit`. */
  searchPds(query: PdsQuery, limit: number): readonly fhir4.Patient[];
  /** The GP Connect structured record at a practice, shaped like real supplier records. */
  gpConnectRecord(request: GpcRecordRequest): GpcRecordOutcome;
  /**
   * Everything an R4 source holds for the patient, including its own Patient resource first,
   * or undefined when the patient is not known there.
   */
  r4Record(setting: SimR4Setting, nhsNumber: string): readonly fhir4.FhirResource[] | undefined;
}
