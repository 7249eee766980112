/** @module Reads one page of a FHIR R4 search: the resources, the OperationOutcome notes, what had to be dropped, and the next-page link. */
import { issueType, spineCode, UNKNOWN_CODE } from '../source-codes.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

/** One page of a `searchset` Bundle, read without changing any resource. */
export interface SearchPage {
  readonly resources: readonly fhir4.FhirResource[];
  /** Entries with `search.mode = outcome` (or OperationOutcome resources): notes, not items. */
  readonly outcomes: readonly fhir4.OperationOutcome[];
  /** Entries that carried no usable resource. */
  readonly dropped: number;
  /** Each resource's `fullUrl`, where its entry gave one. */
  readonly fullUrls: ReadonlyMap<fhir4.FhirResource, string>;
  /** `Bundle.link[relation=next].url`, as given (may be relative). */
  readonly next?: string | undefined;
}

/** True when `value` looks like a FHIR resource of the given type. */
export function isResourceOfType<T extends fhir4.FhirResource['resourceType']>(
  value: unknown,
  type: T,
): value is Extract<fhir4.FhirResource, { resourceType: T }> {
  return isJsonObject(value) && value['resourceType'] === type;
}

/** Reads one search page; undefined when the answer is not a Bundle at all. */
export function readSearchPage(json: unknown): SearchPage | undefined {
  if (!isJsonObject(json) || json['resourceType'] !== 'Bundle') return undefined;
  const raw: unknown = json['entry'];
  if (raw !== undefined && !Array.isArray(raw)) return undefined;
  const entries: unknown[] = raw ?? [];
  const resources: fhir4.FhirResource[] = [];
  const outcomes: fhir4.OperationOutcome[] = [];
  const fullUrls = new Map<fhir4.FhirResource, string>();
  let dropped = 0;
  for (const entry of entries) {
    const resource = isJsonObject(entry) ? entry['resource'] : undefined;
    if (!isJsonObject(resource) || typeof resource['resourceType'] !== 'string') {
      dropped++;
      continue;
    }
    const search = isJsonObject(entry) ? entry['search'] : undefined;
    const mode = isJsonObject(search) ? search['mode'] : undefined;
    if (isResourceOfType(resource, 'OperationOutcome')) outcomes.push(resource);
    else if (mode === 'outcome') dropped++;
    else {
      const item = resource as unknown as fhir4.FhirResource;
      resources.push(item);
      const fullUrl = isJsonObject(entry) ? entry['fullUrl'] : undefined;
      if (typeof fullUrl === 'string' && fullUrl.trim() !== '') fullUrls.set(item, fullUrl.trim());
    }
  }
  const links: unknown = json['link'];
  const next = Array.isArray(links)
    ? links.find(
        (link): link is { url: string } =>
          isJsonObject(link) && link['relation'] === 'next' && typeof link['url'] === 'string',
      )
    : undefined;
  return { resources, outcomes, dropped, fullUrls, next: next?.url };
}

/**
 * The most specific code an OperationOutcome's first issue gives, as a code of ours: a known Spine
 * code when its details carry one, else its FHIR issue type, else `unknown` (raw values are dropped).
 * Undefined when the answer is not an OperationOutcome.
 */
export function outcomeCode(outcome: unknown): string | undefined {
  if (!isResourceOfType(outcome, 'OperationOutcome')) return undefined;
  const issues: unknown = outcome.issue;
  return issueCode(Array.isArray(issues) ? (issues as unknown[])[0] : undefined);
}

/** One OperationOutcome issue's code, normalised as `outcomeCode` describes. */
export function issueCode(issue: unknown): string {
  if (!isJsonObject(issue)) return UNKNOWN_CODE;
  const details = issue['details'];
  const codings: unknown = isJsonObject(details) ? details['coding'] : undefined;
  if (Array.isArray(codings)) {
    for (const coding of codings as unknown[]) {
      const code = isJsonObject(coding) ? spineCode(coding['code']) : UNKNOWN_CODE;
      if (code !== UNKNOWN_CODE) return code;
    }
  }
  return issueType(issue['code']);
}
