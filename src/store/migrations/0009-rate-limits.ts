/** @module Migration 0009: shared rate-limit counters, and sign-in failures keyed by address instead of username, for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType } from './shared-columns.ts';

/**
 * Creates `rate_limit_counters`: one row per limited key (an address and what it was doing, or one
 * key for all addresses), shared by every server instance on the database; rows whose window has
 * passed are deleted as new ones arrive. Re-creates `login_failures` keyed by (address, slot),
 * where the slot is a hash of the username into a fixed, small range: an attacker's failures lock
 * only their own address, and inventing usernames adds no rows. Old rows (keyed by username alone)
 * are dropped with the table: at worst a lock in force lifts early.
 */
export function rateLimitsMigration(dialect: StoreDialect): Migration {
  const millis = bigIntegerType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rate_limit_counters')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addColumn('window_ms', millis, (c) => c.notNull())
        .addColumn('resets_at_ms', millis, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('rate_limit_counters_resets_at')
        .on('rate_limit_counters')
        .column('resets_at_ms')
        .execute();

      await db.schema.dropTable('login_failures').execute();
      await db.schema
        .createTable('login_failures')
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('slot', 'integer', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failure_at', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addPrimaryKeyConstraint('login_failures_pkey', ['address', 'slot'])
        .execute();
      await db.schema
        .createIndex('login_failures_first_failure_at')
        .on('login_failures')
        .column('first_failure_at')
        .execute();
    },
  };
}
