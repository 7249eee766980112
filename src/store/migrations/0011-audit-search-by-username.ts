/** @module Migration 0011: audit search by the actor's username (as recorded at the time), indexed like the other filters. */
import type { Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { auditFilterIndexes } from './0005-audit-search-indexes.ts';

/** The username index; nothing is rewritten, the stored entries and their hashes stay as they were. */
export function auditSearchByUsernameMigration(dialect: StoreDialect): Migration {
  return auditFilterIndexes(dialect, ['username']);
}
