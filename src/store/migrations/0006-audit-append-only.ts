/** @module Migration 0006: database triggers that make the audit tables append-only, for SQLite and PostgreSQL. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';

/** The audit tables nothing may update or delete from: rows are only ever inserted. */
export const APPEND_ONLY_TABLES = ['audit_entries', 'audit_checkpoints'] as const;

/** The trigger names this migration creates, per table (what a database owner would drop to tamper). */
export function appendOnlyTriggers(dialect: StoreDialect): readonly string[] {
  return APPEND_ONLY_TABLES.flatMap((table) =>
    dialect === 'postgres'
      ? [`${table}_append_only`, `${table}_no_truncate`]
      : [`${table}_no_update`, `${table}_no_delete`],
  );
}

/** The SQLite trigger refusing `action` on `table` (migration 0013 lifts and re-creates one). */
export function sqliteAppendOnlyTrigger(
  table: (typeof APPEND_ONLY_TABLES)[number],
  action: 'update' | 'delete',
): string {
  return `create trigger ${table}_no_${action} before ${action} on ${table}
                 begin select raise(abort, '${table} is append-only: ${action} refused'); end`;
}

/**
 * Refuses every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on the audit tables, whoever
 * runs it: nothing in the application updates or deletes an audit row, so any attempt is
 * tampering or a bug. A database owner can still drop the triggers; `mcr audit verify` and the
 * witness are what catch that (docs/security.md).
 */
export function auditAppendOnlyMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        for (const table of APPEND_ONLY_TABLES) {
          for (const action of ['update', 'delete'] as const) {
            await sql.raw(sqliteAppendOnlyTrigger(table, action)).execute(db);
          }
        }
        return;
      }
      // Created in the store's schema (the connection's search_path), so each schema has its own.
      await sql
        .raw(
          `create or replace function mcr_audit_append_only() returns trigger
           language plpgsql as $$
           begin
             raise exception '% is append-only: % refused', tg_table_name, lower(tg_op)
               using errcode = 'insufficient_privilege';
           end $$`,
        )
        .execute(db);
      for (const table of APPEND_ONLY_TABLES) {
        await sql
          .raw(
            `create trigger ${table}_append_only before update or delete on ${table}
             for each row execute function mcr_audit_append_only()`,
          )
          .execute(db);
        // TRUNCATE fires no row triggers: refuse it with a statement trigger of its own.
        await sql
          .raw(
            `create trigger ${table}_no_truncate before truncate on ${table}
             for each statement execute function mcr_audit_append_only()`,
          )
          .execute(db);
      }
    },
  };
}
