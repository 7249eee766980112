/** @module Finds a record item by reference, preferring the item from the same source. */
import type { RecordView } from '../api/record.ts';
import type { ResolveReference } from './resource-summary.ts';
import { SECTION_NAMES } from '../api/record.ts';

/** The tail `Type/id` of a relative or absolute reference; undefined for `#contained` and others. */
export function referenceTail(reference: string): string | undefined {
  return /([A-Z][A-Za-z]+\/[^/]+)$/.exec(reference)?.[1];
}

/**
 * Indexes every item of the record by `Type/id` and by `source|Type/id`, so a consultation's
 * entries resolve to the items of the same practice even when two systems reuse an id.
 */
export function indexRecord(sections: Partial<RecordView['sections']>): ResolveReference {
  const any = new Map<string, unknown>();
  const bySource = new Map<string, unknown>();
  for (const name of SECTION_NAMES) {
    for (const entry of sections[name] ?? []) {
      const { resourceType, id } = entry.resource;
      if (typeof id !== 'string') continue;
      const tail = `${resourceType}/${id}`;
      if (!any.has(tail)) any.set(tail, entry.resource);
      bySource.set(`${entry.source.sourceId}|${tail}`, entry.resource);
    }
  }
  return (reference, sourceId) => {
    const tail = referenceTail(reference);
    if (tail === undefined) return undefined;
    return (
      (sourceId === undefined ? undefined : bySource.get(`${sourceId}|${tail}`)) ?? any.get(tail)
    );
  };
}
