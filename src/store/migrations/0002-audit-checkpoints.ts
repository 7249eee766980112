/** @module Migration 0002: the audit trail's signed checkpoints (Merkle tree heads), for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType } from './shared-columns.ts';

/**
 * Creates `audit_checkpoints`: one row per signed tree head, keyed by the tree size it covers.
 * `frontier` is the writer's cache of perfect-subtree heads so the next checkpoint need not
 * re-read the whole trail; verification never trusts it.
 */
export function auditCheckpointsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', bigIntegerType(dialect), (c) => c.primaryKey())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('frontier', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
