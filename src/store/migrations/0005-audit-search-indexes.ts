/** @module Migration 0005: expression indexes for audit search (patient, user, action, organisation, outcome), for SQLite and PostgreSQL. */
import { sql, type Kysely, type Migration } from 'kysely';
import {
  AUDIT_FILTER_PATHS,
  auditFilterExpression,
  type AuditFilterField,
} from '../audit-entry-fields.ts';
import type { StoreDialect } from '../store.ts';

/**
 * Indexes each field audit search filters on, as the very expression the audit log queries with,
 * followed by `seq` so the newest matching entries come straight off the index. Nothing is
 * rewritten or back-filled: the stored entries (and their hashes) stay exactly as they were.
 */
export function auditSearchIndexesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const field of Object.keys(AUDIT_FILTER_PATHS) as AuditFilterField[]) {
        await sql`create index if not exists ${sql.id(indexName(field))} on audit_entries (${sql.raw(auditFilterExpression(dialect, field))}, seq)`.execute(
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
