/** @module Audit events for the audit tests: one of each action, told as a small story. */
import type { AuditActor, AuditEvent, AuditEventOf } from '../../src/audit/audit-event.ts';

/** Dr Amara Okafor, a GP at practice A81001. */
export const drOkafor: AuditActor = {
  userId: 'u-0001',
  username: 'amara.okafor',
  displayName: 'Dr Amara Okafor',
  role: 'clinician',
  organisation: 'A81001',
  sdsUserId: '555000000001',
  sdsRoleProfileId: '555000000001001',
};

export const client = { address: '192.0.2.10', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' };

/** A patient in the 999 test range. */
export const patientNhsNumber = '9990000018';

/** That patient, signed in through NHS login (P9). */
export const patientActor = {
  type: 'patient',
  nhsNumber: patientNhsNumber,
  proofingLevel: 'P9',
} as const;

let requestCounter = 0;
function base(): { time: string; requestId: string; client: typeof client } {
  requestCounter += 1;
  return { time: '2025-03-04T10:15:00.000Z', requestId: `req-${requestCounter}`, client };
}

export function recordViewStarted(
  nhsNumber = patientNhsNumber,
): AuditEventOf<'record-view-started'> {
  return {
    action: 'record-view-started',
    ...base(),
    actor: drOkafor,
    outcome: 'success',
    nhsNumber,
    basis: { permissionId: 'perm-1', basis: 'consent' },
  };
}

export function recordViewCompleted(
  nhsNumber = patientNhsNumber,
): AuditEventOf<'record-view-completed'> {
  return {
    action: 'record-view-completed',
    ...base(),
    actor: drOkafor,
    outcome: 'success',
    nhsNumber,
    basis: { permissionId: 'perm-1', basis: 'consent' },
    sources: [
      {
        id: 'gp-a81001',
        status: 'answered',
        elapsedMs: 412,
        counts: { medications: 7, allergies: 2, problems: 4 },
        httpStatus: 200,
        warnings: ['confidential-items', 'other-patient-items'],
        dropped: 1,
      },
      {
        id: 'hospital-rx1',
        status: 'timed-out',
        elapsedMs: 3500,
        counts: {},
        errorCode: 'TIMEOUT',
        warnings: [],
      },
    ],
    withheld: { medications: 1 },
    elapsedMs: 3512,
  };
}

/** One event of every action. */
export function oneOfEach(): AuditEvent[] {
  return [
    { action: 'sign-in', ...base(), actor: drOkafor, outcome: 'success', method: 'password' },
    {
      action: 'sign-in-failed',
      ...base(),
      actor: null,
      attemptedUsername: 'amara.okafr',
      outcome: 'denied',
      method: 'password',
      reasonCode: 'bad-credentials',
    },
    { action: 'sign-out', ...base(), actor: drOkafor, outcome: 'success' },
    { action: 'session-expired', ...base(), actor: drOkafor, outcome: 'success' },
    {
      action: 'patient-search',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      searchType: 'nhs-number',
      nhsNumber: patientNhsNumber,
      resultCount: 1,
      matchedNhsNumbers: [patientNhsNumber],
    },
    {
      action: 'permission-granted',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      permissionId: 'perm-1',
      basis: 'consent',
      method: 'verbal',
      scope: 'user',
      expiresAt: '2025-03-04T18:15:00.000Z',
    },
    {
      action: 'emergency-access',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      permissionId: 'perm-2',
      reasonCode: 'patient-unconscious',
    },
    {
      action: 'emergency-access-reviewed',
      ...base(),
      actor: {
        ...drOkafor,
        userId: 'u-0009',
        username: 'privacy.officer',
        role: 'privacy-officer',
      },
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      permissionId: 'perm-2',
      reviewOutcome: 'appropriate',
    },
    {
      action: 'privacy-alert-reviewed',
      ...base(),
      actor: {
        ...drOkafor,
        userId: 'u-0009',
        username: 'privacy.officer',
        role: 'privacy-officer',
      },
      outcome: 'success',
      alertId: 'alert-1',
      rule: 'out-of-hours',
      nhsNumber: patientNhsNumber,
      reviewOutcome: 'needs-follow-up',
    },
    recordViewStarted(),
    recordViewCompleted(),
    {
      action: 'record-view-source',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      basis: { permissionId: 'perm-1', basis: 'consent' },
      source: {
        id: 'hospital-rx1',
        status: 'answered',
        elapsedMs: 388,
        counts: { medications: 3 },
        warnings: [],
      },
    },
    {
      action: 'record-printed',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      basis: { permissionId: 'perm-1', basis: 'consent' },
      scope: 'summary',
    },
    {
      action: 'permission-withdrawn',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      permissionId: 'perm-1',
    },
    {
      action: 'access-denied',
      ...base(),
      actor: drOkafor,
      outcome: 'denied',
      nhsNumber: patientNhsNumber,
      attempted: 'record-view',
      reasonCode: 'no-permission',
    },
    {
      action: 'dissent-recorded',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      dissentId: 'dis-1',
    },
    {
      action: 'dissent-revoked',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      dissentId: 'dis-1',
    },
    {
      action: 'user-created',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      subject: { userId: 'u-0002', username: 'ben.hughes', role: 'nurse', organisation: 'A81001' },
    },
    {
      action: 'user-disabled',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      subject: { userId: 'u-0002', username: 'ben.hughes', role: 'nurse', organisation: 'A81001' },
    },
    {
      action: 'audit-searched',
      ...base(),
      actor: drOkafor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      resultCount: 3,
    },
    // The patient herself, signed in through NHS login at the high proofing level.
    {
      action: 'patient-sign-in',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      method: 'nhs-login',
      nhsNumber: patientNhsNumber,
    },
    {
      action: 'patient-sign-in-failed',
      ...base(),
      actor: null,
      outcome: 'denied',
      method: 'nhs-login',
      reasonCode: 'proofing-level-too-low',
    },
    {
      action: 'patient-sign-out',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
    },
    {
      action: 'patient-access-history-viewed',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      resultCount: 12,
    },
    {
      action: 'patient-objection-recorded',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      dissentId: 'dissent-2',
    },
    {
      action: 'patient-objection-withdrawn',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      dissentId: 'dissent-2',
    },
    {
      action: 'patient-permission-withdrawn',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      permissionId: 'perm-1',
    },
    {
      action: 'patient-concern-raised',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      concernId: 'concern-1',
      alertId: 'alert-2',
      entrySeq: 3,
      reasonCode: 'did-not-expect',
    },
    {
      action: 'patient-settings-changed',
      ...base(),
      actor: patientActor,
      outcome: 'success',
      nhsNumber: patientNhsNumber,
      emailKept: true,
      notifyEmergency: true,
      notifyNewOrganisation: false,
    },
    {
      action: 'patient-access-denied',
      ...base(),
      actor: patientActor,
      outcome: 'denied',
      nhsNumber: patientNhsNumber,
      attempted: 'access-history-proof',
      reasonCode: 'not-your-record',
    },
  ];
}
