/**
 * @module What a patient signed in through NHS login may do, on their own record only: read who
 * has looked at it (each line with its audit proof), object to sharing or withdraw the objection,
 * see and withdraw live permissions, raise a concern about a line, and choose notifications.
 * Nothing here reaches a clinical source. Every action is audited with the patient as actor, and
 * every change of state commits with its audit entry or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Patient } from '../access/nhs-login/patient-sessions.ts';
import type { PatientAction } from '../access/policy/policy-schema.ts';
import type { Policy } from '../access/policy/policy.ts';
import type { AuditClient, AuditEvent, AuditPatientActor } from '../audit/audit-event.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditProofs, EntryProof } from '../audit/audit-proofs.ts';
import {
  PATIENT_CONCERN_RULE,
  type ConcernReason,
  type PatientConcern,
  type PatientConcerns,
} from '../audit/monitoring/patient-concerns.ts';
import type { PrivacyAlerts } from '../audit/monitoring/privacy-alerts.ts';
import {
  accessHistoryFrom,
  isShownToPatient,
  readPatientRecords,
  type AccessHistory,
  type HistoryConcern,
  type HistoryDeps,
} from '../audit/patient-access-history.ts';
import { isLive } from '../consent/permission.ts';
import type { Permissions } from '../consent/permissions.ts';
import {
  readPatientSettings,
  savePatientSettings,
  type PatientSettings,
} from '../notifications/patient-settings.ts';
import type { DatabaseSchema } from '../store/schema.ts';

/** Why a patient's request was refused. */
export class PatientRequestRefused extends Error {
  readonly reason: 'not-allowed' | 'not-found' | 'conflict';
  constructor(reason: 'not-allowed' | 'not-found' | 'conflict', message: string) {
    super(message);
    this.name = 'PatientRequestRefused';
    this.reason = reason;
  }
}

/** Who is asking, for the audit. */
export interface PatientRequest {
  readonly patient: Patient;
  readonly requestId: string;
  readonly client: AuditClient;
}

/** A live permission, as the patient sees it. */
export interface PatientPermissionView {
  readonly id: string;
  readonly organisation: { readonly odsCode: string; readonly name: string };
  readonly basis: 'your-permission' | 'emergency';
  readonly covers: 'one-professional' | 'whole-organisation';
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface PatientPortal {
  accessHistory(request: PatientRequest): Promise<AccessHistory>;
  /** The inclusion proof of one line of the patient's own history. */
  proof(request: PatientRequest, seq: number): Promise<EntryProof & { publicKey: string }>;
  objection(request: PatientRequest): Promise<{ objected: boolean; since?: string | undefined }>;
  recordObjection(request: PatientRequest): Promise<{ since: string }>;
  withdrawObjection(request: PatientRequest): Promise<void>;
  livePermissions(request: PatientRequest): Promise<PatientPermissionView[]>;
  withdrawPermission(request: PatientRequest, permissionId: string): Promise<void>;
  raiseConcern(
    request: PatientRequest,
    seq: number,
    reason: ConcernReason,
  ): Promise<PatientConcern>;
  concerns(request: PatientRequest): Promise<PatientConcern[]>;
  settings(request: PatientRequest): Promise<PatientSettings & { offeredEmail?: string }>;
  saveSettings(
    request: PatientRequest,
    choice: {
      readonly keepEmail: boolean;
      readonly notifyEmergency: boolean;
      readonly notifyNewOrganisation: boolean;
    },
  ): Promise<PatientSettings>;
}

export interface PatientPortalDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly audit: AuditLog;
  readonly proofs: AuditProofs;
  readonly permissions: Permissions;
  readonly alerts: PrivacyAlerts;
  readonly concerns: PatientConcerns;
  readonly policy: Policy;
  readonly organisationName: (ods: string) => string;
  readonly now: () => Date;
}

const HISTORY_MONTHS = 12;

