/** @module Migration 0001: the initial tables of src/store/schema.ts, for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType, expiresAtIndex, reviewColumns } from './shared-columns.ts';

/**
 * Creates every table. Times are ISO-8601 text; flags are integers (0/1) on both dialects.
 * `audit_entries.seq` is assigned by the appender, never by the database, so a gap shows.
 */
export function initialMigration(dialect: StoreDialect): Migration {
  // SQLite: exactly `integer primary key` makes seq the rowid alias (compact); SQLite would
  // number a row itself only if an insert left seq out, which the appender never does.
  const seqType = bigIntegerType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('sds_user_id', 'text')
        .addColumn('sds_role_profile_id', 'text')
        .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
      await expiresAtIndex(db, 'sessions').execute();

      await db.schema
        .createTable('login_failures')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failure_at', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .execute();

      await db.schema
        .createTable('permissions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('given_by', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('reason', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('withdrawn_at', 'text')
        .addColumn('withdrawn_by', 'text')
        .execute();
      await db.schema
        .createIndex('permissions_nhs_number')
        .on('permissions')
        .column('nhs_number')
        .execute();
      await db.schema
        .createIndex('permissions_user_id')
        .on('permissions')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('dissents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .execute();
      await db.schema
        .createIndex('dissents_nhs_number')
        .on('dissents')
        .column('nhs_number')
        .execute();

      // One review per emergency permission: its primary key is also the lookup index.
      await db.schema
        .createTable('emergency_reviews')
        .addColumn('permission_id', 'text', (c) => c.primaryKey().references('permissions.id'))
        .$call(reviewColumns)
        .execute();

      await db.schema
        .createTable('audit_entries')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_entries_recorded_at')
        .on('audit_entries')
        .column('recorded_at')
        .execute();
    },
  };
}
