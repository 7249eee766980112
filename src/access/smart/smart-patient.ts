/**
 * @module The patient in an EHR launch's context: reads `Patient/{patient}` from the EHR's FHIR
 * server with the launch's access token and takes its NHS number (system
 * https://fhir.nhs.uk/Id/nhs-number, Modulus 11). Nothing else of the Patient is kept.
 */
import { isValidNhsNumber, NHS_NUMBER_SYSTEM, type NhsNumber } from '../../identity/nhs-number.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from '../../http/http-outcome.ts';

/** Why the patient could not be had (the `reasonCode` of `sign-in-failed`). */
export type SmartPatientFailure = 'patient-unreadable' | 'patient-nhs-number-invalid';

export type SmartPatientResult =
  | { readonly ok: true; readonly nhsNumber: NhsNumber }
  | { readonly ok: false; readonly reason: SmartPatientFailure };

const PATIENT_TIMEOUT_MS = 5000;
const PATIENT_MAX_BYTES = 512 * 1024;
/** FHIR's id rule: what may be put into the read's path. */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && FHIR_ID.test(value);
}

/** The one valid NHS number a Patient carries; undefined when none, or two that differ. */
export function nhsNumberOf(patient: unknown): NhsNumber | undefined {
  if (typeof patient !== 'object' || patient === null) return undefined;
  const identifiers = (patient as { identifier?: unknown }).identifier;
  if (!Array.isArray(identifiers)) return undefined;
  const values = new Set<string>();
  for (const identifier of identifiers as unknown[]) {
    if (typeof identifier !== 'object' || identifier === null) continue;
    const { system, value } = identifier as { system?: unknown; value?: unknown };
    if (system === NHS_NUMBER_SYSTEM && typeof value === 'string')
      values.add(value.replace(/\s/g, ''));
  }
  const [only] = values;
  return values.size === 1 && only !== undefined && isValidNhsNumber(only) ? only : undefined;
}

/** Reads the launch's Patient and returns its NHS number, or why not. */
export async function readLaunchPatient(request: {
  readonly iss: string;
  readonly patientId: string;
  readonly accessToken: string;
  readonly fetchJson: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
}): Promise<SmartPatientResult> {
  const outcome = await request.fetchJson({
    method: 'GET',
    url: `${request.iss.replace(/\/+$/, '')}/Patient/${encodeURIComponent(request.patientId)}`,
    headers: { accept: 'application/fhir+json', authorization: `Bearer ${request.accessToken}` },
    timeoutMs: PATIENT_TIMEOUT_MS,
    maxResponseBytes: PATIENT_MAX_BYTES,
    acceptContentTypes: ['application/fhir+json', 'application/json'],
  });
  if (outcome.kind !== 'response' || outcome.status !== 200) {
    return { ok: false, reason: 'patient-unreadable' };
  }
  const patient = outcome.json as { resourceType?: unknown; id?: unknown };
  // The resource asked for, not whatever came back.
  if (patient.resourceType !== 'Patient' || patient.id !== request.patientId) {
    return { ok: false, reason: 'patient-unreadable' };
  }
  const nhsNumber = nhsNumberOf(patient);
  return nhsNumber === undefined
    ? { ok: false, reason: 'patient-nhs-number-invalid' }
    : { ok: true, nhsNumber };
}
