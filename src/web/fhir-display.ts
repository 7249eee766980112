/**
 * @module Small pure helpers that turn FHIR datatypes into the words and dates a clinician
 * reads (UK style: `12-Mar-2024`, London time). Each tolerates missing or malformed input.
 */
import { isJsonObject } from '../shared/json-guards.ts';

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The time zone clinical times are shown in. */
export const DISPLAY_TIME_ZONE = 'Europe/London';

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function monthName(month: string | undefined): string | undefined {
  return MONTHS[Number(month) - 1];
}

interface WallClock {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
}

function toWallClock(value: string): WallClock | undefined {
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, year = '', month = '', day = '', hour = '', minute = '', zone] = match;
  if (zone === undefined) return { year, month, day, hour, minute };
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return undefined;
  const parts: Record<string, string> = {};
  for (const part of londonParts.formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: parts['year'] ?? year,
    month: parts['month'] ?? month,
    day: parts['day'] ?? day,
    hour: parts['hour'] ?? hour,
    minute: parts['minute'] ?? minute,
  };
}

/**
 * A FHIR date or dateTime as a UK date: `12-Mar-2024`; partial dates stay partial
 * (`Mar-2024`, `2024`). Anything unreadable is returned as given; nothing gives ''.
 */
export function formatDate(value: unknown): string {
  const text = nonEmpty(value);
  if (text === undefined) return '';
  const date = DATE.exec(text);
  if (date !== null) {
    const [, year = '', month, day] = date;
    const name = monthName(month);
    if (month === undefined || name === undefined) return year;
    return day === undefined ? `${name}-${year}` : `${day}-${name}-${year}`;
  }
  const clock = toWallClock(text);
  const name = monthName(clock?.month);
  if (clock === undefined || name === undefined) return text;
  return `${clock.day}-${name}-${clock.year}`;
}

/** A FHIR dateTime with its London time when it has one: `12-Mar-2024 14:05`. */
export function formatDateTime(value: unknown): string {
  const text = nonEmpty(value);
  if (text === undefined) return '';
  const clock = toWallClock(text);
  const name = monthName(clock?.month);
  if (clock === undefined || name === undefined) return formatDate(text);
  return `${clock.day}-${name}-${clock.year} ${clock.hour}:${clock.minute}`;
}

/** A period as `12-Mar-2024 to 14-Mar-2024`, `From 12-Mar-2024` or `Until 14-Mar-2024`. */
export function formatPeriod(period: unknown, withTime = false): string {
  if (!isJsonObject(period)) return '';
  const format = withTime ? formatDateTime : formatDate;
  const start = format(period['start']);
  const end = format(period['end']);
  if (start !== '' && end !== '') return start === end ? start : `${start} to ${end}`;
  if (start !== '') return `From ${start}`;
  if (end !== '') return `Until ${end}`;
  return '';
}

/** A Coding's words: its display, else its code. */
export function codingText(coding: unknown): string | undefined {
  if (!isJsonObject(coding)) return undefined;
  return nonEmpty(coding['display']) ?? nonEmpty(coding['code']);
}

/**
 * Words for codes sources send without a display (FHIR category codes, and SNOMED CT concepts our
 * own GP Connect mapping adds): a clinician never reads a bare `3457005`.
 */
const CODE_WORDS: Readonly<Record<string, string>> = {
  '3457005': 'Referral',
  'problem-list-item': 'Problem list item',
  'encounter-diagnosis': 'Diagnosis at an encounter',
  'health-concern': 'Health concern',
};

/** A code with no words, labelled as a code: `code 3457005`; FHIR's worded codes humanised. */
function codeWords(code: string): string {
  const known = CODE_WORDS[code];
  if (known !== undefined) return known;
  // FHIR codes such as `problem-list-item` are words already; numbers and symbols are not.
  return /^[a-z]+(-[a-z]+)+$/.test(code) ? humanise(code) : `code ${code}`;
}

/** A CodeableConcept's own words only (its text or a coding's display); never a code. */
export function conceptWords(concept: unknown): string | undefined {
  if (!isJsonObject(concept)) return undefined;
  const text = nonEmpty(concept['text']);
  if (text !== undefined) return text;
  const codings = Array.isArray(concept['coding']) ? (concept['coding'] as unknown[]) : [];
  for (const coding of codings) {
    const display = isJsonObject(coding) ? nonEmpty(coding['display']) : undefined;
    if (display !== undefined) return display;
  }
  return undefined;
}

/**
 * A CodeableConcept's words: its text, else the first coding with a display, else words for a
 * known code, else the code labelled as one (`code 3457005`).
 */
export function codeableConceptText(concept: unknown): string | undefined {
  if (!isJsonObject(concept)) return undefined;
  const text = nonEmpty(concept['text']);
  if (text !== undefined) return text;
  const codings = Array.isArray(concept['coding']) ? (concept['coding'] as unknown[]) : [];
  for (const coding of codings) {
    if (isJsonObject(coding) && nonEmpty(coding['display']) !== undefined)
      return codingText(coding);
  }
  for (const coding of codings) {
    const code = isJsonObject(coding) ? nonEmpty(coding['code']) : undefined;
    if (code !== undefined && CODE_WORDS[code] !== undefined) return CODE_WORDS[code];
  }
  for (const coding of codings) {
    const code = isJsonObject(coding) ? nonEmpty(coding['code']) : undefined;
    if (code !== undefined) return codeWords(code);
  }
  return undefined;
}

