/** @module Plain words for how each source answered, and how worried the clinician should be. */
import type { SourceStatus, SourceSummary } from '../api/record.ts';
import { SECTION_NAMES, type SectionName } from '../api/record.ts';

export type StatusTone = 'good' | 'neutral' | 'warning' | 'alert';

const STATUS: Readonly<Record<SourceStatus, { text: string; tone: StatusTone }>> = {
  answered: { text: 'Answered', tone: 'good' },
  'patient-not-found': { text: 'Holds no record for this patient', tone: 'neutral' },
  dissent: { text: 'The patient has asked for this record not to be shared', tone: 'warning' },
  'access-denied': { text: 'Refused access to this record', tone: 'warning' },
  'demographics-mismatch': {
    text: "Not shown: the patient's details there did not match",
    tone: 'alert',
  },
  'timed-out': { text: 'Did not answer in time', tone: 'alert' },
  'too-large': { text: 'The record was too large to show', tone: 'alert' },
  malformed: { text: 'Answered with something that could not be read', tone: 'alert' },
  'wrong-content-type': { text: 'Answered in an unexpected format', tone: 'alert' },
  unavailable: { text: 'Not available at the moment', tone: 'alert' },
  busy: { text: 'Too busy to answer; try again shortly', tone: 'alert' },
  refused: { text: 'Refused the request', tone: 'alert' },
  error: { text: 'Something went wrong asking this system', tone: 'alert' },
  'not-known-to-index': {
    text: 'Not asked: the patient index does not know the patient here',
    tone: 'neutral',
  },
  'index-unavailable': {
    text: 'Not asked: the patient index could not be consulted',
    tone: 'alert',
  },
  'endpoint-not-found': {
    text: "Not asked: the practice's GP Connect endpoint could not be found",
    tone: 'alert',
  },
  'no-registered-practice': { text: 'No registered GP practice to ask', tone: 'warning' },
};

/** A source status in plain words with its tone; unknown statuses are shown as given. */
export function describeSourceStatus(status: string): { text: string; tone: StatusTone } {
  return (
    (STATUS as Readonly<Record<string, { text: string; tone: StatusTone }>>)[status] ?? {
      text: `Status: ${status}`,
      tone: 'alert',
    }
  );
}

/** The clinician-facing names of the record's sections. */
export const SECTION_LABELS: Readonly<Record<SectionName, string>> = {
  medications: 'Medications',
  allergies: 'Allergies',
  problems: 'Problems',
  encounters: 'Encounters',
  investigations: 'Investigations',
  immunisations: 'Immunisations',
  referrals: 'Referrals',
  documents: 'Documents',
  carePlans: 'Care plans',
  socialCare: 'Social care',
};

/** A source's item counts in words, in section order: `Medications 12, Allergies 3`. */
export function describeCounts(counts: SourceSummary['counts']): string {
  return SECTION_NAMES.filter((name) => (counts[name] ?? 0) > 0)
    .map((name) => `${SECTION_LABELS[name]} ${counts[name] ?? 0}`)
    .join(', ');
}

/** True when some sources did not answer, so the record may be incomplete. */
export function isIncomplete(sources: readonly SourceSummary[]): boolean {
  return sources.some(
    (s) =>
      s.status !== 'answered' &&
      s.status !== 'patient-not-found' &&
      s.status !== 'not-known-to-index',
  );
}
