/**
 * @module What the record viewer tells the parts of a section that need the whole view: the
 * medicines reconciliation, and any item by reference (each source's copy of a duplicate).
 * Held in React state only, like the record itself.
 */
import { createContext } from 'react';
import type { ItemRef, ReconciliationLine, RecordItem } from '../../api/record.ts';

export interface RecordContextValue {
  readonly reconciliation: readonly ReconciliationLine[];
  /** The item of the view a reference names (any section). */
  readonly findItem: (ref: ItemRef) => RecordItem | undefined;
}

export const RecordContext = createContext<RecordContextValue>({
  reconciliation: [],
  findItem: () => undefined,
});

/** Indexes every item of the record by source and id, for `findItem`. */
export function itemFinder(
  sections: Readonly<Record<string, readonly RecordItem[]>>,
): (ref: ItemRef) => RecordItem | undefined {
  const index = new Map<string, RecordItem>();
  for (const items of Object.values(sections)) {
    for (const item of items) {
      if (typeof item.resource.id === 'string') {
        index.set(`${item.source.sourceId}|${item.resource.id}`, item);
      }
    }
  }
  return (ref) => index.get(`${ref.sourceId}|${ref.id}`);
}
