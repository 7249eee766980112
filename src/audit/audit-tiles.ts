/**
 * @module The audit trail's Merkle tiles in the database (`audit_tiles`): extended in the very
 * transaction that appends the entries, under the audit lock, so a committed trail and its tiles
 * never disagree; read for proofs and tree heads (a few tiles, never the entries); and caught up
 * from the entries, idempotently, when they are behind (a database from before tiles).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { auditHeadSeq, entryLeafHash } from './audit-checkpoints.ts';
import {
  HASH_BYTES,
  TILE_WIDTH,
  TileEdge,
  levelsOf,
  partialIndex,
  partialWidth,
  tileConsistencyProof,
  tileId,
  tileInclusionProof,
  tileLeaf,
  tileTreeHead,
  type Tile,
  type TileKey,
  type TileReader,
} from './merkle-tiles.ts';

type Db = Kysely<DatabaseSchema>;

/** A stored tile's row as a tile, or undefined when its bytes do not fit its width. */
function decodeTile(row: {
  level: number;
  tile_index: number | string;
  width: number;
  hashes: Uint8Array;
}): Tile | undefined {
  const { width, hashes } = row;
  if (!(width >= 1 && width <= TILE_WIDTH) || hashes.length !== width * HASH_BYTES) {
    return undefined;
  }
  const bytes = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.length);
  const list: Buffer[] = [];
  for (let i = 0; i < width; i += 1) {
    list.push(Buffer.from(bytes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)));
  }
  return { level: row.level, index: Number(row.tile_index), hashes: list };
}

/** Reads stored tiles by place, in one query (a tile whose bytes are malformed counts as absent). */
export function tileReader(db: Db): TileReader {
  return async (keys) => {
    const found = new Map<string, Tile>();
    if (keys.length === 0) return found;
    const rows = await db
      .selectFrom('audit_tiles')
      .select(['level', 'tile_index', 'width', 'hashes'])
      .where((eb) =>
        eb.or(
          keys.map((key) =>
            eb.and([eb('level', '=', key.level), eb('tile_index', '=', key.index)]),
          ),
        ),
      )
      .execute();
    for (const row of rows) {
      const tile = decodeTile(row);
      if (tile !== undefined) found.set(tileId(tile), tile);
    }
    return found;
  };
}

