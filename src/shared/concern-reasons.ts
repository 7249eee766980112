/**
 * @module Why a patient raises a concern about one access to their record: the reasons the patient's
 * form offers, the API accepts and the privacy alert queue records (one list for all three).
 */

/** Why the patient is concerned. */
export const CONCERN_REASONS = [
  'do-not-know-organisation',
  'did-not-give-permission',
  'not-receiving-care',
  'other',
] as const;
export type ConcernReason = (typeof CONCERN_REASONS)[number];
