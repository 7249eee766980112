/** @module Reads one page of a FHIR R4 search: the resources, the OperationOutcome notes, what had to be dropped, and the next-page link. */

/** One page of a `searchset` Bundle, read without changing any resource. */
export interface SearchPage {
  readonly resources: readonly fhir4.FhirResource[];
  /** Entries with `search.mode = outcome` (or OperationOutcome resources): notes, not items. */
  readonly outcomes: readonly fhir4.OperationOutcome[];
  /** Entries that carried no usable resource. */
  readonly dropped: number;
  /** `Bundle.link[relation=next].url`, as given (may be relative). */
  readonly next?: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` looks like a FHIR resource of the given type. */
export function isResourceOfType<T extends fhir4.FhirResource['resourceType']>(
  value: unknown,
  type: T,
): value is Extract<fhir4.FhirResource, { resourceType: T }> {
  return isRecord(value) && value['resourceType'] === type;
}

/** Reads one search page; undefined when the answer is not a Bundle at all. */
export function readSearchPage(json: unknown): SearchPage | undefined {
  if (!isRecord(json) || json['resourceType'] !== 'Bundle') return undefined;
  const raw: unknown = json['entry'];
  if (raw !== undefined && !Array.isArray(raw)) return undefined;
  const entries: unknown[] = raw ?? [];
  const resources: fhir4.FhirResource[] = [];
  const outcomes: fhir4.OperationOutcome[] = [];
  let dropped = 0;
  for (const entry of entries) {
    const resource = isRecord(entry) ? entry['resource'] : undefined;
    if (!isRecord(resource) || typeof resource['resourceType'] !== 'string') {
      dropped++;
      continue;
    }
    const search = isRecord(entry) ? entry['search'] : undefined;
    const mode = isRecord(search) ? search['mode'] : undefined;
    if (isResourceOfType(resource, 'OperationOutcome')) outcomes.push(resource);
    else if (mode === 'outcome') dropped++;
    else resources.push(resource as unknown as fhir4.FhirResource);
  }
  const links: unknown = json['link'];
  const next = Array.isArray(links)
    ? links.find(
        (link): link is { url: string } =>
          isRecord(link) && link['relation'] === 'next' && typeof link['url'] === 'string',
      )
    : undefined;
  return { resources, outcomes, dropped, next: next?.url };
}

/** The most specific code an OperationOutcome's first issue gives (a Spine code when present). */
export function outcomeCode(outcome: unknown): string | undefined {
  if (!isResourceOfType(outcome, 'OperationOutcome')) return undefined;
  const issue = Array.isArray(outcome.issue) ? outcome.issue[0] : undefined;
  return issue?.details?.coding?.find((coding) => coding.code !== undefined)?.code ?? issue?.code;
}
