/**
 * @module Writes one group of audit entries and the Merkle tiles they change, after checking that
 * the trail still ends where the writer thinks it does: the append's hot path, as prepared SQL
 * (no query builder), in as few statements as each dialect allows. SQLite: a head check, the
 * entries (with their search columns, migration 0013), the tiles, each a statement prepared once (no round trips; the caller's transaction
 * holds the write lock). PostgreSQL: one call of `mcr_audit_append` (migrations 0012, 0013), which takes
 * the audit lock, checks the head and writes both; alone it is its own transaction.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { AuditEntriesTable, DatabaseSchema } from '../store/schema.ts';
import {
  AUDIT_FILTER_COLUMNS,
  AUDIT_FILTER_FIELDS,
  type AuditEntryColumns,
} from '../store/audit-entry-fields.ts';
import type { StoreDialect } from '../store/store.ts';
import { GENESIS_PREV_HASH } from './chain-hash.ts';
import type { Tile } from './merkle-tiles.ts';

/** Where the trail ends: its last entry, or seq 0 and the genesis hash when it is empty. */
export interface ChainEnd {
  readonly seq: number;
  readonly hash: string;
}

/** The end of an empty trail. */
export const EMPTY_CHAIN: ChainEnd = { seq: 0, hash: GENESIS_PREV_HASH };

/** One entry to write: its row and its search columns (migration 0013), read from its event. */
export interface EntryWrite extends AuditEntriesTable {
  readonly columns: AuditEntryColumns;
  /** Its Merkle leaf hash (not stored: the tiles and the checkpointer use it). */
  readonly leaf: Buffer;
}

/** One group's writes: the entries, which follow `after`, and the tiles they change. */
export interface GroupWrite {
  readonly after: ChainEnd;
  readonly rows: readonly EntryWrite[];
  readonly tiles: readonly Tile[];
}

/** Thrown when the trail no longer ends at `after` (another process appended): read it again. */
export class ChainEndMoved extends Error {
  constructor(expected: ChainEnd, found?: ChainEnd) {
    super(
      found === undefined
        ? `The audit trail no longer ends at entry ${expected.seq} as expected`
        : `The audit trail ends at entry ${found.seq}, not at entry ${expected.seq} as expected`,
    );
    this.name = 'ChainEndMoved';
  }
}

const HEAD_SQL = 'select seq, hash from audit_entries order by seq desc limit 1';
const SQLITE_TILE_SQL =
  'insert into audit_tiles (level, tile_index, width, hashes) values (?, ?, ?, ?) ' +
  'on conflict (level, tile_index) do update set width = excluded.width, hashes = excluded.hashes ' +
  'where audit_tiles.width < 256 and audit_tiles.width < excluded.width';
const POSTGRES_APPEND_SQL =
  'select mcr_audit_append($1, $2, $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], ' +
  '$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], ' +
  '$14::integer[], $15::bigint[], $16::integer[], $17::bytea[])';

/** The search columns, in the order the statements name them. */
const SEARCH_COLUMNS = AUDIT_FILTER_FIELDS.map((field) => AUDIT_FILTER_COLUMNS[field]);

/**
 * The multi-row entry INSERT for `rows` rows. Groups are cut into runs of power-of-two sizes
 * (at most nine statement shapes for groups of up to 256), so the statements stay few and prepared.
 */
const sqliteInsertSql = new Map<number, string>();
function sqliteInsert(rows: number): string {
  let text = sqliteInsertSql.get(rows);
  if (text === undefined) {
    const row = `(${Array.from({ length: 5 + SEARCH_COLUMNS.length }, () => '?').join(', ')})`;
    const values = Array.from({ length: rows }, () => row).join(', ');
    text = `insert into audit_entries (seq, recorded_at, entry, hash, prev_hash, ${SEARCH_COLUMNS.join(', ')}) values ${values}`;
    sqliteInsertSql.set(rows, text);
  }
  return text;
}

/** Where the trail ends now (read under the audit lock, so it stays put until the commit). */
export async function readChainEnd(db: Kysely<DatabaseSchema>): Promise<ChainEnd> {
  const { rows } = await db.executeQuery<ChainEnd>(CompiledQuery.raw(HEAD_SQL, []));
  const last = rows[0];
  return last === undefined ? EMPTY_CHAIN : { seq: last.seq, hash: last.hash };
}

/**
 * Writes the group: throws {@link ChainEndMoved} (writing nothing) when the trail does not end at
 * `write.after`, or the store's error. On SQLite `db` must be a transaction holding the audit
 * lock; on PostgreSQL it may also be the database itself, when the call is the whole transaction.
 */
export async function writeAuditGroup(
  db: Kysely<DatabaseSchema>,
  dialect: StoreDialect,
  write: GroupWrite,
): Promise<void> {
  if (dialect === 'postgres') {
    try {
      await db.executeQuery(CompiledQuery.raw(POSTGRES_APPEND_SQL, postgresParameters(write)));
    } catch (error) {
      // `mcr_audit_append` raises serialization_failure when the head check fails.
      if (sqlState(error) === PG_SERIALIZATION_FAILURE) {
        throw new ChainEndMoved(write.after);
      }
      throw error;
    }
    return;
  }
  const found = await readChainEnd(db);
  if (found.seq !== write.after.seq || found.hash !== write.after.hash) {
    throw new ChainEndMoved(write.after, found);
  }
  let start = 0;
  while (start < write.rows.length) {
    const run = 2 ** Math.floor(Math.log2(write.rows.length - start));
    const parameters = write.rows
      .slice(start, start + run)
      .flatMap((row) => [
        row.seq,
        row.recorded_at,
        row.entry,
        row.hash,
        row.prev_hash,
        ...SEARCH_COLUMNS.map((column) => row.columns[column]),
      ]);
    await db.executeQuery(CompiledQuery.raw(sqliteInsert(run), parameters));
    start += run;
  }
  for (const tile of write.tiles) {
    await db.executeQuery(
      CompiledQuery.raw(SQLITE_TILE_SQL, [
        tile.level,
        tile.index,
        tile.hashes.length,
        Buffer.concat(tile.hashes),
      ]),
    );
  }
}

/** The SQLSTATE `mcr_audit_append` raises when the trail no longer ends where the writer thought. */
const PG_SERIALIZATION_FAILURE = '40001';

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)['code']
    : undefined;
}

/** The arguments of `mcr_audit_append`: the head to check, then the entries and tiles as arrays. */
function postgresParameters({ after, rows, tiles }: GroupWrite): unknown[] {
  return [
    after.seq,
    after.hash,
    rows.map((row) => row.seq),
    rows.map((row) => row.recorded_at),
    rows.map((row) => row.entry),
    rows.map((row) => row.hash),
    rows.map((row) => row.prev_hash),
    ...SEARCH_COLUMNS.map((column) => rows.map((row) => row.columns[column])),
    tiles.map((tile) => tile.level),
    tiles.map((tile) => tile.index),
    tiles.map((tile) => tile.hashes.length),
    tiles.map((tile) => Buffer.concat(tile.hashes)),
  ];
}
