/** @module Date arithmetic against the population's fixed "today", so records never depend on the wall clock. */

/** The day the synthetic records were "extracted": every generated date is on or before it. */
export const POPULATION_TODAY = '2025-09-30';
const TODAY_MS = Date.UTC(2025, 8, 30);
const DAY_MS = 86_400_000;

/** The date `days` days before the population's today, as `YYYY-MM-DD`. */
export function daysAgo(days: number): string {
  return new Date(TODAY_MS - Math.round(days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a `YYYY-MM-DD` date to the population's today. */
export function daysSince(date: string): number {
  return Math.round((TODAY_MS - Date.parse(`${date}T00:00:00Z`)) / DAY_MS);
}

/** A date plus a number of days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + Math.round(days) * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** A FHIR dateTime on a date at a clock time (UTC). */
export function at(date: string, hour: number, minute: number): string {
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+00:00`;
}

/** Age in whole years on the population's today. */
export function ageOn(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = 2025 - y;
  if (m > 9 || (m === 9 && d > 30)) age -= 1;
  return age;
}
