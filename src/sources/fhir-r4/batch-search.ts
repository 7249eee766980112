/**
 * @module One FHIR R4 `batch` of a view's searches, and its `batch-response` read strictly. The batch
 * holds only GET searches (the type below admits nothing else): a POST of such a batch is a read —
 * FHIR processes each entry as if it were sent alone, and a GET changes nothing at the source — so
 * the read-only promise holds. Never a `transaction`, never any other method.
 */
import { isJsonObject } from '../../shared/json-guards.ts';
import { isResourceOfType } from './search-bundle.ts';

/** What one entry of the batch-response says: its HTTP status and its resource. */
export interface BatchEntryAnswer {
  /** From `response.status` (`"200 OK"` → 200). */
  readonly status: number;
  /**
   * A 2xx entry: its searchset Bundle. Any other: its OperationOutcome (`resource`, else
   * `response.outcome`), or undefined when it gave none.
   */
  readonly resource: unknown;
}

/**
 * The body of a batch of searches, one GET entry per URL (relative to the source's base, e.g.
 * `Condition?patient.identifier=…`), in order.
 */
export function batchOfSearches(searches: readonly string[]): string {
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'batch',
    entry: searches.map((url) => ({ request: { method: 'GET', url } })),
  });
}

/**
 * Reads a batch-response to a batch of `expected` searches; undefined unless it is well formed: a
 * Bundle of type `batch-response` with exactly one entry per search (in the request's order, as
 * FHIR requires), each with a `response.status` of three digits, every 2xx entry's resource a
 * `searchset` Bundle and every other's, where given, an OperationOutcome.
 */
export function readBatchResponse(
  json: unknown,
  expected: number,
): readonly BatchEntryAnswer[] | undefined {
  if (!isResourceOfType(json, 'Bundle') || json.type !== 'batch-response') return undefined;
  const entries: unknown = json.entry;
  if (!Array.isArray(entries) || entries.length !== expected) return undefined;
  const answers: BatchEntryAnswer[] = [];
  for (const entry of entries as unknown[]) {
    const answer = readEntry(entry);
    if (answer === undefined) return undefined;
    answers.push(answer);
  }
  return answers;
}

function readEntry(entry: unknown): BatchEntryAnswer | undefined {
  if (!isJsonObject(entry)) return undefined;
  const response = entry['response'];
  if (!isJsonObject(response)) return undefined;
  const statusText = response['status'];
  const match = typeof statusText === 'string' ? /^\s*([1-5]\d\d)(?:\s|$)/.exec(statusText) : null;
  if (match === null) return undefined;
  const status = Number(match[1]);
  const resource = entry['resource'];
  if (status >= 200 && status <= 299) {
    return isResourceOfType(resource, 'Bundle') && resource.type === 'searchset'
      ? { status, resource }
      : undefined;
  }
  const outcome = resource ?? response['outcome'];
  if (outcome !== undefined && !isResourceOfType(outcome, 'OperationOutcome')) return undefined;
  return { status, resource: outcome };
}
