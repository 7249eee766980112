/**
 * @module A patient's notification choices: whether to be told of emergency access and of a first
 * access by a new organisation, and the email address NHS login gave, kept only when they agree.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';

/** What a patient chose. Without a saved choice both kinds are on and no address is kept. */
export interface PatientSettings {
  readonly email?: string | undefined;
  readonly notifyEmergency: boolean;
  readonly notifyNewOrganisation: boolean;
}

export const DEFAULT_PATIENT_SETTINGS: PatientSettings = Object.freeze({
  notifyEmergency: true,
  notifyNewOrganisation: true,
});

/** The database connection to read through (a transaction, or the store's db). */
export type SettingsDb = Pick<Kysely<DatabaseSchema>, 'selectFrom'>;

/** The patient's settings, or the defaults when they never chose. */
export async function readPatientSettings(
  db: SettingsDb,
  nhsNumber: string,
): Promise<PatientSettings> {
  const row = await db
    .selectFrom('patient_settings')
    .selectAll()
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
  if (row === undefined) return DEFAULT_PATIENT_SETTINGS;
  return {
    ...(row.email === null ? {} : { email: row.email }),
    notifyEmergency: row.notify_emergency === 1,
    notifyNewOrganisation: row.notify_new_organisation === 1,
  };
}

/** Saves the patient's choices; `email` undefined removes any address kept. */
export async function savePatientSettings(
  db: Kysely<DatabaseSchema>,
  nhsNumber: string,
  settings: PatientSettings,
  at: Date,
): Promise<void> {
  const values = {
    email: settings.email ?? null,
    notify_emergency: settings.notifyEmergency ? 1 : 0,
    notify_new_organisation: settings.notifyNewOrganisation ? 1 : 0,
    updated_at: at.toISOString(),
  };
  await db
    .insertInto('patient_settings')
    .values({ nhs_number: nhsNumber, ...values })
    .onConflict((oc) => oc.column('nhs_number').doUpdateSet(values))
    .execute();
}
