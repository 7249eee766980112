/** @module Migration 0010: the audit trail's Merkle tree as tiles of hashes (`audit_tiles`), for SQLite and PostgreSQL. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { bigIntegerType } from './shared-columns.ts';

/**
 * Creates `audit_tiles`: one row per tile of the audit trail's Merkle tree (src/audit/merkle-tiles.ts),
 * keyed by level and index, its hashes concatenated (32 bytes each, 1–256 of them). Hashes only:
 * nothing of any entry but its SHA-256. Derived data, rebuilt from the entries when it is behind
 * them: a database from before this migration gets its tiles from the server's start-up catch-up
 * (src/audit/audit-tiles.ts), not here, so the migration stays quick whatever the trail's length.
 */
export function auditTilesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_tiles')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('tile_index', bigIntegerType(dialect), (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('hashes', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_tiles_pkey', ['level', 'tile_index'])
        .addCheckConstraint(
          'audit_tiles_shape',
          sql`level >= 0 and tile_index >= 0 and width between 1 and 256 and length(hashes) = 32 * width`,
        )
        .execute();
    },
  };
}
