/** @module Migration 0004: the privacy alert review queue and the privacy monitor's place in the audit trail, for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType, reviewColumns } from './shared-columns.ts';

/**
 * Creates `privacy_alerts`: one row per alert a privacy-monitoring rule raised, keyed by a uuid and
 * unique by rule and triggering audit entry (so evaluating an entry twice raises nothing twice);
 * and `privacy_monitor_state`: the last audit entry the monitor evaluated, so a restart resumes
 * where it stopped. Ids, codes and times only: no clinical content.
 */
export function privacyAlertsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('privacy_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('seq', bigIntegerType(dialect), (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('nhs_number', 'text')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .$call(reviewColumns)
        .execute();
      await db.schema
        .createIndex('privacy_alerts_rule_seq')
        .on('privacy_alerts')
        .columns(['rule', 'seq'])
        .unique()
        .execute();
      await db.schema
        .createIndex('privacy_alerts_status')
        .on('privacy_alerts')
        .columns(['status', 'created_at'])
        .execute();

      await db.schema
        .createTable('privacy_monitor_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', bigIntegerType(dialect), (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
