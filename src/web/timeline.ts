/**
 * @module The record as one journal across every source: encounters, admissions, procedures,
 * results (test reports, and valued results no report names), documents and referrals, newest first,
 * each line with its source and date; filtered by source and by type. An entry several sources
 * reported (`duplicateOf`) is one line naming them all. Pure; nothing is kept.
 */
import type { RecordItem, RecordView } from '../api/record.ts';
import { codeableConceptText, formatDate } from './fhir-display.ts';
import { groupInvestigations, isFilingComment } from './investigation-groups.ts';
import { summariseResource, triageResource } from './resource-summary.ts';
import { isJsonObject } from '../shared/json-guards.ts';

export const TIMELINE_TYPES = [
  'encounter',
  'admission',
  'procedure',
  'result',
  'document',
  'referral',
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export const TIMELINE_TYPE_LABELS: Readonly<Record<TimelineType, string>> = {
  encounter: 'Encounter',
  admission: 'Admission',
  procedure: 'Procedure',
  result: 'Result',
  document: 'Document',
  referral: 'Referral',
};

/** One line of the timeline. */
export interface TimelineLine {
  /** `sourceId|Type/id`: unique in a record view. */
  readonly key: string;
  readonly type: TimelineType;
  /** The item shown; its title is formatted only when drawn ({@link timelineTitle}). */
  readonly item: RecordItem;
  /** The raw FHIR date the line sorts by, when it has one. */
  readonly date?: string;
  readonly time?: number;
  /** The date in UK format (`02-Dec-2026`), or '' when undated. */
  readonly dateText: string;
  readonly sourceId: string;
  /** The source system's name. */
  readonly source: string;
  /** Every source that reported this entry (the line's own first), by id. */
  readonly sourceIds: readonly string[];
  /** Their names, as "Riverside Medical Practice and Northgate Hospital". */
  readonly sources: string;
}

/** The filters a clinician sets: a source id and a type, or `all`. */
export interface TimelineFilter {
  readonly source: string;
  readonly type: TimelineType | 'all';
}

/** Inpatient, emergency-admitted and other overnight encounter classes (HL7 v3 ActCode). */
const ADMISSION_CLASSES = new Set(['IMP', 'ACUTE', 'NONAC', 'SS']);

function encounterType(resource: RecordItem['resource']): TimelineType {
  if (resource.resourceType === 'Procedure') return 'procedure';
  const cls = resource['class'];
  const code = isJsonObject(cls) && typeof cls['code'] === 'string' ? cls['code'] : undefined;
  if (code !== undefined && ADMISSION_CLASSES.has(code)) return 'admission';
  if (isJsonObject(resource['hospitalization'])) return 'admission';
  return 'encounter';
}

/** A loose observation is a result when it has a value and is not a GP filing comment or finding. */
function isResult(resource: RecordItem['resource']): boolean {
  if (isFilingComment(resource)) return false;
  return Object.keys(resource).some((key) => key.startsWith('value') && key !== 'value');
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * A line's title from its resource's display or text (an encounter's with its service). Formatting
 * is the costly part, so a timeline of thousands formats only the lines it draws.
 */
export function timelineTitle({ item, type }: Pick<TimelineLine, 'item' | 'type'>): string {
  const summary = summariseResource(item.resource);
  if (type === 'admission' || type === 'encounter') {
    const service = codeableConceptText(item.resource['serviceType']);
    if (service !== undefined && !summary.title.includes(service))
      return `${summary.title} · ${service}`;
  }
  return summary.title;
}

/**
 * Every timeline line of a record view, newest first (undated last, in section order). A line's
 * sources are its own and those of the items marked `duplicateOf` it.
 */
export function buildTimeline(record: Pick<RecordView, 'sections' | 'sources'>): TimelineLine[] {
  const names = new Map(record.sources.map((source) => [source.id, source.name]));
  const copies = new Map<string, string[]>();
  const all = [
    ...record.sections.encounters,
    ...record.sections.investigations,
    ...record.sections.documents,
    ...record.sections.referrals,
  ];
  for (const item of all) {
    if (item.duplicateOf === undefined) continue;
    const target = `${item.duplicateOf.sourceId}|${item.duplicateOf.id}`;
    copies.set(target, [...(copies.get(target) ?? []), item.source.sourceId]);
  }
  const grouped = groupInvestigations(
    record.sections.investigations.filter((item) => item.duplicateOf === undefined),
  );
  const entries: { item: RecordItem; type: TimelineType }[] = [
    ...record.sections.encounters.map((item) => ({ item, type: encounterType(item.resource) })),
    ...grouped.reports.map(({ report }) => ({ item: report, type: 'result' as const })),
    ...grouped.observations
      .filter((loose) => !loose.consultationEntry && isResult(loose.entry.resource))
      .map(({ entry }) => ({ item: entry, type: 'result' as const })),
    ...record.sections.documents.map((item) => ({ item, type: 'document' as const })),
    ...record.sections.referrals.map((item) => ({ item, type: 'referral' as const })),
  ];
  const lines: TimelineLine[] = [];
  for (const { item, type } of entries) {
    if (item.duplicateOf !== undefined) continue;
    const id = item.resource.id ?? '';
    const sourceIds = [
      item.source.sourceId,
      ...(copies.get(`${item.source.sourceId}|${id}`) ?? []).filter(
        (other) => other !== item.source.sourceId,
      ),
    ];
    const { sortDate, time } = triageResource(item.resource);
    lines.push({
      key: `${item.source.sourceId}|${item.resource.resourceType}/${id}`,
      type,
      item,
      ...(sortDate === undefined ? {} : { date: sortDate }),
      ...(time === undefined ? {} : { time }),
      dateText: sortDate === undefined ? '' : formatDate(sortDate),
      sourceId: item.source.sourceId,
      source: item.source.system,
      sourceIds,
      sources: joinNames(sourceIds.map((sourceId) => names.get(sourceId) ?? sourceId)),
    });
  }
  return lines
    .map((line, index) => ({ line, index }))
    .sort((a, b) => {
      if (a.line.time === b.line.time) return a.index - b.index;
      if (a.line.time === undefined) return 1;
      if (b.line.time === undefined) return -1;
      return b.line.time - a.line.time;
    })
    .map(({ line }) => line);
}

/** The lines a filter keeps: a source filter keeps every line that source reported. */
export function filterTimeline(
  lines: readonly TimelineLine[],
  filter: TimelineFilter,
): TimelineLine[] {
  return lines.filter(
    (line) =>
      (filter.source === 'all' || line.sourceIds.includes(filter.source)) &&
      (filter.type === 'all' || line.type === filter.type),
  );
}

/** The sources and types present, for the filters' choices (sources in the record's order). */
export function timelineChoices(
  lines: readonly TimelineLine[],
  sources: RecordView['sources'],
): { sources: { id: string; name: string }[]; types: TimelineType[] } {
  const present = new Set(lines.flatMap((line) => line.sourceIds));
  const types = new Set(lines.map((line) => line.type));
  return {
    sources: sources
      .filter((source) => present.has(source.id))
      .map((source) => ({ id: source.id, name: source.name })),
    types: TIMELINE_TYPES.filter((type) => types.has(type)),
  };
}
