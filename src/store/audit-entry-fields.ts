/**
 * @module The audit entry fields that search filters on: the plain columns of `audit_entries` that
 * hold them (migration 0013, filled at append from the entry written, indexed with `seq`), where
 * each is found in the entry's JSON, and the one function that reads a field's value from an
 * entry's event — used by the append, by `mcr audit verify` to check a row's columns against its
 * JSON, and (as SQL over the same paths) by the migration's back-fill. One definition, so a
 * column always holds what the JSON says.
 */
import type { StoreDialect } from './store.ts';

/** The fields audit search filters on; each has a column and an index (migration 0013). */
export type AuditFilterField =
  'nhsNumber' | 'userId' | 'username' | 'action' | 'organisation' | 'outcome';

/** Every filter field, in a fixed order (the order of the columns in the append's statements). */
export const AUDIT_FILTER_FIELDS: readonly AuditFilterField[] = [
  'nhsNumber',
  'userId',
  'username',
  'action',
  'organisation',
  'outcome',
];

/** The column of `audit_entries` that holds each field (constant, never built from input). */
export const AUDIT_FILTER_COLUMNS = {
  nhsNumber: 'nhs_number',
  userId: 'user_id',
  username: 'username',
  action: 'action',
  organisation: 'organisation',
  outcome: 'outcome',
} as const satisfies Record<AuditFilterField, string>;

/** A search column's name. */
export type AuditFilterColumn = (typeof AUDIT_FILTER_COLUMNS)[AuditFilterField];

/** Where each field is inside the entry's event (`entry.event`). */
const EVENT_PATHS: Record<AuditFilterField, readonly string[]> = {
  nhsNumber: ['nhsNumber'],
  userId: ['actor', 'userId'],
  username: ['actor', 'username'],
  action: ['action'],
  organisation: ['actor', 'organisation'],
  outcome: ['outcome'],
};

// Constant JSON paths into the stored entry (never built from input). Migrations 0005 and 0011
// indexed exactly these expressions (dropped by 0013); 0013 back-fills the columns from them.
export const AUDIT_FILTER_PATHS: Record<
  AuditFilterField,
  { readonly sqlite: string; readonly postgres: string }
> = Object.fromEntries(
  AUDIT_FILTER_FIELDS.map((field) => {
    const path = ['event', ...EVENT_PATHS[field]];
    return [field, { sqlite: `'$.${path.join('.')}'`, postgres: `'{${path.join(',')}}'` }];
  }),
) as Record<AuditFilterField, { readonly sqlite: string; readonly postgres: string }>;

/** The SQL search filters on for one field: its column (served by migration 0013's index). */
export function auditFilterExpression(_dialect: StoreDialect, field: AuditFilterField): string {
  return AUDIT_FILTER_COLUMNS[field];
}

/**
 * The field as an SQL expression over the entry's JSON, per dialect: what migrations 0005 and 0011
 * indexed (so they stay as they were applied), and, guarded to strings, what 0013 back-fills from.
 */
export function auditFilterJsonExpression(dialect: StoreDialect, field: AuditFilterField): string {
  const path = AUDIT_FILTER_PATHS[field];
  return dialect === 'postgres'
    ? `(entry::jsonb #>> ${path.postgres})`
    : `json_extract(entry, ${path.sqlite})`;
}

/**
 * The back-fill's value of a field for a stored row (or any SQL text expression `source` holding an
 * entry's JSON): the JSON's value when it is a string, else null — as {@link auditEntryColumns}
 * reads it.
 */
export function auditFilterBackfillExpression(
  dialect: StoreDialect,
  field: AuditFilterField,
  source = 'entry',
): string {
  const path = AUDIT_FILTER_PATHS[field];
  return dialect === 'postgres'
    ? `case when jsonb_typeof(${source}::jsonb #> ${path.postgres}) = 'string' then ${source}::jsonb #>> ${path.postgres} end`
    : `case when json_type(${source}, ${path.sqlite}) = 'text' then json_extract(${source}, ${path.sqlite}) end`;
}

/** A row's search columns: each field's string value in its entry, or null where it has none. */
export type AuditEntryColumns = Readonly<Record<AuditFilterColumn, string | null>>;

/**
 * The search columns of an entry whose event is `event` (the validated event at append, the parsed
 * `entry.event` at verify): each field's value where it is a string, null otherwise.
 */
export function auditEntryColumns(event: unknown): AuditEntryColumns {
  const columns: Record<string, string | null> = {};
  for (const field of AUDIT_FILTER_FIELDS) {
    let value: unknown = event;
    for (const key of EVENT_PATHS[field]) {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    columns[AUDIT_FILTER_COLUMNS[field]] = typeof value === 'string' ? value : null;
  }
  return columns as AuditEntryColumns;
}

/** The search columns of a stored entry's canonical JSON (for tests and tools that write rows). */
export function auditEntryColumnsOfJson(entryJson: string): AuditEntryColumns {
  const parsed = JSON.parse(entryJson) as unknown;
  const event =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)['event']
      : undefined;
  return auditEntryColumns(event);
}
