/**
 * @module Why emergency access was needed when the patient could not give permission: the reason
 * codes the server accepts and records, and the API offers (one list for both).
 */

/** The emergency reasons, as codes (`GET /api/permission-options` has their words). */
export const EMERGENCY_REASON_CODES = [
  'patient-unconscious',
  'lacks-capacity',
  'life-threatening',
  'other',
] as const;
export type EmergencyReasonCode = (typeof EMERGENCY_REASON_CODES)[number];