/** How many leaves the stored level-0 tiles hold (0 when there are none). */
export async function storedTileSize(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_tiles')
    .select(['tile_index', 'width'])
    .where('level', '=', 0)
    .orderBy('tile_index', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? 0 : row.tile_index * TILE_WIDTH + row.width;
}

/**
 * The right edge of the stored tiles when they hold a tree of exactly `size` leaves (its partial
 * tile at every level, each as wide as that size says); undefined when they are behind, ahead,
 * or do not fit.
 */
export async function loadTileEdge(db: Db, size: number): Promise<TileEdge | undefined> {
  if ((await storedTileSize(db)) !== size) return undefined;
  const levels = levelsOf(size);
  const keys: TileKey[] = [];
  for (let level = 0; level < levels; level += 1) {
    if (partialWidth(size, level) > 0) keys.push({ level, index: partialIndex(size, level) });
  }
  const tiles = await tileReader(db)(keys);
  const partial = Array.from({ length: levels }, (_, level) =>
    partialWidth(size, level) === 0
      ? []
      : (tiles.get(tileId({ level, index: partialIndex(size, level) }))?.hashes ?? []),
  );
  try {
    return TileEdge.resume(size, partial);
  } catch {
    return undefined;
  }
}

/**
 * Stores tiles: new ones inserted, a partial one widened. A stored full tile is never
 * overwritten, nor a tile narrowed (the upsert's condition).
 */
export async function writeTiles(db: Db, tiles: readonly Tile[]): Promise<void> {
  if (tiles.length === 0) return;
  await db
    .insertInto('audit_tiles')
    .values(
      tiles.map((tile) => ({
        level: tile.level,
        tile_index: tile.index,
        width: tile.hashes.length,
        hashes: Buffer.concat(tile.hashes),
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['level', 'tile_index'])
        .doUpdateSet((eb) => ({
          width: eb.ref('excluded.width'),
          hashes: eb.ref('excluded.hashes'),
        }))
        .where('audit_tiles.width', '<', TILE_WIDTH)
        .whereRef('audit_tiles.width', '<', 'excluded.width'),
    )
    .execute();
}

/** The entry an append follows (seq 0 for the first), and the entries it inserts. */
interface AppendedRows {
  readonly after: { readonly seq: number; readonly hash: string };
  readonly rows: readonly {
    readonly seq: number;
    readonly hash: string;
    readonly entry: string;
    /** The entry's Merkle leaf hash, when the writer has it already. */
    readonly leaf?: Buffer;
  }[];
}

/** The tiles an append changes, to be written in its transaction. */
export interface TileExtension {
  /** The tiles to write (none when the stored tiles are behind, or there are no rows). */
  readonly tiles: readonly Tile[];
  /** To call once the transaction that wrote them has committed (the edge is remembered only then). */
  committed(): void;
}

/** Extends the stored tiles with the entries of each append, keeping the right edge between them. */
export interface TileAppender {
  /**
   * The tiles the rows change, from the edge remembered at this appender's last commit, when
   * that edge ends at the entry the rows follow; undefined when it does not (read the stored
   * edge with {@link TileAppender.extend}).
   */
  remembered(appended: AppendedRows): TileExtension | undefined;
  /**
   * Inside the appending transaction, under the audit lock: the tiles the rows change, from the
   * remembered edge or else the stored one. None when the stored tiles are not at the entry the
   * rows follow (behind: {@link catchUpAuditTiles} brings them up to date).
   */
  extend(trx: Transaction<DatabaseSchema>, appended: AppendedRows): Promise<TileExtension>;
}

/** An appender for one audit log. */
export function createTileAppender(): TileAppender {
  /** The edge as last committed, and the entry it ends at. */
  let known: { edge: TileEdge; lastHash: string } | undefined;
  const nothing: TileExtension = { tiles: [], committed: () => undefined };

  function extended(base: TileEdge, rows: AppendedRows['rows']): TileExtension {
    const last = rows.at(-1);
    if (last === undefined) return nothing;
    const edge = base.clone();
    for (const row of rows) edge.append(row.leaf ?? entryLeafHash(row.entry));
    return {
      tiles: edge.takeChanged(),
      committed: () => {
        known = { edge, lastHash: last.hash };
      },
    };
  }

  function remembered({ after, rows }: AppendedRows): TileExtension | undefined {
    if (rows.length === 0) return nothing;
    if (known === undefined || known.edge.size !== after.seq || known.lastHash !== after.hash) {
      return undefined;
    }
    return extended(known.edge, rows);
  }

  return {
    remembered,
    async extend(trx, appended) {
      const fromMemory = remembered(appended);
      if (fromMemory !== undefined) return fromMemory;
      // Another writer (process) appended since, or this is the first append: read the edge.
      known = undefined;
      const base = await loadTileEdge(trx, appended.after.seq);
      return base === undefined ? nothing : extended(base, appended.rows);
    },
  };
}

/** Options for {@link catchUpAuditTiles}. */
export interface CatchUpOptions {
  /** Entries read per transaction (the audit lock is held for one batch at a time). */
  readonly batchSize?: number;
  /** Stops between batches when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Brings the stored tiles up to the last entry, from the entries, one batch per transaction
 * under the audit lock (appends go on between batches). Idempotent: tiles already up to date
 * cost two queries. Stops at a gap in the entries (verification's business) and when the stored
 * tiles' right edge does not fit them (`mcr audit verify` reports that; tiles are derived data,
 * and deleting them makes the next catch-up rebuild them all). Returns the leaves the tiles hold.
 */
export async function catchUpAuditTiles(
  store: Store,
  options: CatchUpOptions = {},
): Promise<number> {
  const batchSize = Math.max(1, options.batchSize ?? 16_384);
  for (;;) {
    const step = await store.withAuditLock(async (trx) => {
      const headSeq = await auditHeadSeq(trx);
      const stored = await storedTileSize(trx);
      if (stored >= headSeq) return { size: stored, done: true };
      const edge = await loadTileEdge(trx, stored);
      if (edge === undefined) return { size: stored, done: true };
      const rows = await trx
        .selectFrom('audit_entries')
        .select(['seq', 'entry'])
        .where('seq', '>', stored)
        .where('seq', '<=', Math.min(headSeq, stored + batchSize))
        .orderBy('seq', 'asc')
        .execute();
      for (const row of rows) {
        if (row.seq !== edge.size + 1) break;
        edge.append(entryLeafHash(row.entry));
      }
      await writeTiles(trx, edge.takeChanged());
      return { size: edge.size, done: edge.size === stored || edge.size >= headSeq };
    });
    if (step.done || options.signal?.aborted === true) return step.size;
  }
}

/** Tree heads and proofs from the stored tiles: a few tiles read, never the entries. */
export interface TileProofs {
  /** MTH of the first `size` entries. */
  head(size: number): Promise<Buffer>;
  /** The leaf hash of entry `index + 1`. */
  leaf(index: number): Promise<Buffer>;
  /** Inclusion proof of leaf `index` in the tree of the first `size` entries, leaf first. */
  inclusionProof(index: number, size: number): Promise<Buffer[]>;
  /** Consistency proof from the first `m` entries to the first `size`. */
  consistencyProof(m: number, size: number): Promise<Buffer[]>;
}

/**
 * Proofs over the store's tiles. Each throws TilesIncomplete (src/audit/merkle-tiles.ts) when a
 * tile it needs is not stored (yet), and RangeError for an index or size outside the tree.
 */
export function createTileProofs(db: Db): TileProofs {
  const read = tileReader(db);
  return {
    head: (size) => tileTreeHead(read, size),
    leaf: (index) => tileLeaf(read, index),
    inclusionProof: (index, size) => tileInclusionProof(read, index, size),
    consistencyProof: (m, size) => tileConsistencyProof(read, m, size),
  };
}

/**
 * Reads one level's stored tiles in index order, a batch at a time, for a pass over the whole
 * trail (verification): memory stays one batch per level.
 */
export class StoredTileCursor {
  readonly #db: Db;
  readonly #level: number;
  readonly #batch: number;
  #tiles = new Map<number, Tile>();
  /** Every tile below this index has been read. */
  #readBelow = 0;

  constructor(db: Db, level: number, batch = 64) {
    this.#db = db;
    this.#level = level;
    this.#batch = batch;
  }

  /** The stored tile at `index` (indexes must be asked in increasing order), or undefined. */
  async get(index: number): Promise<Tile | undefined> {
    if (index >= this.#readBelow) {
      const rows = await this.#db
        .selectFrom('audit_tiles')
        .select(['level', 'tile_index', 'width', 'hashes'])
        .where('level', '=', this.#level)
        .where('tile_index', '>=', index)
        .orderBy('tile_index', 'asc')
        .limit(this.#batch)
        .execute();
      this.#tiles = new Map();
      for (const row of rows) {
        const tile = decodeTile(row);
        if (tile !== undefined) this.#tiles.set(tile.index, tile);
      }
      const lastRow = rows.at(-1);
      this.#readBelow = lastRow === undefined ? index + 1 : lastRow.tile_index + 1;
    }
    return this.#tiles.get(index);
  }
}
