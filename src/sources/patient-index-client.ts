/**
 * @module Client for a regional IHE PIXm patient index (`Patient/$ihe-pix`, ITI-83): which
 * identifier domains know the patient, and by which local identifier; never throws.
 */
import type { SourceHttpOutcome, SourceHttpRequest } from '../http/http-outcome.ts';
import { isJsonObject } from '../shared/json-guards.ts';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ACCEPT = ['application/fhir+json', 'application/json'] as const;
const MAX_RESPONSE_BYTES = 256 * 1024;

/** A patient's identifier in one domain (`system` is the domain's assigning authority, e.g. `urn:oid:…`). */
export interface DomainIdentifier {
  readonly system: string;
  readonly value: string;
}

/** The outcome of one query. `message` is plain words; no clinical content. */
export type PatientIndexLookup =
  | { readonly kind: 'found'; readonly identifiers: readonly DomainIdentifier[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'unavailable'; readonly message: string };

export interface PatientIndexClient {
  /** The domains that know the patient with this NHS number. */
  lookup(nhsNumber: string, signal?: AbortSignal): Promise<PatientIndexLookup>;
}

export function createPatientIndexClient(deps: {
  readonly url: string;
  readonly timeoutMs: number;
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
}): PatientIndexClient {
  const base = deps.url.replace(/\/+$/, '');
  return {
    async lookup(nhsNumber, signal) {
      // A GET query, not a body: the specification's own request example disagrees with its profile.
      const query = new URLSearchParams({ sourceIdentifier: `${NHS_NUMBER_SYSTEM}|${nhsNumber}` });
      const outcome = await deps.fetchSource({
        method: 'GET',
        url: `${base}/Patient/$ihe-pix?${query.toString()}`,
        headers: {},
        timeoutMs: deps.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        acceptContentTypes: ACCEPT,
        signal,
      });
      return readPixmResponse(outcome);
    },
  };
}

/** Reads an `$ihe-pix` answer: both not-found shapes (bare OperationOutcome, or wrapped in `Parameters.error`). */
export function readPixmResponse(outcome: SourceHttpOutcome): PatientIndexLookup {
  if (outcome.kind !== 'response') {
    return {
      kind: 'unavailable',
      message: `The patient index could not be used (${outcome.kind}).`,
    };
  }
  const json = outcome.json;
  if (isNotFound(json)) return { kind: 'not-found' };
  if (outcome.status === 200 && isJsonObject(json) && json['resourceType'] === 'Parameters') {
    const parameters = Array.isArray(json['parameter']) ? (json['parameter'] as unknown[]) : [];
    const identifiers: DomainIdentifier[] = [];
    for (const parameter of parameters) {
      if (!isJsonObject(parameter) || parameter['name'] !== 'targetIdentifier') continue;
      const identifier = parameter['valueIdentifier'];
      if (!isJsonObject(identifier)) continue;
      const system = identifier['system'];
      const value = identifier['value'];
      if (typeof system === 'string' && typeof value === 'string' && value.trim() !== '')
        identifiers.push({ system, value: value.trim() });
    }
    return { kind: 'found', identifiers };
  }
  return {
    kind: 'unavailable',
    message: `The patient index did not answer the query (HTTP ${outcome.status}).`,
  };
}

/** ITI-83's 404: an OperationOutcome `not-found`, bare (current) or as `Parameters.error` (3.0.3). */
function isNotFound(json: unknown): boolean {
  if (!isJsonObject(json)) return false;
  if (json['resourceType'] === 'OperationOutcome') return hasNotFoundIssue(json);
  if (json['resourceType'] !== 'Parameters' || !Array.isArray(json['parameter'])) return false;
  return (json['parameter'] as unknown[]).some(
    (parameter) =>
      isJsonObject(parameter) &&
      parameter['name'] === 'error' &&
      isJsonObject(parameter['resource']) &&
      parameter['resource']['resourceType'] === 'OperationOutcome' &&
      hasNotFoundIssue(parameter['resource']),
  );
}

function hasNotFoundIssue(outcome: Record<string, unknown>): boolean {
  const issues = outcome['issue'];
  return (
    Array.isArray(issues) &&
    (issues as unknown[]).some((issue) => isJsonObject(issue) && issue['code'] === 'not-found')
  );
}
