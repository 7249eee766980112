/**
 * @module How the patient banner and search results show a patient, following NHS
 * conventions: `SMITH, John Paul (Mr)`, `12-Mar-1980 (44y)`, NHS number 3-3-4.
 */
import type { PatientSummary } from '../api/patients.ts';
import { formatDate } from './fhir-display.ts';

/** `FAMILY, Given Names (Title)`. */
export function formatPatientName(name: PatientSummary['name'] | undefined): string {
  if (name === undefined) return 'Name not known';
  const family = name.family.trim().toUpperCase();
  const given = name.given
    .map((g) => g.trim())
    .filter((g) => g !== '')
    .join(' ');
  const title = [name.prefix ?? '']
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(' ');
  const main = [family, given].filter((part) => part !== '').join(', ') || 'Name not known';
  return title === '' ? main : `${main} (${title})`;
}

/** The NHS number as 3-3-4, preferring the server's own formatting. */
export function formatPatientNhsNumber(
  patient: Pick<PatientSummary, 'nhsNumberFormatted'>,
): string {
  return patient.nhsNumberFormatted;
}

const GENDERS: Readonly<Record<string, string>> = {
  male: 'Male',
  female: 'Female',
  other: 'Other',
  unknown: 'Not known',
};

/** A FHIR administrative gender in words. */
export function formatGender(gender: string | undefined): string {
  if (gender === undefined || gender === '') return 'Not known';
  return GENDERS[gender.toLowerCase()] ?? gender;
}

function parseDay(value: string): { y: number; m: number; d: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (match === null) return undefined;
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * Age as a clinician writes it: under 4 weeks in days (`12 days`), under 13 weeks in weeks
 * (`8 weeks`), under two years in months (`14 months`), then in years (`7 years`, `44 years`).
 * `at` is the day to measure to (today, or death).
 */
export function formatAge(birthDate: string | undefined, at: Date): string {
  const born = birthDate === undefined ? undefined : parseDay(birthDate);
  if (born === undefined) return '';
  const now = { y: at.getUTCFullYear(), m: at.getUTCMonth() + 1, d: at.getUTCDate() };
  const totalDays = Math.floor(
    (Date.UTC(now.y, now.m - 1, now.d) - Date.UTC(born.y, born.m - 1, born.d)) / 86_400_000,
  );
  if (totalDays < 0) return '';
  if (totalDays < 28) return plural(totalDays, 'day');
  if (totalDays < 91) return plural(Math.floor(totalDays / 7), 'week');
  let months = (now.y - born.y) * 12 + (now.m - born.m);
  if (now.d < born.d) months -= 1;
  if (months < 24) return plural(months, 'month');
  return plural(Math.floor(months / 12), 'year');
}

/** `12-Mar-1980 (44 years)`; for a deceased patient the age is at death. */
export function formatBorn(
  patient: Pick<PatientSummary, 'birthDate' | 'age' | 'deceasedDateTime'>,
  today: Date,
): string {
  if (patient.birthDate === undefined) return 'Not known';
  const at = patient.deceasedDateTime === undefined ? today : new Date(patient.deceasedDateTime);
  const age = patient.age ?? (Number.isNaN(at.getTime()) ? '' : formatAge(patient.birthDate, at));
  const date = formatDate(patient.birthDate);
  return age === '' ? date : `${date} (${age})`;
}

/** The address on one line, or '' when it is not shown (restricted records). */
export function formatAddress(address: PatientSummary['address']): string {
  if (address === undefined) return '';
  return [...address.lines, address.postcode ?? '']
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(', ');
}
