/**
 * @module A child's weight, length and head circumference from every source, each measurement at
 * the child's age in months with its z-score and centile against the WHO standards (UK-WHO from
 * 2 weeks). Observations are recognised by LOINC (29463-7 body weight, 8302-2 body height, 8306-3
 * body length lying, 9843-4 head circumference) or SNOMED CT (27113001 body weight, 50373000 body
 * height measure, 248334005 length of body, 363812007 head circumference); units kg or g, cm, mm
 * or m. Pure; nothing is kept.
 */
import type { RecordItem } from '../../api/record.ts';
import { LOINC, SNOMED } from '../code-systems.ts';
import { DAYS_PER_MONTH, centileText, lmsAt, zScore } from './growth-centiles.ts';
import { LMS_LAST_MONTH, type GrowthMeasure, type GrowthSex } from './who-lms.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

/** Codes per measure: `system|code`. */
const CODES: Readonly<Record<GrowthMeasure, readonly string[]>> = {
  weight: [`${LOINC}|29463-7`, `${SNOMED}|27113001`],
  length: [`${LOINC}|8302-2`, `${LOINC}|8306-3`, `${SNOMED}|50373000`, `${SNOMED}|248334005`],
  head: [`${LOINC}|9843-4`, `${SNOMED}|363812007`],
};

export const GROWTH_MEASURES: readonly GrowthMeasure[] = ['weight', 'length', 'head'];

export const MEASURE_LABELS: Readonly<Record<GrowthMeasure, string>> = {
  weight: 'Weight',
  length: 'Length',
  head: 'Head circumference',
};

export const MEASURE_UNITS: Readonly<Record<GrowthMeasure, string>> = {
  weight: 'kg',
  length: 'cm',
  head: 'cm',
};

/** Factor from a UCUM or plain unit to the chart's unit. */
const UNIT_FACTORS: Readonly<Record<GrowthMeasure, Readonly<Record<string, number>>>> = {
  weight: { kg: 1, g: 0.001 },
  length: { cm: 1, mm: 0.1, m: 100 },
  head: { cm: 1, mm: 0.1, m: 100 },
};

/** One measurement, in the chart's unit. */
export interface GrowthPoint {
  readonly date: string;
  /** Age at the measurement in months (days / 30.4375). */
  readonly months: number;
  readonly value: number;
  /** Undefined when the age is outside the shipped standards (before birth, past 24 months). */
  readonly z?: number;
  /** "between the 50th and 75th centiles", or '' when there is no z-score. */
  readonly centile: string;
  readonly sourceId: string;
  readonly source: string;
  readonly id: string;
}

export interface GrowthSeries {
  readonly measure: GrowthMeasure;
  /** Oldest first. */
  readonly points: readonly GrowthPoint[];
}

/** What a child's growth view can draw. */
export type GrowthData =
  | { readonly kind: 'charts'; readonly sex: GrowthSex; readonly series: readonly GrowthSeries[] }
  | { readonly kind: 'no-birth-date' }
  | { readonly kind: 'no-sex' }
  | { readonly kind: 'too-old'; readonly months: number };

