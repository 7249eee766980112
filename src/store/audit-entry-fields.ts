/**
 * @module The audit entry fields that search filters on, as SQL expressions over the stored entry
 * JSON, per dialect. Migration 0005 indexes exactly these expressions and the audit log queries
 * with them: one definition, so an index always serves its query.
 */
import type { StoreDialect } from './store.ts';

/** The fields audit search filters on; each has an expression index (migrations 0005, 0011). */
export type AuditFilterField =
  'nhsNumber' | 'userId' | 'username' | 'action' | 'organisation' | 'outcome';

// Constant JSON paths into the stored entry (never built from input). Migrations 0005 and 0011
// index exactly these expressions: change one and the index no longer serves it.
export const AUDIT_FILTER_PATHS: Record<
  AuditFilterField,
  { readonly sqlite: string; readonly postgres: string }
> = {
  nhsNumber: { sqlite: "'$.event.nhsNumber'", postgres: "'{event,nhsNumber}'" },
  userId: { sqlite: "'$.event.actor.userId'", postgres: "'{event,actor,userId}'" },
  username: { sqlite: "'$.event.actor.username'", postgres: "'{event,actor,username}'" },
  action: { sqlite: "'$.event.action'", postgres: "'{event,action}'" },
  organisation: {
    sqlite: "'$.event.actor.organisation'",
    postgres: "'{event,actor,organisation}'",
  },
  outcome: { sqlite: "'$.event.outcome'", postgres: "'{event,outcome}'" },
};

/** The SQL expression for one filter field on this dialect (shared with the index migration). */
export function auditFilterExpression(dialect: StoreDialect, field: AuditFilterField): string {
  const path = AUDIT_FILTER_PATHS[field];
  return dialect === 'postgres'
    ? `(entry::jsonb #>> ${path.postgres})`
    : `json_extract(entry, ${path.sqlite})`;
}
