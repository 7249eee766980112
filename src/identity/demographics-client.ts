/** @module Client for a PDS-style FHIR R4 demographics service: read a patient by NHS number, search by demographics; returns values, never throws. */
import { randomUUID } from 'node:crypto';
import type { fetchSource as FetchSource } from '../http/fetch-source.ts';
import { formatSeconds } from '../http/fetch-source.ts';
import type { SourceHttpOutcome } from '../http/http-outcome.ts';
import { nhsNumberOf, preferredName } from './demographics-match.ts';
import { normaliseNhsNumber } from './nhs-number.ts';
import { isJsonObject } from '../shared/json-guards.ts';

const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const ACCEPT = ['application/fhir+json', 'application/json'] as const;
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** A traced patient's demographics, ready to show. */
export interface DemographicsSummary {
  readonly nhsNumber: string;
  readonly name?:
    | {
        readonly prefix: readonly string[];
        readonly given: readonly string[];
        readonly family?: string | undefined;
      }
    | undefined;
  readonly birthDate?: string | undefined;
  readonly gender?: string | undefined;
  /** Absent for a restricted patient. */
  readonly address?:
    { readonly lines: readonly string[]; readonly postcode?: string | undefined } | undefined;
  /** ODS code of the current registered GP practice. Absent for a restricted patient or an ended registration. */
  readonly gpOdsCode?: string | undefined;
  /** The current GP registration, as the record view's discovery needs it. */
  readonly registeredPractice: RegisteredPractice;
  readonly deceasedDateTime?: string | undefined;
  /** Labelled `R` (restricted) or `V` (very restricted): where the patient lives must not be shown. */
  readonly restricted: boolean;
  /** The Patient as the service sent it, less address, telecom, contacts and GP when restricted. */
  readonly patient: fhir4.Patient;
}

/**
 * The patient's registered GP practice from PDS `generalPractitioner`: current only (a registration
 * whose `identifier.period.end` has passed is no GP to ask). A restricted patient's practice is
 * `withheld`: PDS does not reveal it to us, and we do not go looking for it.
 */
export type RegisteredPractice =
  | { readonly kind: 'registered'; readonly odsCode: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'withheld' };

/** Why a call did not give a patient, in plain words. */
export type DemographicsProblem =
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly errorCode?: string | undefined }
  | { readonly kind: 'unavailable'; readonly message: string };

/** The outcome of reading one patient by NHS number. */
export type DemographicsResult =
  { readonly kind: 'found'; readonly patient: DemographicsSummary } | DemographicsProblem;

/** The outcome of a demographics search. `matches` may be empty. */
export type DemographicsSearchResult =
  | { readonly kind: 'matches'; readonly patients: readonly DemographicsSummary[] }
  | { readonly kind: 'too-many'; readonly message: string }
  | Exclude<DemographicsProblem, { kind: 'not-found' }>;

/** What a demographics search may ask. A search needs a family name or a birth date. */
export interface DemographicsQuery {
  readonly family?: string | undefined;
  readonly given?: string | undefined;
  /** YYYY-MM-DD. */
  readonly birthdate?: string | undefined;
  readonly gender?: string | undefined;
  readonly postcode?: string | undefined;
}

/** The demographics service as the rest of the system sees it. */
export interface DemographicsClient {
  getPatient(nhsNumber: string, signal?: AbortSignal): Promise<DemographicsResult>;
  search(query: DemographicsQuery, signal?: AbortSignal): Promise<DemographicsSearchResult>;
}

