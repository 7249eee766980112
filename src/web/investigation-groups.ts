/**
 * @module Investigations as a clinician reads them: each test report with its results (group
 * headers, values, units, ranges, abnormal flags in words) and filing comments; then loose
 * observations (blood pressure, weight, … — GP "uncategorised data"). Cheap to group thousands:
 * rows are built only for the reports drawn.
 */
import type { RecordItem as RecordEntry } from '../api/record.ts';
import {
  annotationText,
  codeableConceptText,
  formatDateTime,
  formatQuantity,
  formatReferenceRange,
  humanise,
  interpretation,
} from './fhir-display.ts';
import { compareNewestFirst, hasTag, triageResource } from './resource-summary.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** A report and the observations it names (results, and the members of result groups). */
export interface ReportGroup {
  readonly report: RecordEntry;
  readonly members: readonly { readonly entry: RecordEntry; readonly depth: number }[];
  readonly time?: number;
}

/** An observation no report names. */
export interface LooseObservation {
  readonly entry: RecordEntry;
  readonly uncategorised: boolean;
  /** A GP consultation's note or finding (neither a test result nor uncategorised data). */
  readonly consultationEntry: boolean;
  readonly time?: number;
}

export interface GroupedInvestigations {
  readonly reports: readonly ReportGroup[];
  readonly observations: readonly LooseObservation[];
  /** Test requests and anything else that is neither a report nor an observation. */
  readonly others: readonly RecordEntry[];
}

type Json = Record<string, unknown>;

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function key(entry: RecordEntry): string {
  return `${entry.source.sourceId}|${entry.resource.resourceType}/${entry.resource.id ?? ''}`;
}

function referenceKey(entry: RecordEntry, reference: unknown): string | undefined {
  const target = isJsonObject(reference) ? text(reference['reference']) : undefined;
  if (target === undefined) return undefined;
  // Absolute references end in Type/id just the same.
  const match = /([A-Za-z]+\/[^/]+)$/.exec(target);
  return match?.[1] === undefined ? undefined : `${entry.source.sourceId}|${match[1]}`;
}

function fromGpConnect(resource: Json): boolean {
  const meta = resource['meta'];
  return isJsonObject(meta) && String(meta['source']).startsWith('urn:mcr:source:');
}

/**
 * Groups a section's entries. Reports take their results (depth first through `hasMember`);
 * an observation named by no report stays loose. Both lists newest first. Never throws.
 */
export function groupInvestigations(entries: readonly RecordEntry[]): GroupedInvestigations {
  const observations = new Map<string, RecordEntry>();
  for (const entry of entries) {
    if (entry.resource.resourceType === 'Observation') observations.set(key(entry), entry);
  }
  const used = new Set<string>();
  const reports: ReportGroup[] = [];
  const others: RecordEntry[] = [];
  for (const entry of entries) {
    if (entry.resource.resourceType !== 'DiagnosticReport') continue;
    const members: { entry: RecordEntry; depth: number }[] = [];
    const visit = (reference: unknown, depth: number): void => {
      const target = referenceKey(entry, reference);
      const found = target === undefined ? undefined : observations.get(target);
      if (target === undefined || found === undefined || used.has(target) || depth > 4) return;
      used.add(target);
      members.push({ entry: found, depth });
      for (const member of list(found.resource['hasMember'])) visit(member, depth + 1);
    };
    for (const result of list(entry.resource['result'])) visit(result, 0);
    const { time } = triageResource(entry.resource);
    reports.push({ report: entry, members, ...(time === undefined ? {} : { time }) });
  }
  const loose: LooseObservation[] = [];
  for (const entry of entries) {
    const type = entry.resource.resourceType;
    if (type === 'DiagnosticReport') continue;
    if (type !== 'Observation') {
      others.push(entry);
      continue;
    }
    if (used.has(key(entry))) continue;
    const { time } = triageResource(entry.resource);
    const uncategorised = hasTag(entry.resource, 'uncategorised');
    loose.push({
      entry,
      uncategorised,
      consultationEntry: !uncategorised && fromGpConnect(entry.resource),
      ...(time === undefined ? {} : { time }),
    });
  }
  reports.sort(compareNewestFirst);
  loose.sort(compareNewestFirst);
  return { reports, observations: loose, others };
}

/** One row of a report's results table. */
export interface ResultRow {
  readonly name: string;
  readonly value: string;
  readonly unit: string;
  readonly range: string;
  /** The abnormal or normal flag in words (`High`, `Above range`); '' when none. */
  readonly flag: string;
  readonly abnormal: boolean;
  readonly notes: string;
  /** 0 for a result named by the report, 1 for a member of a result group, … */
  readonly depth: number;
  /** A group header (e.g. "Full blood count") with its members as the rows after it. */
  readonly header: boolean;
  readonly status: string;
}

