/**
 * @module Migration 0013: audit search on plain, indexed columns (NHS number, user id, username,
 * action, organisation, outcome) instead of expressions over the entry JSON, for SQLite and
 * PostgreSQL; PostgreSQL's `mcr_audit_append` replaced by one that fills them.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { AUDIT_LOCK_CLASS } from '../audit-lock.ts';
import {
  AUDIT_FILTER_COLUMNS,
  AUDIT_FILTER_FIELDS,
  auditFilterBackfillExpression,
} from '../audit-entry-fields.ts';
import type { StoreDialect } from '../store.ts';
import { indexName } from './0005-audit-search-indexes.ts';
import { sqliteAppendOnlyTrigger } from './0006-audit-append-only.ts';

/** The search columns, in the order the append writes them. */
const COLUMNS = AUDIT_FILTER_FIELDS.map((field) => AUDIT_FILTER_COLUMNS[field]);

/**
 * Adds the six columns (nullable text: an entry without a patient or an actor has none), fills
 * them for the rows already stored from their JSON (the value where it is a string, as the
 * append reads it: src/store/audit-entry-fields.ts), drops the six expression indexes of 0005
 * and 0011 and indexes each column with `seq` under the same names. The entries' JSON and hashes
 * are untouched: the columns are outside the chain, and `mcr audit verify` checks every row's
 * columns against its JSON (`column-mismatch`).
 *
 * The back-fill is an UPDATE, which the append-only trigger of 0006 refuses: it is lifted for the
 * back-fill alone and put back, inside this migration's transaction (the migrator runs each
 * migration in one, on both dialects), so no other connection ever sees the table without it and
 * a failure leaves it exactly as it was.
 */
export function auditSearchColumnsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const run = (text: string): Promise<unknown> => sql.raw(text).execute(db);
      // Dropped first, so the back-fill does not maintain them.
      for (const field of AUDIT_FILTER_FIELDS)
        await run(`drop index if exists ${indexName(field)}`);
      // Like 0011 and 0012, safe to apply again over its own work (a column already there stays).
      const present = await existingColumns(db, dialect);
      for (const column of COLUMNS) {
        if (!present.has(column)) await run(`alter table audit_entries add column ${column} text`);
      }
      const assignments = AUDIT_FILTER_FIELDS.map(
        (field) =>
          `${AUDIT_FILTER_COLUMNS[field]} = ${auditFilterBackfillExpression(dialect, field)}`,
      ).join(', ');
      if (dialect === 'sqlite') {
        await run('drop trigger audit_entries_no_update');
        await run(`update audit_entries set ${assignments}`);
        await run(sqliteAppendOnlyTrigger('audit_entries', 'update'));
      } else {
        await run('alter table audit_entries disable trigger audit_entries_append_only');
        await run(`update audit_entries set ${assignments}`);
        await run('alter table audit_entries enable trigger audit_entries_append_only');
      }
      // Built after the back-fill: one sort per index instead of an insert per row.
      for (const field of AUDIT_FILTER_FIELDS) {
        await run(
          `create index ${indexName(field)} on audit_entries (${AUDIT_FILTER_COLUMNS[field]}, seq)`,
        );
      }
      if (dialect === 'postgres') await replaceAppendFunction(db);
    },
  };
}

/** The columns `audit_entries` has now. */
async function existingColumns(db: Kysely<unknown>, dialect: StoreDialect): Promise<Set<string>> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info('audit_entries')`.execute(db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = 'audit_entries'`.execute(db);
  return new Set(rows.map((row) => row.name));
}

/**
 * `mcr_audit_append` as in migration 0012 (the lock, the head check, the entries, the tiles), now
 * with each entry's search columns, passed as six more arrays. 0012's signature stays, for servers
 * of the previous version still running during a rolling upgrade: it now reads the columns from
 * each entry's JSON (as the back-fill does) and calls the new one, so their entries are found by
 * search and verify like any other (one `jsonb` parse per field, as the expression indexes cost).
 */
async function replaceAppendFunction(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create or replace function mcr_audit_append(
         after_seq bigint, after_hash text,
         entry_seqs bigint[], entry_recorded_at text[], entry_texts text[],
         entry_hashes text[], entry_prev_hashes text[],
         entry_nhs_numbers text[], entry_user_ids text[], entry_usernames text[],
         entry_actions text[], entry_organisations text[], entry_outcomes text[],
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
         insert into audit_entries (seq, recorded_at, entry, hash, prev_hash, ${COLUMNS.join(', ')})
           select * from unnest(entry_seqs, entry_recorded_at, entry_texts, entry_hashes,
             entry_prev_hashes, entry_nhs_numbers, entry_user_ids, entry_usernames, entry_actions,
             entry_organisations, entry_outcomes);
         insert into audit_tiles (level, tile_index, width, hashes)
           select * from unnest(tile_levels, tile_indexes, tile_widths, tile_hashes)
           on conflict (level, tile_index) do update
             set width = excluded.width, hashes = excluded.hashes
             where audit_tiles.width < 256 and audit_tiles.width < excluded.width;
       end $$`,
    )
    .execute(db);
  const fromJson = AUDIT_FILTER_FIELDS.map(
    (field) =>
      `array(select ${auditFilterBackfillExpression('postgres', field, 'e.entry')}
         from unnest(entry_texts) with ordinality as e(entry, n) order by e.n)`,
  ).join(',\n         ');
  await sql
    .raw(
      `create or replace function mcr_audit_append(
         after_seq bigint, after_hash text,
         entry_seqs bigint[], entry_recorded_at text[], entry_texts text[],
         entry_hashes text[], entry_prev_hashes text[],
         tile_levels integer[], tile_indexes bigint[], tile_widths integer[], tile_hashes bytea[]
       ) returns void language sql volatile as $$
         select mcr_audit_append(after_seq, after_hash, entry_seqs, entry_recorded_at, entry_texts,
           entry_hashes, entry_prev_hashes,
           ${fromJson},
           tile_levels, tile_indexes, tile_widths, tile_hashes)
       $$`,
    )
    .execute(db);
}