/** 18 years. */
const ADULT_MONTHS = 216;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function measureOf(code: unknown): GrowthMeasure | undefined {
  if (!isJsonObject(code) || !Array.isArray(code['coding'])) return undefined;
  for (const coding of code['coding'] as unknown[]) {
    if (!isJsonObject(coding)) continue;
    const key = `${text(coding['system']) ?? ''}|${text(coding['code']) ?? ''}`;
    const found = GROWTH_MEASURES.find((measure) => CODES[measure].includes(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Months between a birth date and a date, or NaN when either does not parse. */
export function ageInMonths(birthDate: string, date: string): number {
  const born = Date.parse(birthDate.slice(0, 10));
  const on = Date.parse(date.slice(0, 10));
  return (on - born) / 86_400_000 / DAYS_PER_MONTH;
}

/** The measurement one Observation gives, when it is a growth measurement. */
function pointOf(
  item: RecordItem,
  birthDate: string,
  sex: GrowthSex,
): (GrowthPoint & { measure: GrowthMeasure }) | undefined {
  const resource = item.resource;
  if (resource.resourceType !== 'Observation' || item.duplicateOf !== undefined) return undefined;
  if (resource['status'] === 'entered-in-error' || resource['status'] === 'cancelled')
    return undefined;
  const measure = measureOf(resource['code']);
  const quantity = resource['valueQuantity'];
  if (measure === undefined || !isJsonObject(quantity)) return undefined;
  const raw = quantity['value'];
  const unit = text(quantity['code']) ?? text(quantity['unit']);
  const factor = unit === undefined ? undefined : UNIT_FACTORS[measure][unit];
  const date = text(resource['effectiveDateTime']) ?? text(resource['issued']);
  const id = text(resource.id);
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) return undefined;
  if (factor === undefined || date === undefined || id === undefined) return undefined;
  const months = ageInMonths(birthDate, date);
  if (Number.isNaN(months) || months < 0) return undefined;
  const value = Math.round(raw * factor * 1000) / 1000;
  const lms = lmsAt(measure, sex, months);
  const z = lms === undefined ? undefined : zScore(lms, value);
  return {
    measure,
    date,
    months,
    value,
    ...(z === undefined ? {} : { z }),
    centile: z === undefined ? '' : centileText(z),
    sourceId: item.source.sourceId,
    source: item.source.system,
    id,
  };
}

/**
 * The child's growth from the investigations section's items: one series per measure that has a
 * measurement, oldest first. The sex must be male or female (the standards are by sex) and the
 * child no older than the shipped standards at the newest measurement's date or today.
 */
export function growthData(
  items: readonly RecordItem[],
  patient: { readonly birthDate?: string; readonly gender?: string },
  today: Date = new Date(),
): GrowthData {
  const { birthDate, gender } = patient;
  if (birthDate === undefined || Number.isNaN(Date.parse(birthDate)))
    return { kind: 'no-birth-date' };
  if (gender !== 'male' && gender !== 'female') return { kind: 'no-sex' };
  const age = ageInMonths(birthDate, today.toISOString());
  // An adult's record is not scanned: charts of an infancy long past are not what a clinician reads here.
  if (age > ADULT_MONTHS) return { kind: 'too-old', months: age };
  const points = items
    .map((item) => pointOf(item, birthDate, gender))
    .filter((point) => point !== undefined);
  const newest = Math.max(...points.map((point) => point.months), Number.NEGATIVE_INFINITY);
  if (Math.min(age, newest === Number.NEGATIVE_INFINITY ? age : newest) > LMS_LAST_MONTH)
    return { kind: 'too-old', months: age };
  const series = GROWTH_MEASURES.map((measure) => ({
    measure,
    points: points
      .filter((point) => point.measure === measure)
      .sort((a, b) => a.months - b.months || a.sourceId.localeCompare(b.sourceId))
      .map(({ measure: _measure, ...point }) => point),
  })).filter((one) => one.points.length > 0);
  return { kind: 'charts', sex: gender, series };
}

/**
 * The counts already worked out, by the investigations list they were counted in (a record's lists
 * are replaced, never changed, as sources answer): the tabs ask on every render, a child's record
 * is scanned once per list.
 */
const countedLists = new WeakMap<
  readonly RecordItem[],
  {
    readonly birthDate: string | undefined;
    readonly gender: string | undefined;
    readonly count: number;
  }
>();

/** How many growth measurements the record holds (the tab's count); 0 when it cannot chart them. */
export function growthCount(
  items: readonly RecordItem[],
  patient: { readonly birthDate?: string; readonly gender?: string },
): number {
  const known = countedLists.get(items);
  if (
    known !== undefined &&
    known.birthDate === patient.birthDate &&
    known.gender === patient.gender
  )
    return known.count;
  const data = growthData(items, patient);
  const count =
    data.kind === 'charts' ? data.series.reduce((sum, one) => sum + one.points.length, 0) : 0;
  countedLists.set(items, { birthDate: patient.birthDate, gender: patient.gender, count });
  return count;
}
