/**
 * @module Duplicates shown once: the same allergy, immunisation, problem or medicine reported by
 * more than one source, matched by code and day. The first reported is kept with `alsoFrom`; the
 * others stay in the section, marked `duplicateOf`, so nothing a source said is lost.
 */
import type { ItemRef, RecordItem, SectionName, Sections } from '../shared/sections.ts';
import { isJsonObject } from '../shared/json-guards.ts';

const SNOMED = 'http://snomed.info/sct';
/** A SNOMED CT / dm+d concept id; anything else (a local code, a null flavour) is not matched on. */
const CONCEPT_ID = /^[1-9]\d{5,17}$/;

type Json = Readonly<Record<string, unknown>>;

/** Per section: what makes two entries from different sources the same one ("code|day"), if anything. */
const MATCH_KEYS: Partial<Record<SectionName, (resource: Json) => string | undefined>> = {
  // The same substance or reaction code, recorded (onset, else asserted, else recorded) on the same day.
  allergies: (resource) =>
    keyOf(
      conceptKey(resource['code']),
      resource['onsetDateTime'] ?? resource['assertedDate'] ?? resource['recordedDate'],
    ),
  // The same vaccination procedure (or vaccine product) code given on the same day.
  immunisations: (resource) =>
    keyOf(
      conceptKey(vaccinationProcedure(resource)) ?? conceptKey(resource['vaccineCode']),
      resource['occurrenceDateTime'],
    ),
  // The same condition code with the same onset day (else recorded day).
  problems: (resource) =>
    keyOf(
      conceptKey(resource['code']),
      resource['onsetDateTime'] ?? periodStart(resource['onsetPeriod']) ?? resource['recordedDate'],
    ),
  // The same dm+d code started (or prescribed) on the same day.
  medications: (resource) =>
    keyOf(
      conceptKey(resource['medicationCodeableConcept']) ??
        conceptKey(containedMedication(resource)),
      periodStart(resource['effectivePeriod']) ??
        resource['authoredOn'] ??
        resource['dateAsserted'],
    ),
};

/**
 * The sections with cross-source duplicates marked. Items are never removed or reordered; an item
 * is only matched with items of other sources, and only when it has a code and a date.
 */
export function markDuplicates(sections: Sections): Sections {
  const marked: Record<SectionName, readonly RecordItem[]> = { ...sections };
  for (const [name, keyFor] of Object.entries(MATCH_KEYS) as [
    SectionName,
    (resource: Json) => string | undefined,
  ][]) {
    marked[name] = markSection(sections[name], keyFor);
  }
  return marked;
}

/** One cross-source duplicate mark, naming the item it is on: what the record stream sends. */
export interface DuplicateMark {
  readonly section: SectionName;
  readonly item: ItemRef;
  readonly alsoFrom?: readonly ItemRef[];
  readonly duplicateOf?: ItemRef;
}

/** The marks {@link markDuplicates} would set, as a list naming each marked item. */
export function duplicateMarks(sections: Sections): DuplicateMark[] {
  const marked = markDuplicates(sections);
  const marks: DuplicateMark[] = [];
  for (const name of Object.keys(MATCH_KEYS) as SectionName[]) {
    for (const item of marked[name]) {
      const ref = refOf(item);
      if (ref === undefined) continue;
      if (item.alsoFrom !== undefined)
        marks.push({ section: name, item: ref, alsoFrom: item.alsoFrom });
      else if (item.duplicateOf !== undefined)
        marks.push({ section: name, item: ref, duplicateOf: item.duplicateOf });
    }
  }
  return marks;
}

/**
 * The sections with `marks` set: each mark on the first item it names that is not marked yet.
 * The inverse of {@link duplicateMarks} for sections in the same order.
 */