const FILING_COMMENT_CODE = '37331000000100';

function codes(concept: unknown): string[] {
  if (!isJsonObject(concept)) return [];
  return list(concept['coding'])
    .filter(isJsonObject)
    .map((coding) => text(coding['code']))
    .filter((code): code is string => code !== undefined);
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `Above range` / `Below range` when a number falls outside its reference range. */
export function outsideRange(quantity: unknown, referenceRange: unknown): string | undefined {
  if (!isJsonObject(quantity) || text(quantity['comparator']) !== undefined) return undefined;
  const value = numeric(quantity['value']);
  const range: unknown = list(referenceRange)[0];
  if (value === undefined || !isJsonObject(range)) return undefined;
  const low = isJsonObject(range['low']) ? numeric(range['low']['value']) : undefined;
  const high = isJsonObject(range['high']) ? numeric(range['high']['value']) : undefined;
  if (high !== undefined && value > high) return 'Above range';
  if (low !== undefined && value < low) return 'Below range';
  return undefined;
}

function valueAndUnit(r: Json): { value: string; unit: string } {
  const quantity = r['valueQuantity'];
  if (isJsonObject(quantity)) {
    const whole = formatQuantity(quantity);
    const unit = text(quantity['unit']) ?? text(quantity['code']) ?? '';
    const value =
      unit !== '' && whole.endsWith(` ${unit}`) ? whole.slice(0, -unit.length - 1) : whole;
    return { value, unit };
  }
  const parts = list(r['component'])
    .filter(isJsonObject)
    .map((component) => ({
      name: codeableConceptText(component['code']) ?? 'Component',
      ...valueAndUnit(component),
    }))
    .filter((part) => part.value !== '');
  const systolic = parts.find((part) => /systolic/i.test(part.name));
  const diastolic = parts.find((part) => /diastolic/i.test(part.name));
  if (parts.length === 2 && systolic !== undefined && diastolic !== undefined) {
    // Blood pressure as clinicians write it: systolic/diastolic.
    const unit = systolic.unit === diastolic.unit ? systolic.unit : '';
    return { value: `${systolic.value}/${diastolic.value}`, unit };
  }
  const components = parts.map((part) =>
    [part.name, part.value, part.unit].filter((t) => t !== '').join(' '),
  );
  if (components.length > 0) return { value: components.join(', '), unit: '' };
  const valueText =
    codeableConceptText(r['valueCodeableConcept']) ??
    text(r['valueString']) ??
    (typeof r['valueBoolean'] === 'boolean' ? (r['valueBoolean'] ? 'Yes' : 'No') : undefined) ??
    (typeof r['valueInteger'] === 'number' ? String(r['valueInteger']) : undefined) ??
    (formatDateTime(r['valueDateTime']) || undefined);
  return { value: valueText ?? '', unit: '' };
}

/** True for a GP filing comment (SNOMED "Comment note"), shown under the table, not as a row. */
export function isFilingComment(observation: unknown): boolean {
  return isJsonObject(observation) && codes(observation['code']).includes(FILING_COMMENT_CODE);
}

/** The table row for one observation. */
export function resultRow(observation: unknown, depth = 0): ResultRow {
  const r = isJsonObject(observation) ? observation : {};
  const { value, unit } = valueAndUnit(r);
  const meaning = interpretation(r['interpretation']);
  const outside = outsideRange(r['valueQuantity'], r['referenceRange']);
  const flag =
    meaning !== undefined
      ? outside !== undefined && meaning.abnormal
        ? `${meaning.text} (${outside.toLowerCase()})`
        : meaning.text
      : (outside ?? '');
  const status = text(r['status']);
  return {
    name: codeableConceptText(r['code']) ?? 'Unnamed result',
    value: value !== '' ? value : (codeableConceptText(r['dataAbsentReason']) ?? ''),
    unit,
    range: formatReferenceRange(r['referenceRange']),
    flag,
    abnormal: meaning?.abnormal === true || outside !== undefined,
    notes: annotationText(r['note']),
    depth,
    header: list(r['hasMember']).length > 0 && value === '',
    status: status === undefined || status === 'final' ? '' : humanise(status),
  };
}

/** A report's results as rows, and its filing comments apart. */
export function reportTable(group: ReportGroup): { rows: ResultRow[]; comments: string[] } {
  const rows: ResultRow[] = [];
  const comments: string[] = [];
  for (const { entry, depth } of group.members) {
    if (isFilingComment(entry.resource)) {
      const words =
        annotationText(entry.resource['note']) || (text(entry.resource['valueString']) ?? '');
      if (words !== '') comments.push(words);
      continue;
    }
    rows.push(resultRow(entry.resource, depth));
  }
  return { rows, comments };
}
