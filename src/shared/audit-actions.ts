/**
 * @module The vocabulary of the audit trail: the name of every audited action (src/audit/audit-event.ts
 * holds the schema of each, and the compiler keeps the two lists the same). Shared with the web,
 * which names each action on the audit search page.
 */

/** Every audited action, as a list. */
export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'session-expired',
  'patient-search',
  'permission-granted',
  'permission-withdrawn',
  'emergency-access',
  'emergency-access-reviewed',
  'record-view-started',
  'record-view-completed',
  'record-view-source',
  'record-printed',
  'access-denied',
  'dissent-recorded',
  'dissent-revoked',
  'user-created',
  'user-disabled',
  'audit-searched',
  'privacy-alert-reviewed',
  'patient-sign-in',
  'patient-sign-in-failed',
  'patient-sign-out',
  'patient-access-history-viewed',
  'patient-objection-recorded',
  'patient-objection-withdrawn',
  'patient-permission-withdrawn',
  'patient-concern-raised',
  'patient-settings-changed',
  'patient-access-denied',
] as const;

/** Every audited action. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** True for the name of an audited action. */
export function isAuditAction(name: string): name is AuditAction {
  const known: readonly string[] = AUDIT_ACTIONS;
  return known.includes(name);
}
