/** @module Migration 0008: patients' own sessions, settings and concerns, and the durable notification queue, for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType } from './shared-columns.ts';

/**
 * Creates `patient_sessions` (sessions of patients signed in through NHS login, apart from staff
 * sessions so no staff route can resolve one), `patient_settings` (notification choices and the
 * email address a patient agreed we keep), `patient_concerns` (a concern raised about one audit
 * entry, linked to its privacy alert), `notifications` (the queue, written in the audit entry's
 * transaction) and `patient_organisations_seen` (which organisations have opened a patient's
 * record, so a first access is recognised). Ids, codes, times and addresses only.
 */
export function patientPortalMigration(dialect: StoreDialect): Migration {
  const seqType = bigIntegerType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('patient_sessions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('proofing_level', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('patient_settings')
        .ifNotExists()
        .addColumn('nhs_number', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text')
        .addColumn('notify_emergency', 'integer', (c) => c.notNull())
        .addColumn('notify_new_organisation', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('patient_concerns')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('seq', seqType, (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('patient_concerns_patient')
        .ifNotExists()
        .on('patient_concerns')
        .columns(['nhs_number', 'created_at'])
        .execute();

      await db.schema
        .createTable('notifications')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('seq', seqType, (c) => c.notNull())
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notifications_due')
        .ifNotExists()
        .on('notifications')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notifications_kind_seq_channel')
        .ifNotExists()
        .on('notifications')
        .columns(['kind', 'seq', 'channel'])
        .unique()
        .execute();

      await db.schema
        .createTable('patient_organisations_seen')
        .ifNotExists()
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('first_seq', seqType, (c) => c.notNull())
        .addPrimaryKeyConstraint('patient_organisations_seen_pk', ['nhs_number', 'organisation'])
        .execute();
    },
  };
}
