/**
 * @module Results of the same test over time: numeric Observations from every source grouped by
 * their code (LOINC first, then SNOMED CT) and unit, oldest first, each point keeping its source,
 * its date and the reference range the laboratory gave with it. Pure; nothing is kept.
 */
import type { RecordItem } from '../api/record.ts';
import { LOINC, SNOMED } from './code-systems.ts';
import { codeableConceptText } from './fhir-display.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** One result on a trend. */
export interface TrendPoint {
  /** ISO date or date-time of the result (effective, else issued). */
  readonly date: string;
  /** Milliseconds since the epoch, for the time axis. */
  readonly time: number;
  readonly value: number;
  /** `<` or `>` when the laboratory gave a bound rather than a value. */
  readonly comparator?: string;
  readonly low?: number;
  readonly high?: number;
  readonly sourceId: string;
  /** The source system's name. */
  readonly source: string;
  readonly id: string;
}

/** One test's results over time, in one unit. */
export interface TrendSeries {
  /** `system|code|unit`: stable, used for element ids. */
  readonly key: string;
  readonly system: string;
  readonly code: string;
  /** The test's name as the newest result gives it. */
  readonly name: string;
  readonly unit: string;
  /** Oldest first. */
  readonly points: readonly TrendPoint[];
  /** The newest result's reference range, drawn as a band. */
  readonly low?: number;
  readonly high?: number;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The code a result is grouped by: its LOINC coding when it has one, else SNOMED CT. */
export function trendCode(concept: unknown): { system: string; code: string } | undefined {
  if (!isJsonObject(concept)) return undefined;
  const codings = list(concept['coding']).filter(isJsonObject);
  for (const system of [LOINC, SNOMED]) {
    const found = codings.find((coding) => coding['system'] === system);
    const code = found === undefined ? undefined : text(found['code']);
    if (code !== undefined && /^[0-9A-Za-z-]{1,32}$/.test(code)) return { system, code };
  }
  return undefined;
}

/** SNOMED CT "Comment note": GP filing comments are not results. */
const FILING_COMMENT = '37331000000100';

/** The numeric point one Observation gives, or undefined when it has none. */
function pointOf(item: RecordItem): (TrendPoint & { unit: string; name: string }) | undefined {
  const resource = item.resource;
  if (resource.resourceType !== 'Observation') return undefined;
  if (resource['status'] === 'entered-in-error' || resource['status'] === 'cancelled')
    return undefined;
  const quantity = resource['valueQuantity'];
  if (!isJsonObject(quantity)) return undefined;
  const value = finite(quantity['value']);
  const date = text(resource['effectiveDateTime']) ?? text(resource['issued']);
  const time = date === undefined ? Number.NaN : Date.parse(date);
  const id = text(resource.id);
  if (value === undefined || date === undefined || Number.isNaN(time) || id === undefined)
    return undefined;
  const range = list(resource['referenceRange']).find(isJsonObject);
  const low = isJsonObject(range?.['low']) ? finite(range['low']['value']) : undefined;
  const high = isJsonObject(range?.['high']) ? finite(range['high']['value']) : undefined;
  const comparator = text(quantity['comparator']);
  return {
    date,
    time,
    value,
    ...(comparator === undefined ? {} : { comparator }),
    ...(low === undefined ? {} : { low }),
    ...(high === undefined ? {} : { high }),
    sourceId: item.source.sourceId,
    source: item.source.system,
    id,
    unit: text(quantity['unit']) ?? text(quantity['code']) ?? '',
    name: codeableConceptText(resource['code']) ?? 'Unnamed result',
  };
}

/**
 * Every test with at least `minimum` numeric results, grouped by code and unit (results of one
 * test in different units are never drawn on one axis). A result another source also reported
 * (`duplicateOf`) is counted once. Series are ordered by name.
 */
export function trendSeries(items: readonly RecordItem[], minimum = 2): readonly TrendSeries[] {
  const groups = new Map<
    string,
    { system: string; code: string; unit: string; points: ReturnType<typeof pointOf>[] }
  >();
  for (const item of items) {
    if (item.duplicateOf !== undefined) continue;
    const code = trendCode(item.resource['code']);
    if (code === undefined || code.code === FILING_COMMENT) continue;
    const point = pointOf(item);
    if (point === undefined) continue;
    const key = `${code.system}|${code.code}|${point.unit}`;
    const group = groups.get(key) ?? { ...code, unit: point.unit, points: [] };
    group.points.push(point);
    groups.set(key, group);
  }
  const series: TrendSeries[] = [];
  for (const [key, group] of groups) {
    const points = group.points
      .filter((point) => point !== undefined)
      .sort((a, b) => a.time - b.time || a.sourceId.localeCompare(b.sourceId));
    if (points.length < minimum) continue;
    const newest = points.at(-1);
    if (newest === undefined) continue;
    series.push({
      key,
      system: group.system,
      code: group.code,
      name: newest.name,
      unit: group.unit,
      points: points.map(({ unit: _unit, name: _name, ...point }) => point),
      ...(newest.low === undefined ? {} : { low: newest.low }),
      ...(newest.high === undefined ? {} : { high: newest.high }),
    });
  }
  return series.sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

/** Whether a point lies outside its own reference range. */
export function outsideItsRange(point: TrendPoint): 'above' | 'below' | undefined {
  if (point.comparator !== undefined) return undefined;
  if (point.high !== undefined && point.value > point.high) return 'above';
  if (point.low !== undefined && point.value < point.low) return 'below';
  return undefined;
}
