/**
 * @module Finding a patient for the clinician: by NHS number or by demographics, through the
 * national demographics service, as banner-ready summaries; and the trace a record view checks
 * every source's answer against.
 */
import type { TraceResult } from './trace-result.ts';
import type {
  DemographicsClient,
  DemographicsQuery,
  DemographicsSummary,
} from './demographics-client.ts';
import { formatNhsNumber } from './nhs-number.ts';
import { ageInWords, type PatientSummary } from './patient-summary.ts';

export type PatientSearchResult =
  | { readonly kind: 'matches'; readonly patients: readonly PatientSummary[] }
  | { readonly kind: 'too-many' | 'invalid' | 'unavailable'; readonly message: string };

export interface PatientFinder {
  /** One patient by a validated NHS number: no match is an empty list, not an error. */
  byNhsNumber(nhsNumber: string): Promise<PatientSearchResult>;
  search(query: DemographicsQuery): Promise<PatientSearchResult>;
  /** The national trace a record view relies on. */
  trace(nhsNumber: string): Promise<TraceResult>;
}

export function createPatientFinder(deps: {
  readonly demographics: DemographicsClient;
  readonly now: () => Date;
  /** Names of known organisations by ODS code (the configured GP practices), for the banner. */
  readonly organisationName?: ((odsCode: string) => string | undefined) | undefined;
}): PatientFinder {
  const { demographics, now } = deps;
  const summarise = (patient: DemographicsSummary): PatientSummary =>
    toPatientSummary(patient, now(), deps.organisationName);

  return {
    async byNhsNumber(nhsNumber) {
      const result = await demographics.getPatient(nhsNumber);
      switch (result.kind) {
        case 'found':
          return { kind: 'matches', patients: [summarise(result.patient)] };
        case 'not-found':
          return { kind: 'matches', patients: [] };
        case 'invalid':
        case 'unavailable':
          return { kind: result.kind, message: result.message };
      }
    },

    async search(query) {
      const result = await demographics.search(query);
      if (result.kind === 'matches')
        return { kind: 'matches', patients: result.patients.map(summarise) };
      return { kind: result.kind, message: result.message };
    },

    async trace(nhsNumber) {
      const result = await demographics.getPatient(nhsNumber);
      if (result.kind === 'found') {
        const patient = result.patient;
        return {
          kind: 'found',
          summary: summarise(patient),
          registeredPractice: patient.registeredPractice,
          traced: {
            nhsNumber: patient.nhsNumber,
            family: patient.name?.family,
            given: patient.name?.given,
            birthDate: patient.birthDate,
            gender: patient.gender,
          },
        };
      }
      if (result.kind === 'not-found') return { kind: 'not-found', message: result.message };
      return { kind: 'unavailable', message: result.message };
    },
  };
}

/** The banner's view of a traced patient. A restricted patient's address and GP are never included. */
export function toPatientSummary(
  patient: DemographicsSummary,
  at: Date,
  organisationName: (odsCode: string) => string | undefined = () => undefined,
): PatientSummary {
  const age =
    patient.birthDate === undefined
      ? undefined
      : ageInWords(patient.birthDate, at, patient.deceasedDateTime);
  return {
    nhsNumber: patient.nhsNumber,
    nhsNumberFormatted: formatNhsNumber(patient.nhsNumber),
    name: {
      prefix: patient.name?.prefix[0],
      given: patient.name?.given ?? [],
      family: patient.name?.family ?? '',
    },
    birthDate: patient.birthDate,
    age,
    gender: patient.gender,
    address: patient.restricted ? undefined : patient.address,
    registeredGp:
      patient.restricted || patient.gpOdsCode === undefined
        ? undefined
        : { odsCode: patient.gpOdsCode, name: organisationName(patient.gpOdsCode) },
    restricted: patient.restricted,
    deceasedDateTime: patient.deceasedDateTime,
  };
}