export function createPatientPortal(deps: PatientPortalDeps): PatientPortal {
  const { audit, now, policy, permissions } = deps;

  function actor(patient: Patient): AuditPatientActor {
    return { type: 'patient', nhsNumber: patient.nhsNumber, proofingLevel: patient.proofingLevel };
  }

  function common(request: PatientRequest) {
    return {
      time: now().toISOString(),
      requestId: request.requestId,
      client: request.client,
      actor: actor(request.patient),
      nhsNumber: request.patient.nhsNumber,
    };
  }

  async function require(request: PatientRequest, action: PatientAction): Promise<void> {
    if (policy.patientMay(action)) return;
    await audit.append({
      ...common(request),
      action: 'patient-access-denied',
      outcome: 'denied',
      attempted: action,
      reasonCode: 'role-not-allowed',
    });
    throw new PatientRequestRefused('not-allowed', 'The access policy does not allow this.');
  }

  /** Enough to decide whether a line is shown (its wording is not needed). */
  const lineDeps: HistoryDeps = {
    organisationName: deps.organisationName,
    professionalNames: policy.patientSeesProfessionalNames,
    emergencyReasonOf: () => undefined,
  };

  function since(): string {
    const from = now();
    from.setUTCMonth(from.getUTCMonth() - HISTORY_MONTHS);
    return from.toISOString();
  }

  /** The patient's audit entry `seq`, if it is one of their history's lines. */
  async function ownLine(request: PatientRequest, seq: number) {
    const [record] = await audit.list({
      nhsNumber: request.patient.nhsNumber,
      afterSeq: seq - 1,
      beforeSeq: seq + 1,
      limit: 1,
    });
    if (record === undefined) return undefined;
    const alerts = await deps.alerts.listForPatient(request.patient.nhsNumber);
    const flagged = alerts.some((a) => a.seq === seq && a.rule !== PATIENT_CONCERN_RULE);
    return isShownToPatient(record, flagged, lineDeps) ? record : undefined;
  }

  async function refuseLine(request: PatientRequest, attempted: string): Promise<never> {
    await audit.append({
      ...common(request),
      action: 'patient-access-denied',
      outcome: 'denied',
      attempted,
      reasonCode: 'not-in-own-history',
    });
    throw new PatientRequestRefused('not-found', 'There is no such line in your access history.');
  }

  return {
    async accessHistory(request) {
      await require(request, 'see-access-history');
      const nhsNumber = request.patient.nhsNumber;
      const from = since();
      const { records, truncated } = await readPatientRecords(audit, nhsNumber, from);
      const [alerts, concerns, granted] = await Promise.all([
        deps.alerts.listForPatient(nhsNumber),
        deps.concerns.listForPatient(nhsNumber),
        permissions.listForPatient(nhsNumber),
      ]);
      const byId = new Map(granted.map((p) => [p.id, p]));
      const concernBySeq = new Map<number, HistoryConcern>();
      for (const concern of concerns) {
        if (concernBySeq.has(concern.seq)) continue;
        concernBySeq.set(concern.seq, {
          id: concern.id,
          status: concern.status,
          outcome: concern.outcome,
          note: concern.note,
        });
      }
      const history = accessHistoryFrom(
        records,
        alerts,
        concernBySeq,
        {
          organisationName: deps.organisationName,
          professionalNames: policy.patientSeesProfessionalNames,
          emergencyReasonOf: (id) => byId.get(id)?.reasonCode,
        },
        { from, generatedAt: now().toISOString(), truncated },
      );
      await audit.append({
        ...common(request),
        action: 'patient-access-history-viewed',
        outcome: 'success',
        resultCount: history.lines.length,
      });
      return history;
    },

    async proof(request, seq) {
      await require(request, 'see-access-history');
      const record = await ownLine(request, seq);
      if (record === undefined) return refuseLine(request, 'access-history-proof');
      const result = await deps.proofs.proofFor(seq);
      if (!result.ok) {
        throw new PatientRequestRefused('not-found', 'This line cannot be checked just now.');
      }
      await audit.append({
        ...common(request),
        action: 'patient-access-history-viewed',
        outcome: 'success',
        resultCount: 1,
        entrySeq: seq,
      });
      return { ...result.proof, publicKey: deps.proofs.publicKeyPem };
    },

    async objection(request) {
      const live = (await permissions.listDissents(request.patient.nhsNumber)).find(
        (d) => d.revokedAt === undefined,
      );
      return live === undefined ? { objected: false } : { objected: true, since: live.createdAt };
    },

    async recordObjection(request) {
      await require(request, 'object-to-sharing');
      const nhsNumber = request.patient.nhsNumber;
      const existing = (await permissions.listDissents(nhsNumber)).find(
        (d) => d.revokedAt === undefined,
      );
      if (existing !== undefined) return { since: existing.createdAt };
      const id = randomUUID();
      const at = now().toISOString();
      const event: AuditEvent = {
        ...common(request),
        action: 'patient-objection-recorded',
        outcome: 'success',
        dissentId: id,
      };
      await audit.appendWith(async (trx) => {
        await trx
          .insertInto('dissents')
          .values({
            id,
            nhs_number: nhsNumber,
            // The patient themselves, not a member of staff.
            recorded_by: `patient:${nhsNumber}`,
            created_at: at,
            revoked_at: null,
            revoked_by: null,
          })
          .execute();
        return { result: undefined, events: [event] };
      });
      return { since: at };
    },

    async withdrawObjection(request) {
      await require(request, 'object-to-sharing');
      const nhsNumber = request.patient.nhsNumber;
      const live = (await permissions.listDissents(nhsNumber)).filter(
        (d) => d.revokedAt === undefined,
      );
      if (live.length === 0) {
        throw new PatientRequestRefused('not-found', 'You have not objected.');
      }
      const at = now().toISOString();
      for (const dissent of live) {
        await audit.appendWith(async (trx) => {
          await trx
            .updateTable('dissents')
            .set({ revoked_at: at, revoked_by: `patient:${nhsNumber}` })
            .where('id', '=', dissent.id)
            .where('revoked_at', 'is', null)
            .execute();
          return {
            result: undefined,
            events: [
              {
                ...common(request),
                action: 'patient-objection-withdrawn',
                outcome: 'success',
                dissentId: dissent.id,
              },
            ],
          };
        });
      }
    },

    async livePermissions(request) {
      const at = now();
      const all = await permissions.listForPatient(request.patient.nhsNumber);
      return all
        .filter((p) => isLive(p, at))
        .map((p) => ({
          id: p.id,
          organisation: { odsCode: p.organisation, name: deps.organisationName(p.organisation) },
          basis: p.basis === 'emergency' ? ('emergency' as const) : ('your-permission' as const),
          covers:
            p.scope === 'user' ? ('one-professional' as const) : ('whole-organisation' as const),
          createdAt: p.createdAt,
          expiresAt: p.expiresAt,
        }));
    },

    async withdrawPermission(request, permissionId) {
      await require(request, 'withdraw-permission');
      const permission = await permissions.get(permissionId);
      if (
        permission === undefined ||
        permission.nhsNumber !== request.patient.nhsNumber ||
        !isLive(permission, now())
      ) {
        return refuseLine(request, 'permission-withdraw');
      }
      const at = now().toISOString();
      await audit.appendWith(async (trx) => {
        await trx
          .updateTable('permissions')
          .set({ withdrawn_at: at, withdrawn_by: `patient:${request.patient.nhsNumber}` })
          .where('id', '=', permissionId)
          .where('withdrawn_at', 'is', null)
          .execute();
        return {
          result: undefined,
          events: [
            {
              ...common(request),
              action: 'patient-permission-withdrawn',
              outcome: 'success',
              permissionId,
            },
          ],
        };
      });
    },

    async raiseConcern(request, seq, reason) {
      await require(request, 'raise-concern');
      const record = await ownLine(request, seq);
      if (record === undefined) return refuseLine(request, 'concern-raise');
      const nhsNumber = request.patient.nhsNumber;
      const existing = (await deps.concerns.listForPatient(nhsNumber)).find((c) => c.seq === seq);
      if (existing !== undefined) {
        throw new PatientRequestRefused(
          'conflict',
          'You have already raised a concern about this.',
        );
      }
      const event = record.entry.event;
      const userId =
        event.actor !== null && !('type' in event.actor) ? event.actor.userId : 'unknown';
      const ids = deps.concerns.prepare();
      await audit.appendWith(async (trx) => {
        await deps.concerns.write(trx, {
          ...ids,
          nhsNumber,
          seq,
          userId,
          occurredAt: event.time,
          reason,
        });
        return {
          result: undefined,
          events: [
            {
              ...common(request),
              action: 'patient-concern-raised',
              outcome: 'success',
              concernId: ids.id,
              alertId: ids.alertId,
              entrySeq: seq,
              reasonCode: reason,
            },
          ],
        };
      });
      const created = (await deps.concerns.listForPatient(nhsNumber)).find((c) => c.id === ids.id);
      if (created === undefined) throw new Error('concern not found after writing it');
      return created;
    },

    async concerns(request) {
      return deps.concerns.listForPatient(request.patient.nhsNumber);
    },

    async settings(request) {
      const saved = await readPatientSettings(deps.db, request.patient.nhsNumber);
      const offered = request.patient.email;
      return { ...saved, ...(offered === undefined ? {} : { offeredEmail: offered }) };
    },

    async saveSettings(request, choice) {
      await require(request, 'manage-notifications');
      const nhsNumber = request.patient.nhsNumber;
      const current = await readPatientSettings(deps.db, nhsNumber);
      // Keep the address NHS login gave this session, or the one already kept; never one typed in.
      const email = choice.keepEmail ? (request.patient.email ?? current.email) : undefined;
      const settings: PatientSettings = {
        ...(email === undefined ? {} : { email }),
        notifyEmergency: choice.notifyEmergency,
        notifyNewOrganisation: choice.notifyNewOrganisation,
      };
      const at = now();
      await audit.appendWith(async (trx) => {
        await savePatientSettings(trx, nhsNumber, settings, at);
        return {
          result: undefined,
          events: [
            {
              ...common(request),
              action: 'patient-settings-changed',
              outcome: 'success',
              emailKept: email !== undefined,
              notifyEmergency: settings.notifyEmergency,
              notifyNewOrganisation: settings.notifyNewOrganisation,
            },
          ],
        };
      });
      return settings;
    },
  };
}
