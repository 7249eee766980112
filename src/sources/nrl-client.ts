/**
 * @module Client for the National Record Locator consumer API (FHIR R4 `DocumentReference`
 * pointers), as a connector: the patient's pointers become items in Documents, and pointers of a
 * crisis-relevant type are flagged; answered as a value, never thrown.
 */
import { randomUUID } from 'node:crypto';
import type { SourceConfig } from '../config/config-schema.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from '../http/http-outcome.ts';
import type { Connector, SourceRequest, SourceResult, SourceWarning } from './source-result.ts';
import { isJsonObject } from '../shared/json-guards.ts';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const SNOMED = 'http://snomed.info/sct';

/** Pointer types a clinician in a crisis must see first (NRL record types, SNOMED CT). */
export const CRISIS_TYPES: Readonly<Record<string, string>> = {
  '736253002': 'Mental health crisis plan',
  '861421000000109': 'End of life care coordination summary',
  '887701000000100': 'Emergency health care plan',
  '1382601000000107': 'ReSPECT form',
};

/** The NRL as a source in the record's provenance and the audit (NHS England, ODS X26). */
export function nrlSource(settings: {
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}): SourceConfig {
  return {
    id: 'nrl',
    name: 'National Record Locator',
    organisation: 'X26',
    kind: 'fhir-r4',
    url: settings.url,
    timeoutMs: settings.timeoutMs,
    maxResponseBytes: settings.maxResponseBytes,
    setting: 'hospital',
    pageSize: 100,
    maxPages: 1,
  };
}

export function createNrlConnector(deps: {
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
}): Connector {
  const source = nrlSource(deps);
  const base = deps.url.replace(/\/+$/, '');

  async function fetchRecord(request: SourceRequest): Promise<SourceResult> {
    const started = performance.now();
    const query = new URLSearchParams({
      'subject:identifier': `${NHS_NUMBER_SYSTEM}|${request.patient.nhsNumber}`,
    });
    const outcome = await deps.fetchSource({
      method: 'GET',
      url: `${base}/DocumentReference?${query.toString()}`,
      headers: {
        'NHSD-End-User-Organisation-ODS': request.user.organisation,
        'X-Request-ID': randomUUID(),
        'X-Correlation-ID': request.requestId,
        Accept: 'application/fhir+json',
      },
      timeoutMs: deps.timeoutMs,
      maxResponseBytes: deps.maxResponseBytes,
      acceptContentTypes: ['application/fhir+json', 'application/json'],
      signal: request.signal,
    });
    const result = readPointerSearch(
      outcome,
      request.patient.nhsNumber,
      performance.now() - started,
    );
    if (result.payload?.format !== 'fhir-r4') return result;
    // A locator holds no Patient: the pointers are matched on the NHS number, so the traced
    // patient stands as the subject they must each name (never shown as an item).
    const subject: fhir4.Patient = {
      resourceType: 'Patient',
      id: 'nrl-subject',
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: request.patient.nhsNumber }],
      ...(request.patient.family === undefined
        ? {}
        : {
            name: [
              {
                use: 'official',
                family: request.patient.family,
                given: [...(request.patient.given ?? [])],
              },
            ],
          }),
      ...(request.patient.birthDate === undefined ? {} : { birthDate: request.patient.birthDate }),
    };
    return {
      ...result,
      payload: { format: 'fhir-r4', resources: [subject, ...result.payload.resources] },
    };
  }

  return { source, fetchRecord };
}

/** Reads an NRL search answer: the patient's own pointers, crisis types flagged; others dropped. */
export function readPointerSearch(
  outcome: SourceHttpOutcome,
  nhsNumber: string,
  elapsedMs: number,
): SourceResult {
  const base = { sourceId: 'nrl', elapsedMs, warnings: [] };
  if (outcome.kind !== 'response') {
    return {
      ...base,
      status: outcome.kind === 'timed-out' ? 'timed-out' : 'unavailable',
      message:
        'The National Record Locator could not be searched. Documents it points to are missing from this view.',
    };
  }
  const json = outcome.json;
  if (outcome.status === 404) {
    return {
      ...base,
      status: 'patient-not-found',
      message: 'The National Record Locator holds no pointers for this patient.',
      httpStatus: 404,
    };
  }
  if (outcome.status === 403) {
    return {
      ...base,
      status: 'access-denied',
      httpStatus: 403,
      errorCode: spineCode(json),
      message: 'The National Record Locator does not allow this organisation to see pointers.',
    };
  }
  if (outcome.status !== 200 || !isJsonObject(json) || json['resourceType'] !== 'Bundle') {
    return {
      ...base,
      status: outcome.status >= 500 ? 'unavailable' : 'error',
      httpStatus: outcome.status,
      errorCode: spineCode(json),
      message: `The National Record Locator did not answer the search (HTTP ${outcome.status}).`,
    };
  }
  const entries = Array.isArray(json['entry']) ? (json['entry'] as unknown[]) : [];
  const pointers: fhir4.DocumentReference[] = [];
  let dropped = 0;
  for (const entry of entries) {
    const resource = isJsonObject(entry) ? entry['resource'] : undefined;
    if (!isPointer(resource)) continue;
    // Trust nothing: a pointer for anyone else is never shown.
    if (subjectNhsNumber(resource) !== nhsNumber) {
      dropped += 1;
      continue;
    }
    pointers.push(resource);
  }
  const warnings: SourceWarning[] = pointers.flatMap((pointer) => {
    const crisis = crisisTypeOf(pointer);
    if (crisis === undefined) return [];
    const custodian = pointer.custodian?.identifier?.value;
    return [
      {
        code: 'crisis-document',
        area: 'carePlans',
        message: `${crisis} available${custodian === undefined ? '' : ` from ${custodian}`}: see Documents.`,
      },
    ];
  });
  if (dropped > 0) {
    warnings.push({
      code: 'items-dropped',
      message: `${dropped} pointer(s) for another patient were left out.`,
    });
  }
  return {
    ...base,
    status: 'answered',
    httpStatus: 200,
    warnings,
    payload: { format: 'fhir-r4', resources: pointers, patientBy: 'nhs-number' },
  };
}

/** The crisis-relevant type of a pointer, by its SNOMED CT code, or undefined. */
export function crisisTypeOf(pointer: fhir4.DocumentReference): string | undefined {
  for (const coding of pointer.type?.coding ?? []) {
    if (coding.system === SNOMED && coding.code !== undefined && coding.code in CRISIS_TYPES)
      return CRISIS_TYPES[coding.code];
  }
  return undefined;
}

/** The NHS number a pointer is about. */
export function subjectNhsNumber(pointer: fhir4.DocumentReference): string | undefined {
  const identifier = pointer.subject?.identifier;
  return identifier?.system === NHS_NUMBER_SYSTEM ? identifier.value : undefined;
}

function isPointer(value: unknown): value is fhir4.DocumentReference {
  return (
    isJsonObject(value) &&
    value['resourceType'] === 'DocumentReference' &&
    typeof value['id'] === 'string'
  );
}

function spineCode(json: unknown): string | undefined {
  if (!isJsonObject(json) || !Array.isArray(json['issue'])) return undefined;
  const first: unknown = json['issue'][0];
  const details = isJsonObject(first) ? first['details'] : undefined;
  const coding = isJsonObject(details) ? details['coding'] : undefined;
  const code: unknown =
    Array.isArray(coding) && isJsonObject(coding[0]) ? coding[0]['code'] : undefined;
  return typeof code === 'string' ? code : undefined;
}
