/**
 * @module "Who has looked at my record": a patient's own access history from the audit trail, in
 * plain words — each view, emergency access, permission recorded or withdrawn, objection, and
 * access report produced, with organisation, role, the professional's name where the policy
 * allows, when, and on what basis. A refusal that is part of the normal journey (the record opened
 * before permission was recorded) is not shown as an attempt; one a privacy rule flagged is.
 * Each line names its audit entry, so the patient's browser can check its inclusion proof.
 */
import { isRole, roleDisplayName } from '../shared/roles.ts';
import type { AuditActor, AuditEvent } from './audit-event.ts';
import type { AuditLog, AuditRecord } from './audit-log.ts';
import type { PatientConcern } from './monitoring/patient-concerns.ts';
import type { PrivacyAlert } from './monitoring/privacy-alerts.ts';

/** What happened, as one line of the history. */
export const HISTORY_KINDS = [
  'record-viewed',
  'record-printed',
  'emergency-access',
  'permission-recorded',
  'permission-withdrawn',
  'objection-recorded',
  'objection-withdrawn',
  'access-report-produced',
  'refused-objection',
  'flagged-attempt',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** A concern the patient raised about a line, and how its review stands. */
export type HistoryConcern = Pick<PatientConcern, 'id' | 'status' | 'outcome' | 'note'>;

export interface HistoryLine {
  /** The audit entry (its proof: `GET /api/patient/access-history/{seq}/proof`). */
  readonly seq: number;
  readonly time: string;
  readonly kind: HistoryKind;
  /** The line in plain words. */
  readonly summary: string;
  readonly organisation?: { readonly odsCode: string; readonly name: string } | undefined;
  /** The professional's role in plain words. */
  readonly role?: string | undefined;
  /** The professional's name, when the policy lets patients see it. */
  readonly professional?: string | undefined;
  /** `your-permission` or `emergency`, for views and permissions. */
  readonly basis?: 'your-permission' | 'emergency' | undefined;
  /** The emergency's reason category in plain words. */
  readonly emergencyReason?: string | undefined;
  /** A privacy check flagged this for review: why, in plain words. */
  readonly flagged?: string | undefined;
  readonly concern?: HistoryConcern | undefined;
}

export interface AccessHistory {
  readonly from: string;
  readonly generatedAt: string;
  /** Newest first. */
  readonly lines: readonly HistoryLine[];
  readonly truncated: boolean;
}

const EMERGENCY_REASONS: Readonly<Record<string, string>> = {
  'patient-unconscious': 'you were unconscious',
  'lacks-capacity': 'you could not decide for yourself at the time',
  'life-threatening': 'your life was in danger',
  other: 'another emergency reason',
};

const FLAG_REASONS: Readonly<Record<string, string>> = {
  'emergency-access': 'emergency access is always checked by a privacy officer',
  'out-of-hours': 'it happened outside working hours',
  'view-spike': 'the person looked at many records in a short time',
  'same-surname': 'the person shares your surname',
  'shared-address': 'the person may live at your address',
  'own-record': 'the person may have looked at their own record',
  'restricted-patient': 'your record has extra protection',
  'patient-concern': 'you raised a concern about it',
};

export interface HistoryDeps {
  readonly organisationName: (ods: string) => string;
  /** Whether lines name the professional (the policy's `patient.professionalNames`). */
  readonly professionalNames: boolean;
  /** The reason category of an emergency permission, by permission id. */
  readonly emergencyReasonOf: (permissionId: string) => string | undefined;
}

function who(actor: AuditActor, deps: HistoryDeps) {
  return {
    organisation: { odsCode: actor.organisation, name: deps.organisationName(actor.organisation) },
    role: isRole(actor.role) ? roleDisplayName(actor.role) : 'Member of staff',
    ...(deps.professionalNames ? { professional: actor.displayName ?? actor.username } : {}),
  };
}

function emergencyReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : (EMERGENCY_REASONS[code] ?? 'an emergency reason');
}