/**
 * The words of every concept in a list, joined with commas, each said once (`Problem List Item`
 * and `problem-list-item` are one category); '' when none.
 */
export function conceptListText(concepts: unknown): string {
  if (!Array.isArray(concepts)) return codeableConceptText(concepts) ?? '';
  const seen = new Set<string>();
  const words: string[] = [];
  for (const concept of concepts) {
    const text = codeableConceptText(concept);
    if (text === undefined) continue;
    const key = text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(text);
  }
  return words.join(', ');
}

function formatNumber(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return value.trim();
  }
  return undefined;
}

/** A Quantity as `5.2 mmol/L` (with `<`, `>` comparators); '' when it has no value. */
export function formatQuantity(quantity: unknown): string {
  if (!isJsonObject(quantity)) return '';
  const value = formatNumber(quantity['value']);
  if (value === undefined) return '';
  const comparator = nonEmpty(quantity['comparator']) ?? '';
  const unit = nonEmpty(quantity['unit']) ?? nonEmpty(quantity['code']);
  return `${comparator}${value}${unit === undefined ? '' : ` ${unit}`}`;
}

function quantityUnit(quantity: unknown): string | undefined {
  return isJsonObject(quantity)
    ? (nonEmpty(quantity['unit']) ?? nonEmpty(quantity['code']))
    : undefined;
}

/** A Range as `3.5 to 5.0 mmol/L`, `≥ 3.5 mmol/L` or `≤ 5.0 mmol/L`. */
export function formatRange(range: unknown): string {
  if (!isJsonObject(range)) return '';
  const low = isJsonObject(range['low']) ? formatNumber(range['low']['value']) : undefined;
  const high = isJsonObject(range['high']) ? formatNumber(range['high']['value']) : undefined;
  const unit = quantityUnit(range['high']) ?? quantityUnit(range['low']);
  const suffix = unit === undefined ? '' : ` ${unit}`;
  if (low !== undefined && high !== undefined) return `${low} to ${high}${suffix}`;
  if (low !== undefined) return `≥ ${low}${suffix}`;
  if (high !== undefined) return `≤ ${high}${suffix}`;
  return '';
}

/** A Ratio as `numerator / denominator`, e.g. `1 mg / 5 mL`. */
export function formatRatio(ratio: unknown): string {
  if (!isJsonObject(ratio)) return '';
  const numerator = formatQuantity(ratio['numerator']);
  const denominator = formatQuantity(ratio['denominator']);
  if (numerator === '' || denominator === '') return numerator;
  return `${numerator} / ${denominator}`;
}

/** An Observation reference range: its text, else its low and high. */
export function formatReferenceRange(referenceRange: unknown): string {
  const first: unknown = Array.isArray(referenceRange) ? referenceRange[0] : referenceRange;
  if (!isJsonObject(first)) return '';
  return nonEmpty(first['text']) ?? formatRange(first);
}

/** A Reference's words: its display only; a bare id (`urn:uuid:…`) means nothing to a clinician. */
export function referenceText(reference: unknown): string | undefined {
  if (!isJsonObject(reference)) return undefined;
  return nonEmpty(reference['display']);
}

/** A FHIR code in sentence case: `entered-in-error` → `Entered in error`. */
export function humanise(code: unknown): string {
  const text = nonEmpty(code);
  if (text === undefined) return '';
  const words = text
    .replace(/[-_]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Observation interpretation codes (HL7 v3 ObservationInterpretation) in words. */
const INTERPRETATIONS: Readonly<Record<string, { text: string; abnormal: boolean }>> = {
  N: { text: 'Normal', abnormal: false },
  A: { text: 'Abnormal', abnormal: true },
  AA: { text: 'Critically abnormal', abnormal: true },
  H: { text: 'High', abnormal: true },
  HH: { text: 'Critically high', abnormal: true },
  HU: { text: 'Significantly high', abnormal: true },
  L: { text: 'Low', abnormal: true },
  LL: { text: 'Critically low', abnormal: true },
  LU: { text: 'Significantly low', abnormal: true },
  POS: { text: 'Positive', abnormal: true },
  NEG: { text: 'Negative', abnormal: false },
  DET: { text: 'Detected', abnormal: true },
  ND: { text: 'Not detected', abnormal: false },
};

/** An Observation's interpretation in words, and whether it marks the result as abnormal. */
export function interpretation(concepts: unknown): { text: string; abnormal: boolean } | undefined {
  const list: unknown[] = Array.isArray(concepts) ? concepts : [concepts];
  for (const concept of list) {
    if (!isJsonObject(concept)) continue;
    const codings = Array.isArray(concept['coding']) ? (concept['coding'] as unknown[]) : [];
    for (const coding of codings) {
      const code = isJsonObject(coding) ? nonEmpty(coding['code']) : undefined;
      const known = code === undefined ? undefined : INTERPRETATIONS[code.toUpperCase()];
      if (known !== undefined) {
        return { text: nonEmpty(concept['text']) ?? known.text, abnormal: known.abnormal };
      }
    }
    const text = codeableConceptText(concept);
    if (text !== undefined) return { text, abnormal: !/^normal$/i.test(text) };
  }
  return undefined;
}

/** The text of FHIR Annotations (notes), joined; '' when none. */
export function annotationText(notes: unknown): string {
  if (!Array.isArray(notes)) return '';
  return notes
    .map((note) => (isJsonObject(note) ? nonEmpty(note['text']) : undefined))
    .filter((text): text is string => text !== undefined)
    .join(' ');
}

/** How long a source took: `850 ms`, `1.2 s`. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
