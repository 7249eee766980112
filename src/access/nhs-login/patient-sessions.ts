/**
 * @module Sessions of patients signed in through NHS login, in their own table: a staff route
 * looks only at staff sessions, so a patient's session can never pass for a professional's.
 * The token lives only in the patient's cookie; the database holds its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProofingLevel } from '../../config/config-schema.ts';
import { PROOFING_LEVELS } from '../../config/config-schema.ts';
import type { DatabaseSchema } from '../../store/schema.ts';
import { LAST_SEEN_WRITE_INTERVAL_MS } from '../sessions.ts';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The patient a session belongs to. */
export interface Patient {
  readonly nhsNumber: string;
  readonly subject: string;
  readonly proofingLevel: ProofingLevel;
  /** NHS login's verified email, for the session only (kept longer only if the patient agrees). */
  readonly email?: string | undefined;
}

/** A live patient session. */
export interface PatientSession {
  readonly patient: Patient;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export type ResolvedPatientSession = PatientSession | { readonly expired: 'idle' | 'absolute' };

export interface PatientSessions {
  /** Starts a session at sign-in (a fresh token each time). */
  create(patient: Patient): Promise<{ token: string; csrfToken: string; expiresAt: Date }>;
  /** The session for a token, refreshing its idle timer; undefined when unknown. */
  resolve(token: string | undefined): Promise<ResolvedPatientSession | undefined>;
  destroy(token: string | undefined): Promise<void>;
}

function idFor(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createPatientSessions(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  readonly idleTimeoutMinutes: number;
  readonly absoluteTimeoutHours: number;
}): PatientSessions {
  const { db, now } = deps;
  const idleMs = deps.idleTimeoutMinutes * 60_000;
  const absoluteMs = deps.absoluteTimeoutHours * 3_600_000;
  // As for staff sessions: a burst of requests costs one durable write of the idle timer.
  const lastSeenWriteMs = Math.min(LAST_SEEN_WRITE_INTERVAL_MS, idleMs / 10);

  return {
    async create(patient) {
      const at = now();
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(at.getTime() + absoluteMs);
      await db.deleteFrom('patient_sessions').where('expires_at', '<=', at.toISOString()).execute();
      await db
        .insertInto('patient_sessions')
        .values({
          id: idFor(token),
          nhs_number: patient.nhsNumber,
          subject: patient.subject,
          proofing_level: patient.proofingLevel,
          email: patient.email ?? null,
          csrf_token: csrfToken,
          created_at: at.toISOString(),
          last_seen_at: at.toISOString(),
          expires_at: expiresAt.toISOString(),
        })
        .execute();
      return { token, csrfToken, expiresAt };
    },

    async resolve(token) {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return undefined;
      const id = idFor(token);
      const row = await db
        .selectFrom('patient_sessions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const at = now();
      if (at.getTime() >= Date.parse(row.expires_at)) {
        await db.deleteFrom('patient_sessions').where('id', '=', id).execute();
        return { expired: 'absolute' };
      }
      if (at.getTime() - Date.parse(row.last_seen_at) >= idleMs) {
        await db.deleteFrom('patient_sessions').where('id', '=', id).execute();
        return { expired: 'idle' };
      }
      const proofingLevel = PROOFING_LEVELS.find((level) => level === row.proofing_level);
      if (proofingLevel === undefined) return undefined;
      // The idle timer runs from the stored time; refreshed at most every lastSeenWriteMs.
      if (at.getTime() - Date.parse(row.last_seen_at) >= lastSeenWriteMs) {
        await db
          .updateTable('patient_sessions')
          .set({ last_seen_at: at.toISOString() })
          .where('id', '=', id)
          .execute();
      }
      return {
        patient: {
          nhsNumber: row.nhs_number,
          subject: row.subject,
          proofingLevel,
          ...(row.email === null ? {} : { email: row.email }),
        },
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_at),
      };
    },

    async destroy(token) {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return;
      await db.deleteFrom('patient_sessions').where('id', '=', idFor(token)).execute();
    },
  };
}