export function applyDuplicateMarks(sections: Sections, marks: readonly DuplicateMark[]): Sections {
  const marked: Record<SectionName, readonly RecordItem[]> = { ...sections };
  for (const name of Object.keys(MATCH_KEYS) as SectionName[]) {
    const mine = marks.filter((mark) => mark.section === name);
    if (mine.length === 0) continue;
    const left = [...mine];
    marked[name] = sections[name].map((item) => {
      const ref = refOf(item);
      if (ref === undefined) return item;
      const at = left.findIndex(
        (mark) => mark.item.sourceId === ref.sourceId && mark.item.id === ref.id,
      );
      const mark = at === -1 ? undefined : left.splice(at, 1)[0];
      if (mark?.alsoFrom !== undefined) return { ...item, alsoFrom: mark.alsoFrom };
      if (mark?.duplicateOf !== undefined) return { ...item, duplicateOf: mark.duplicateOf };
      return item;
    });
  }
  return marked;
}

function markSection(
  items: readonly RecordItem[],
  keyFor: (resource: Json) => string | undefined,
): RecordItem[] {
  const firstByKey = new Map<string, number>();
  const alsoFrom = new Map<number, ItemRef[]>();
  const duplicateOf = new Map<number, ItemRef>();
  items.forEach((item, index) => {
    const resource: unknown = item.resource;
    if (!isJsonObject(resource)) return;
    const id = refOf(item);
    const key = id === undefined ? undefined : keyFor(resource);
    if (key === undefined || id === undefined) return;
    const first = firstByKey.get(key);
    const kept = first === undefined ? undefined : items[first];
    if (first === undefined || kept === undefined) {
      firstByKey.set(key, index);
      return;
    }
    // Two entries from one source are that source's own business: both stay as they are.
    if (kept.source.sourceId === item.source.sourceId) return;
    const keptRef = refOf(kept);
    if (keptRef === undefined) return;
    const also = alsoFrom.get(first) ?? [];
    // One other entry per source: a source's second copy stays unmarked rather than hidden.
    if (also.some((ref) => ref.sourceId === id.sourceId)) return;
    also.push(id);
    alsoFrom.set(first, also);
    duplicateOf.set(index, keptRef);
  });
  return items.map((item, index) => {
    const also = alsoFrom.get(index);
    const of = duplicateOf.get(index);
    if (also !== undefined) return { ...item, alsoFrom: also };
    if (of !== undefined) return { ...item, duplicateOf: of };
    return item;
  });
}

function refOf(item: RecordItem): ItemRef | undefined {
  const id = item.resource.id;
  return typeof id === 'string' && id !== '' ? { sourceId: item.source.sourceId, id } : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** "code|yyyy-mm-dd", or undefined when either part is missing. */
function keyOf(code: string | undefined, date: unknown): string | undefined {
  if (code === undefined || typeof date !== 'string') return undefined;
  const day = /^\d{4}-\d{2}-\d{2}/.exec(date)?.[0];
  return day === undefined ? undefined : `${code}|${day}`;
}

/** The first SNOMED CT / dm+d concept id in a CodeableConcept. */
function conceptKey(concept: unknown): string | undefined {
  if (!isJsonObject(concept)) return undefined;
  const coding = list(concept['coding'])
    .filter(isJsonObject)
    .find(
      (candidate) => candidate['system'] === SNOMED && CONCEPT_ID.test(String(candidate['code'])),
    );
  return coding === undefined ? undefined : String(coding['code']);
}

function periodStart(period: unknown): unknown {
  return isJsonObject(period) ? period['start'] : undefined;
}

/** UK Core and GP Connect put the procedure code in an extension when the product is unknown. */
function vaccinationProcedure(resource: Json): unknown {
  return list(resource['extension'])
    .filter(isJsonObject)
    .find((ext) => String(ext['url']).toLowerCase().includes('vaccinationprocedure'))?.[
    'valueCodeableConcept'
  ];
}

function containedMedication(resource: Json): unknown {
  const reference = isJsonObject(resource['medicationReference'])
    ? resource['medicationReference']['reference']
    : undefined;
  if (typeof reference !== 'string') return undefined;
  const wanted = reference.startsWith('#') ? reference.slice(1) : reference;
  const medication = list(resource['contained'])
    .filter(isJsonObject)
    .find((candidate) => candidate['id'] === wanted);
  return medication?.['code'];
}