/** Builds the client for the demographics service at `url`. */
export function createDemographicsClient(deps: {
  readonly url: string;
  readonly timeoutMs: number;
  readonly fetchSource: typeof FetchSource;
  /** The clock a registration's end date is compared with. */
  readonly now?: (() => Date) | undefined;
}): DemographicsClient {
  const now = deps.now ?? (() => new Date());
  const base = deps.url.replace(/\/+$/, '');

  const get = (url: string, signal: AbortSignal | undefined): Promise<SourceHttpOutcome> =>
    deps.fetchSource({
      method: 'GET',
      url,
      headers: { 'x-request-id': randomUUID() },
      timeoutMs: deps.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      acceptContentTypes: ACCEPT,
      signal,
    });

  function problem(outcome: SourceHttpOutcome): DemographicsProblem {
    if (outcome.kind !== 'response') {
      const message =
        outcome.kind === 'timed-out'
          ? `The demographics service did not answer within ${formatSeconds(deps.timeoutMs)}.`
          : `The demographics service could not be used: ${lowerFirst(outcome.message)}`;
      return { kind: 'unavailable', message };
    }
    const code = spineCode(outcome.json);
    if (outcome.status === 404) {
      return {
        kind: 'not-found',
        message: 'No patient with this NHS number was found on the demographics service.',
      };
    }
    if (outcome.status === 400) {
      return {
        kind: 'invalid',
        message:
          'The demographics service did not accept the details given. Check them and try again.',
        errorCode: code,
      };
    }
    return {
      kind: 'unavailable',
      message: `The demographics service is not working just now (HTTP ${outcome.status}${code === undefined ? '' : `, ${code}`}).`,
    };
  }

  return {
    async getPatient(nhsNumber, signal) {
      const digits = normaliseNhsNumber(nhsNumber);
      if (!/^\d{10}$/.test(digits)) {
        return {
          kind: 'invalid',
          message: 'An NHS number has 10 digits.',
          errorCode: 'INVALID_RESOURCE_ID',
        };
      }
      const outcome = await get(`${base}/Patient/${digits}`, signal);
      if (outcome.kind !== 'response' || outcome.status !== 200) return problem(outcome);
      if (!isPatient(outcome.json)) {
        return {
          kind: 'unavailable',
          message: 'The demographics service gave an answer that could not be read.',
        };
      }
      return { kind: 'found', patient: summarisePatient(outcome.json, now()) };
    },

    async search(query, signal) {
      const params = new URLSearchParams();
      const add = (key: string, value: string | undefined): void => {
        const trimmed = value?.trim();
        if (trimmed !== undefined && trimmed !== '') params.set(key, trimmed);
      };
      add('family', query.family);
      add('given', query.given);
      add('birthdate', query.birthdate);
      add('gender', query.gender);
      add('address-postalcode', query.postcode);
      if (!params.has('family') && !params.has('birthdate')) {
        return {
          kind: 'invalid',
          message: 'Enter at least a family name or a date of birth to search.',
        };
      }
      const outcome = await get(`${base}/Patient?${params.toString()}`, signal);
      if (
        outcome.kind === 'response' &&
        outcome.status === 200 &&
        spineCode(outcome.json) === 'TOO_MANY_MATCHES'
      ) {
        return {
          kind: 'too-many',
          message: 'Too many patients match these details. Add more details to narrow the search.',
        };
      }
      if (outcome.kind !== 'response' || outcome.status !== 200) {
        const failed = problem(outcome);
        return failed.kind === 'not-found' ? { kind: 'matches', patients: [] } : failed;
      }
      const patients = searchPatients(outcome.json);
      if (patients === undefined) {
        return {
          kind: 'unavailable',
          message: 'The demographics service gave an answer that could not be read.',
        };
      }
      return {
        kind: 'matches',
        patients: patients.map((patient) => summarisePatient(patient, now())),
      };
    },
  };
}

