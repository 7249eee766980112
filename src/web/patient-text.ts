/**
 * @module The patient pages' words: what each history line is, why a concern was raised, how
 * its review came out, and dates a patient reads ("3 March 2026 at 14:05"). Plain English,
 * never a code.
 */
import type { ConcernReason, HistoryLine } from '../api/patient-portal.ts';

/** The short heading of a history line's kind. */
export const KIND_TITLES: Readonly<Record<string, string>> = {
  'record-viewed': 'Looked at your record',
  'record-printed': 'Printed from your record',
  'emergency-access': 'Emergency access',
  'permission-recorded': 'Permission recorded',
  'permission-withdrawn': 'Permission ended',
  'objection-recorded': 'Objection recorded',
  'objection-withdrawn': 'Objection withdrawn',
  'access-report-produced': 'Access report produced',
  'refused-objection': 'Refused because you objected',
  'flagged-attempt': 'Refused attempt, checked by a privacy officer',
};

/** The reasons a patient can give for a concern, as the form offers them. */
export const CONCERN_REASON_TEXT: Readonly<Record<ConcernReason, string>> = {
  'do-not-know-organisation': 'I do not know this organisation',
  'did-not-give-permission': 'I did not give permission',
  'not-receiving-care': 'I was not receiving care from them at the time',
  other: 'Something else',
};

/** The short heading of a line (a kind this page does not know yet reads as an access). */
export function kindTitle(kind: string): string {
  return KIND_TITLES[kind] ?? 'Access to your record';
}

/** A concern's reason in words. */
export function concernReasonText(reason: string): string {
  return (CONCERN_REASON_TEXT as Readonly<Record<string, string>>)[reason] ?? 'Something else';
}

/** How a concern's review stands, in a sentence. */
export function concernStatusText(concern: {
  readonly status: 'open' | 'reviewed';
  readonly outcome?: string | undefined;
}): string {
  if (concern.status === 'open') return 'A privacy officer will look into your concern.';
  if (concern.outcome === 'appropriate') {
    return 'A privacy officer looked into it and found the access was appropriate.';
  }
  if (concern.outcome === 'needs-follow-up') {
    return 'A privacy officer looked into it and is following it up with the organisation.';
  }
  return 'A privacy officer has looked into it.';
}

/** On what basis, in words. */
export function basisText(line: Pick<HistoryLine, 'basis' | 'emergencyReason'>): string {
  if (line.basis === 'your-permission') return 'Your permission';
  if (line.basis === 'emergency') {
    return line.emergencyReason === undefined
      ? 'Emergency, without asking you'
      : `Emergency, without asking you: ${line.emergencyReason}`;
  }
  return '';
}

/** Who a permission lets look. */
export function coversText(covers: string): string {
  return covers === 'one-professional'
    ? 'One professional at this organisation'
    : 'Anyone caring for you at this organisation';
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `3 March 2026 at 14:05` in UK time; the text itself when it is not a date. */
export function whenText(iso: string, withTime = true): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const date = `${Number(part('day'))} ${MONTHS[Number(part('month')) - 1] ?? ''} ${part('year')}`;
  return withTime ? `${date} at ${part('hour')}:${part('minute')}` : date;
}
