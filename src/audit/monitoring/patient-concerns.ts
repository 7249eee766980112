/**
 * @module Concerns patients raise about a line of their access history: each goes into the privacy
 * alert review queue as a `patient-concern` alert on that audit entry (so the privacy officer sees
 * the entry attached), and the patient sees its status and the officer's outcome note.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { CONCERN_REASONS, type ConcernReason } from '../../shared/concern-reasons.ts';
import type { DatabaseSchema } from '../../store/schema.ts';

/** Why the patient is concerned (one list, in src/shared). */
export { CONCERN_REASONS, type ConcernReason } from '../../shared/concern-reasons.ts';

/** The privacy rule name a patient's concern is queued under. */
export const PATIENT_CONCERN_RULE = 'patient-concern';

const REASON_DETAIL: Readonly<Record<ConcernReason, string>> = {
  'do-not-know-organisation': 'Patient concern: does not know this organisation',
  'did-not-give-permission': 'Patient concern: did not give permission',
  'not-receiving-care': 'Patient concern: was not receiving care there',
  other: 'Patient concern: other',
};

/** A concern, with how its review stands. */
export interface PatientConcern {
  readonly id: string;
  readonly seq: number;
  readonly alertId: string;
  readonly reason: ConcernReason;
  readonly createdAt: string;
  readonly status: 'open' | 'reviewed';
  readonly outcome?: string | undefined;
  readonly note?: string | undefined;
}

export interface NewConcern {
  readonly id: string;
  readonly alertId: string;
}

export interface PatientConcerns {
  /** The ids a new concern will have (so its audit entry can name them before it is written). */
  prepare(): NewConcern;
  /** Writes the concern and its alert, in the caller's transaction (with its audit entry). */
  write(
    trx: Transaction<DatabaseSchema>,
    concern: NewConcern & {
      readonly nhsNumber: string;
      readonly seq: number;
      readonly userId: string;
      readonly occurredAt: string;
      readonly reason: ConcernReason;
    },
  ): Promise<void>;
  /** The patient's concerns, newest first. */
  listForPatient(nhsNumber: string): Promise<PatientConcern[]>;
}

export function createPatientConcerns(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): PatientConcerns {
  const { db, now } = deps;
  return {
    prepare() {
      return { id: randomUUID(), alertId: randomUUID() };
    },

    async write(trx, concern) {
      const at = now().toISOString();
      await trx
        .insertInto('privacy_alerts')
        .values({
          id: concern.alertId,
          rule: PATIENT_CONCERN_RULE,
          seq: concern.seq,
          user_id: concern.userId,
          nhs_number: concern.nhsNumber,
          occurred_at: concern.occurredAt,
          detail: REASON_DETAIL[concern.reason],
          created_at: at,
          status: 'open',
        })
        .execute();
      await trx
        .insertInto('patient_concerns')
        .values({
          id: concern.id,
          nhs_number: concern.nhsNumber,
          seq: concern.seq,
          alert_id: concern.alertId,
          reason_code: concern.reason,
          created_at: at,
        })
        .execute();
    },

    async listForPatient(nhsNumber) {
      const rows = await db
        .selectFrom('patient_concerns')
        .innerJoin('privacy_alerts', 'privacy_alerts.id', 'patient_concerns.alert_id')
        .select([
          'patient_concerns.id',
          'patient_concerns.seq',
          'patient_concerns.alert_id',
          'patient_concerns.reason_code',
          'patient_concerns.created_at',
          'privacy_alerts.status',
          'privacy_alerts.outcome',
          'privacy_alerts.note',
        ])
        .where('patient_concerns.nhs_number', '=', nhsNumber)
        .orderBy('patient_concerns.created_at', 'desc')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        seq: row.seq,
        alertId: row.alert_id,
        reason: CONCERN_REASONS.find((reason) => reason === row.reason_code) ?? 'other',
        createdAt: row.created_at,
        status: row.status === 'reviewed' ? 'reviewed' : 'open',
        outcome: row.outcome ?? undefined,
        note: row.note ?? undefined,
      }));
    },
  };
}
