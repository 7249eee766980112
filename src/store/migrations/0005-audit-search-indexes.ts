/** @module Migration 0005: expression indexes for audit search (patient, user, action, organisation, outcome), for SQLite and PostgreSQL. */
import { sql, type Kysely, type Migration } from 'kysely';
import { auditFilterJsonExpression, type AuditFilterField } from '../audit-entry-fields.ts';
import type { StoreDialect } from '../store.ts';

/**
 * Indexes each field audit search filters on, as the very expression the audit log queried with
 * (until migration 0013 moved search to plain columns and dropped these indexes),
 * followed by `seq` so the newest matching entries come straight off the index. Nothing is
 * rewritten or back-filled: the stored entries (and their hashes) stay exactly as they were.
 */
export function auditSearchIndexesMigration(dialect: StoreDialect): Migration {
  return auditFilterIndexes(dialect, ['nhsNumber', 'userId', 'action', 'organisation', 'outcome']);
}

/** A migration creating the search index of each named field (the fields fixed when written). */
export function auditFilterIndexes(
  dialect: StoreDialect,
  fields: readonly AuditFilterField[],
): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const field of fields) {
        await sql`create index if not exists ${sql.id(indexName(field))} on audit_entries (${sql.raw(auditFilterJsonExpression(dialect, field))}, seq)`.execute(
          db,
        );
      }
    },
  };
}

/** `audit_entries_by_nhs_number`, … */
export function indexName(field: AuditFilterField): string {
  return `audit_entries_by_${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}
