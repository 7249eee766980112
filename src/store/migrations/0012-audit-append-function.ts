/** @module Migration 0012: PostgreSQL's `mcr_audit_append`, which writes one group of audit entries and their tiles in one call. */
import { sql, type Kysely, type Migration } from 'kysely';
import { AUDIT_LOCK_CLASS } from '../audit-lock.ts';
import type { StoreDialect } from '../store.ts';

/**
 * On PostgreSQL, creates `mcr_audit_append(after_seq, after_hash, entries…, tiles…)`: takes the
 * audit lock (held until the calling transaction ends; already held is fine), refuses unless the
 * trail still ends at entry `after_seq` with hash `after_hash` (0 and 64 zeros for an empty
 * trail), then inserts the entries and upserts the tiles exactly as the statements of
 * src/audit/audit-group-write.ts would. Each statement in a volatile PL/pgSQL function sees what
 * committed before it ran, so the check sees every append made before the lock was granted. Called
 * alone, it is its own transaction: one round trip, one durable commit, for a whole group. Runs
 * with the caller's rights (the grants of docs/security.md suffice) and the caller's
 * `search_path` (the store's schema). SQLite needs nothing: its statements cost no round trips.
 */
export function auditAppendFunctionMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql
        .raw(
          `create or replace function mcr_audit_append(
             after_seq bigint, after_hash text,
             entry_seqs bigint[], entry_recorded_at text[], entry_texts text[],
             entry_hashes text[], entry_prev_hashes text[],
             tile_levels integer[], tile_indexes bigint[], tile_widths integer[], tile_hashes bytea[]
           ) returns void language plpgsql volatile as $$
           declare
             head_seq bigint;
             head_hash text;
           begin
             perform pg_advisory_xact_lock(${String(AUDIT_LOCK_CLASS)}, hashtext(current_schema()));
             select seq, hash into head_seq, head_hash from audit_entries order by seq desc limit 1;
             if coalesce(head_seq, 0) <> after_seq
                or coalesce(head_hash, repeat('0', 64)) <> after_hash then
               raise exception 'The audit trail no longer ends at entry %', after_seq
                 using errcode = 'serialization_failure';
             end if;
             insert into audit_entries (seq, recorded_at, entry, hash, prev_hash)
               select * from unnest(entry_seqs, entry_recorded_at, entry_texts, entry_hashes,
                 entry_prev_hashes);
             insert into audit_tiles (level, tile_index, width, hashes)
               select * from unnest(tile_levels, tile_indexes, tile_widths, tile_hashes)
               on conflict (level, tile_index) do update
                 set width = excluded.width, hashes = excluded.hashes
                 where audit_tiles.width < 256 and audit_tiles.width < excluded.width;
           end $$`,
        )
        .execute(db);
    },
  };
}
