/**
 * @module Find in a section: which of a section's items a clinician's typed words pick out. An
 * item is matched on the words its card shows (title, value, date as shown, details, kind and
 * source), taken from the same summary the card draws ({@link summariseResource}), so what is
 * found is what is seen.
 */
import type { RecordItem as RecordEntry } from '../api/record.ts';
import { formatDateTime } from './fhir-display.ts';
import { summariseResource, type ResolveReference } from './resource-summary.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** An item's shown words, lower case, worked out once per entry (entries are not changed). */
const shownText = new WeakMap<RecordEntry, string>();

/** The words an item's card shows, lower case, one space between fields. */
export function itemSearchText(entry: RecordEntry, resolve?: ResolveReference): string {
  const known = shownText.get(entry);
  if (known !== undefined) return known;
  const summary = summariseResource(entry.resource, resolve);
  const words = [
    summary.title,
    summary.value ?? '',
    summary.date,
    summary.kind,
    ...summary.details.flatMap((detail) => [detail.label, detail.value]),
    ...summary.flags.map((flag) => flag.text),
    entry.source.system,
    entry.source.organisation,
    formatDateTime(entry.source.retrievedAt),
  ]
    .join(' ')
    .toLowerCase();
  shownText.set(entry, words);
  return words;
}

/** The words typed, lower case; none when the field is blank. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/u)
    .filter((word) => word !== '');
}

/**
 * The entries whose shown words contain every typed word (in any order, case ignored), in
 * their order. A report found brings the results it names, so its table stays whole. A blank
 * query finds everything.
 */
export function filterEntries(
  entries: readonly RecordEntry[],
  query: string,
  resolve?: ResolveReference,
): readonly RecordEntry[] {
  const words = queryWords(query);
  if (words.length === 0) return entries;
  const found = new Set<RecordEntry>();
  for (const entry of entries) {
    const text = itemSearchText(entry, resolve);
    if (words.every((word) => text.includes(word))) found.add(entry);
  }
  addNamedResults(entries, found);
  return entries.filter((entry) => found.has(entry));
}

/** How many of a section's entries are items of their own (not another source's duplicate). */
export function countItems(entries: readonly RecordEntry[]): number {
  let count = 0;
  for (const entry of entries) if (entry.duplicateOf === undefined) count += 1;
  return count;
}

/** "12 of 3,551 shown": what the count beside the field says. */
export function describeFound(found: number, total: number): string {
  const number = (n: number): string => n.toLocaleString('en-GB');
  return `${number(found)} of ${number(total)} shown`;
}

/** Adds the results (and result groups' members) that found reports name, depth first. */
function addNamedResults(entries: readonly RecordEntry[], found: Set<RecordEntry>): void {
  const byKey = new Map<string, RecordEntry>();
  for (const entry of entries) {
    const key = keyOf(entry);
    if (key !== undefined) byKey.set(key, entry);
  }
  const pending = [...found];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const resource = entry.resource;
    if (!isJsonObject(resource)) continue;
    for (const field of ['result', 'hasMember']) {
      const references = resource[field];
      if (!Array.isArray(references)) continue;
      for (const reference of references) {
        const target = isJsonObject(reference) ? reference['reference'] : undefined;
        if (typeof target !== 'string') continue;
        const named = byKey.get(
          `${entry.source.sourceId} ${target.split('/').slice(-2).join('/')}`,
        );
        if (named !== undefined && !found.has(named)) {
          found.add(named);
          pending.push(named);
        }
      }
    }
  }
}

function keyOf(entry: RecordEntry): string | undefined {
  const resource = entry.resource;
  if (!isJsonObject(resource)) return undefined;
  const type = resource['resourceType'];
  const id = resource['id'];
  if (typeof type !== 'string' || typeof id !== 'string') return undefined;
  return `${entry.source.sourceId} ${type}/${id}`;
}