/** One audit event as a history line, or undefined when it is not something to show. */
function lineOf(
  seq: number,
  event: AuditEvent,
  flagged: string | undefined,
  deps: HistoryDeps,
): Omit<HistoryLine, 'concern'> | undefined {
  const base = { seq, time: event.time, ...(flagged === undefined ? {} : { flagged }) };
  switch (event.action) {
    case 'record-view-started': {
      if (event.outcome !== 'success') return undefined;
      const emergency = event.basis.basis === 'emergency';
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'record-viewed',
        basis: emergency ? 'emergency' : 'your-permission',
        ...(emergency
          ? { emergencyReason: emergencyReason(deps.emergencyReasonOf(event.basis.permissionId)) }
          : {}),
        summary: emergency
          ? `${parts.organisation.name} looked at your record in an emergency.`
          : `${parts.organisation.name} looked at your record with your permission.`,
      };
    }
    case 'record-printed': {
      if (event.outcome !== 'success') return undefined;
      const emergency = event.basis.basis === 'emergency';
      const parts = who(event.actor, deps);
      const what = event.scope === 'summary' ? 'a summary of your record' : 'your record';
      return {
        ...base,
        ...parts,
        kind: 'record-printed',
        basis: emergency ? 'emergency' : 'your-permission',
        summary: emergency
          ? `${parts.organisation.name} printed ${what} in an emergency.`
          : `${parts.organisation.name} printed ${what} with your permission.`,
      };
    }
    case 'emergency-access': {
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'emergency-access',
        basis: 'emergency',
        emergencyReason: emergencyReason(event.reasonCode),
        summary: `${parts.organisation.name} recorded emergency access to your record, without asking you.`,
      };
    }
    case 'permission-granted': {
      if (event.basis !== 'consent') return undefined;
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'permission-recorded',
        basis: 'your-permission',
        summary: `${parts.organisation.name} recorded that you gave permission to look at your record.`,
      };
    }
    case 'permission-withdrawn': {
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'permission-withdrawn',
        summary: `${parts.organisation.name} ended a permission to look at your record.`,
      };
    }
    case 'patient-permission-withdrawn':
      return { ...base, kind: 'permission-withdrawn', summary: 'You withdrew a permission.' };
    case 'dissent-recorded': {
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'objection-recorded',
        summary: `${parts.organisation.name} recorded your objection to sharing through My Care Record.`,
      };
    }
    case 'dissent-revoked': {
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'objection-withdrawn',
        summary: `${parts.organisation.name} recorded that you withdrew your objection.`,
      };
    }
    case 'patient-objection-recorded':
      return {
        ...base,
        kind: 'objection-recorded',
        summary: 'You objected to sharing through My Care Record.',
      };
    case 'patient-objection-withdrawn':
      return { ...base, kind: 'objection-withdrawn', summary: 'You withdrew your objection.' };
    case 'audit-searched': {
      const parts = who(event.actor, deps);
      return {
        ...base,
        ...parts,
        kind: 'access-report-produced',
        summary: `A privacy officer at ${parts.organisation.name} looked up who has looked at your record.`,
      };
    }
    case 'access-denied': {
      if (event.actor === null) return undefined;
      const parts = who(event.actor, deps);
      if (event.reasonCode === 'dissent') {
        return {
          ...base,
          ...parts,
          kind: 'refused-objection',
          summary: `${parts.organisation.name} tried to open your record and was refused, because you have objected.`,
        };
      }
      // Opening the record before permission is recorded is the normal journey, not an attempt.
      if (flagged === undefined) return undefined;
      return {
        ...base,
        ...parts,
        kind: 'flagged-attempt',
        summary: `${parts.organisation.name} tried to open your record without a live permission and was refused.`,
      };
    }
    // Sign-ins, searches, the patient's own reading and choices, the parts of a view after its
    // start, and administration: not accesses to the record.
    case 'record-view-completed':
    case 'record-view-source':
    case 'emergency-access-reviewed':
    case 'privacy-alert-reviewed':
    case 'patient-search':
    case 'sign-in':
    case 'sign-in-failed':
    case 'sign-out':
    case 'session-expired':
    case 'user-created':
    case 'user-disabled':
    case 'patient-sign-in':
    case 'patient-sign-in-failed':
    case 'patient-sign-out':
    case 'patient-access-history-viewed':
    case 'patient-concern-raised':
    case 'patient-settings-changed':
    case 'patient-access-denied':
      return undefined;
  }
}

/** Builds the history from the patient's audit records, their privacy alerts and their concerns. */
export function accessHistoryFrom(
  records: readonly AuditRecord[],
  alerts: readonly PrivacyAlert[],
  concerns: ReadonlyMap<number, HistoryConcern>,
  deps: HistoryDeps,
  window: { readonly from: string; readonly generatedAt: string; readonly truncated: boolean },
): AccessHistory {
  const flags = new Map<number, string>();
  for (const alert of alerts) {
    // The patient's own concern is shown as the concern, not as a flag.
    if (alert.rule === 'patient-concern' || flags.has(alert.seq)) continue;
    flags.set(alert.seq, FLAG_REASONS[alert.rule] ?? 'a privacy check flagged it');
  }
  const lines: HistoryLine[] = [];
  for (const record of records) {
    const line = lineOf(record.seq, record.entry.event, flags.get(record.seq), deps);
    if (line === undefined) continue;
    const concern = concerns.get(record.seq);
    lines.push(concern === undefined ? line : { ...line, concern });
  }
  lines.sort((a, b) => b.seq - a.seq);
  return { ...window, lines };
}

/** Reads the patient's audit entries since `from` (in pages, at most `limit`). */
export async function readPatientRecords(
  audit: Pick<AuditLog, 'list'>,
  nhsNumber: string,
  from: string,
  limit = 10_000,
): Promise<{ records: AuditRecord[]; truncated: boolean }> {
  const records: AuditRecord[] = [];
  let afterSeq: number | undefined;
  for (;;) {
    const page = await audit.list({
      nhsNumber,
      from,
      limit: 1000,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    records.push(...page);
    if (page.length < 1000) return { records, truncated: false };
    if (records.length >= limit) return { records, truncated: true };
    afterSeq = page[page.length - 1]?.seq;
  }
}

/** Whether a history line of this audit entry would be shown to the patient. */
export function isShownToPatient(
  record: AuditRecord,
  flagged: boolean,
  deps: HistoryDeps,
): boolean {
  return (
    lineOf(record.seq, record.entry.event, flagged ? 'flagged' : undefined, deps) !== undefined
  );
}