/** Summarises a PDS Patient, leaving out where a restricted patient lives and who their GP is. */
export function summarisePatient(raw: fhir4.Patient, at: Date = new Date()): DemographicsSummary {
  const restricted = isRestricted(raw);
  const patient: fhir4.Patient = restricted ? withoutLocation(raw) : raw;
  const name = preferredName(patient.name);
  const address = restricted ? undefined : preferredAddress(patient.address);
  const registeredPractice: RegisteredPractice = restricted
    ? { kind: 'withheld' }
    : currentPractice(patient.generalPractitioner, at);
  const gpOdsCode =
    registeredPractice.kind === 'registered' ? registeredPractice.odsCode : undefined;
  return {
    nhsNumber: nhsNumberOf(patient) ?? patient.id ?? '',
    name:
      name === undefined
        ? undefined
        : { prefix: name.prefix ?? [], given: name.given ?? [], family: name.family },
    birthDate: patient.birthDate,
    gender: patient.gender,
    address:
      address === undefined
        ? undefined
        : { lines: address.line ?? [], postcode: address.postalCode },
    gpOdsCode,
    registeredPractice,
    deceasedDateTime: patient.deceasedDateTime,
    restricted,
    patient,
  };
}

/** True when the Patient carries the `R` (restricted) or `V` (very restricted) confidentiality label. */
export function isRestricted(patient: fhir4.Patient): boolean {
  return (patient.meta?.security ?? []).some(
    (label) =>
      (label.system === undefined || label.system === CONFIDENTIALITY_SYSTEM) &&
      (label.code === 'R' || label.code === 'V'),
  );
}

/**
 * The current registration: an ODS-coded `generalPractitioner` whose period has started and not
 * ended (a date-only end covers the whole of that day). Anything else is no GP to ask.
 */
export function currentPractice(
  practitioners: readonly fhir4.Reference[] | undefined,
  at: Date,
): RegisteredPractice {
  const today = at.toISOString().slice(0, 10);
  for (const gp of practitioners ?? []) {
    const identifier = gp.identifier;
    const value = identifier?.value?.trim().toUpperCase();
    if (identifier?.system !== ODS_SYSTEM || value === undefined || !/^[A-Z0-9]{3,10}$/.test(value))
      continue;
    const end = identifier.period?.end;
    if (end !== undefined && end.slice(0, 10) < today) continue;
    const start = identifier.period?.start;
    if (start !== undefined && start.slice(0, 10) > today) continue;
    return { kind: 'registered', odsCode: value };
  }
  return { kind: 'none' };
}

function withoutLocation(patient: fhir4.Patient): fhir4.Patient {
  const copy: fhir4.Patient = { ...patient };
  delete copy.address;
  delete copy.telecom;
  delete copy.contact;
  delete copy.generalPractitioner;
  return copy;
}

function preferredAddress(
  addresses: readonly fhir4.Address[] | undefined,
): fhir4.Address | undefined {
  if (addresses === undefined) return undefined;
  return (
    addresses.find((a) => a.use === 'home') ??
    addresses.find((a) => a.use !== 'old' && a.use !== 'temp') ??
    addresses[0]
  );
}

function isPatient(value: unknown): value is fhir4.Patient {
  return isJsonObject(value) && value['resourceType'] === 'Patient';
}

function searchPatients(json: unknown): fhir4.Patient[] | undefined {
  if (!isJsonObject(json) || json['resourceType'] !== 'Bundle') return undefined;
  const entries: unknown = json['entry'] ?? [];
  if (!Array.isArray(entries)) return undefined;
  return entries
    .map((entry: unknown) => (isJsonObject(entry) ? entry['resource'] : undefined))
    .filter(isPatient);
}

/** The Spine error code of an OperationOutcome (`INVALID_RESOURCE_ID`, `TOO_MANY_MATCHES`, …). */
function spineCode(json: unknown): string | undefined {
  if (!isJsonObject(json) || json['resourceType'] !== 'OperationOutcome') return undefined;
  const issues = json['issue'];
  if (!Array.isArray(issues)) return undefined;
  const first: unknown = issues[0];
  const details = isJsonObject(first) ? first['details'] : undefined;
  const coding = isJsonObject(details) ? details['coding'] : undefined;
  const code: unknown =
    Array.isArray(coding) && isJsonObject(coding[0]) ? coding[0]['code'] : undefined;
  return typeof code === 'string' ? code : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
