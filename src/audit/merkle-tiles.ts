/**
 * @module The audit trail's Merkle tree cut into tiles, in the spirit of C2SP tlog-tiles: a tile
 * at level L holds up to 256 consecutive hashes of tree height 8·L (level 0: the leaf hashes;
 * level 1: the heads of level 0's full tiles; …). Hash i of tile N at level L is the head of the
 * leaves [(N·256 + i)·256^L, (N·256 + i + 1)·256^L). A full tile (256 hashes) never changes; the
 * rightmost tile of each level is partial and grows until it is full. Any node of the tree —
 * and so any tree head, inclusion or consistency proof, at any size — is computed from at most
 * two tiles per level (the one on the path, the one on the right edge): O(log n) hashes read.
 * Pure: storage is src/audit/audit-tiles.ts; hashing is src/audit/merkle.ts.
 */
import { EMPTY_ROOT, nodeHash, type Hash } from './merkle.ts';

/** Tree levels per tile: a tile is 2^8 = 256 hashes wide. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile. */
export const TILE_WIDTH = 2 ** TILE_HEIGHT;
/** Bytes in one SHA-256 hash. */
export const HASH_BYTES = 32;

/** Where a tile is: its level and its index within the level. */
export interface TileKey {
  readonly level: number;
  readonly index: number;
}

/** A tile: its place and its hashes, leftmost first (1–256 of them; 256 is a full tile). */
export interface Tile extends TileKey {
  readonly hashes: readonly Buffer[];
}

/** A tile's place as one string, for maps. */
export function tileId(key: TileKey): string {
  return `${key.level}/${key.index}`;
}

/** How many height-8·L nodes a tree of `size` leaves has completed. */
function nodesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The width of the rightmost (partial) tile at `level` of a tree of `size` leaves (0–255). */
export function partialWidth(size: number, level: number): number {
  return nodesAtLevel(size, level) % TILE_WIDTH;
}

/** The index of the rightmost (partial) tile at `level` of a tree of `size` leaves. */
export function partialIndex(size: number, level: number): number {
  return Math.floor(nodesAtLevel(size, level) / TILE_WIDTH);
}

/** The levels a tree of `size` leaves has a hash in (level 0 for any size above 0). */
export function levelsOf(size: number): number {
  let levels = 0;
  while (nodesAtLevel(size, levels) > 0) levels += 1;
  return levels;
}

/** The head of a power-of-two run of hashes (pairwise, RFC 6962). */
function runHead(hashes: readonly Buffer[]): Buffer {
  let row = hashes;
  while (row.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) {
      next.push(nodeHash(row[i] as Buffer, row[i + 1] as Buffer));
    }
    row = next;
  }
  return row[0] as Buffer;
}

/** A perfect aligned subtree: the head of leaves [index·2^height, (index+1)·2^height). */
interface NodeId {
  readonly height: number;
  readonly index: number;
}

/**
 * The perfect subtrees a range [start, end) of the RFC 6962 recursion is made of, left to right
 * and largest first (every such range starts at a multiple of a power of two at least its length).
 */
function perfectNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let height = 0;
    while (at % 2 ** (height + 1) === 0 && at + 2 ** (height + 1) <= end) height += 1;
    nodes.push({ height, index: at / 2 ** height });
    at += 2 ** height;
  }
  return nodes;
}

/** MTH of a range from its perfect subtrees' heads (right fold). */
function foldRange(heads: readonly Buffer[]): Buffer {
  if (heads.length === 0) return EMPTY_ROOT;
  let head = heads[heads.length - 1] as Buffer;
  for (let i = heads.length - 2; i >= 0; i -= 1) head = nodeHash(heads[i] as Buffer, head);
  return head;
}

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

type Range = readonly [start: number, end: number];

/** RFC 9162 §2.1.3.1: the ranges whose heads make the inclusion proof of leaf `index`, leaf first. */
function inclusionRanges(index: number, size: number): Range[] {
  const ranges: Range[] = [];
  let [start, end, m] = [0, size, index];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/** RFC 9162 §2.1.4.1: the ranges whose heads make the consistency proof from m to size. */
function consistencyRanges(m: number, size: number): Range[] {
  if (m === 0 || m === size) return [];
  const ranges: Range[] = [];
  let [start, end, mm, complete] = [0, size, m, true];
  while (mm !== end - start) {
    const k = splitPoint(end - start);
    if (mm <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      mm -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push([start, end]);
  return ranges.reverse();
}

/** A tile needed for a node, and where in it the node's hashes start. */
function placeOf(node: NodeId): { key: TileKey; offset: number; span: number } {
  const level = Math.floor(node.height / TILE_HEIGHT);
  const span = 2 ** (node.height % TILE_HEIGHT);
  const first = node.index * span; // among the height-8·level nodes
  return {
    key: { level, index: Math.floor(first / TILE_WIDTH) },
    offset: first % TILE_WIDTH,
    span,
  };
}

/** The stored tiles do not hold a hash a tree head or proof needs (behind, or cut short). */
export class TilesIncomplete extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TilesIncomplete';
  }
}

/** Reads tiles by place; a tile that is not stored is simply absent from the answer. */
export type TileReader = (keys: readonly TileKey[]) => Promise<ReadonlyMap<string, Tile>>;

/** The heads of every range, each from the tiles it needs, read in one call. */
async function rangeHeads(read: TileReader, ranges: readonly Range[]): Promise<Buffer[]> {
  const perRange = ranges.map(([start, end]) => perfectNodes(start, end));
  const keys = new Map<string, TileKey>();
  for (const nodes of perRange) {
    for (const node of nodes) {
      const { key } = placeOf(node);
      keys.set(tileId(key), key);
    }
  }
  const tiles = keys.size === 0 ? new Map<string, Tile>() : await read([...keys.values()]);
  return perRange.map((nodes) =>
    foldRange(
      nodes.map((node) => {
        const { key, offset, span } = placeOf(node);
        const tile = tiles.get(tileId(key));
        if (tile === undefined || tile.hashes.length < offset + span) {
          throw new TilesIncomplete(
            `Tile ${tileId(key)} is missing or holds ${tile?.hashes.length ?? 0} hashes, fewer than the ${offset + span} needed`,
          );
        }
        return span === 1
          ? (tile.hashes[offset] as Buffer)
          : runHead(tile.hashes.slice(offset, offset + span));
      }),
    ),
  );
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`No tree has ${size} leaves`);
}

/** MTH of the first `size` leaves, from tiles. */
export async function tileTreeHead(read: TileReader, size: number): Promise<Buffer> {
  checkSize(size);
  if (size === 0) return EMPTY_ROOT;
  const [head] = await rangeHeads(read, [[0, size]]);
  return head as Buffer;
}

/** The leaf hash at zero-based `index`, from its level-0 tile. */
export async function tileLeaf(read: TileReader, index: number): Promise<Buffer> {
  checkSize(index);
  const [leaf] = await rangeHeads(read, [[index, index + 1]]);
  return leaf as Buffer;
}

/** The inclusion proof of leaf `index` in the tree of the first `size` leaves, from tiles. */
export async function tileInclusionProof(
  read: TileReader,
  index: number,
  size: number,
): Promise<Buffer[]> {
  checkSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`Leaf ${index} is not in a tree of ${size}`);
  }
  return rangeHeads(read, inclusionRanges(index, size));
}

/** The consistency proof from the first `m` leaves to the first `size` leaves, from tiles. */
export async function tileConsistencyProof(
  read: TileReader,
  m: number,
  size: number,
): Promise<Buffer[]> {
  checkSize(size);
  if (!Number.isSafeInteger(m) || m < 0 || m > size) {
    throw new RangeError(`A tree of ${m} is not a prefix of a tree of ${size}`);
  }
  return rangeHeads(read, consistencyRanges(m, size));
}

/**
 * The right edge of a growing tiled tree: the partial tile of every level. Appending a leaf
 * adds it to level 0; a tile that fills up is finished and its head goes to the level above.
 * Remembers which tiles changed (finished or grown) until {@link TileEdge.takeChanged}.
 */
export class TileEdge {
  #size = 0;
  /** partial[L]: the hashes of level L's rightmost, unfinished tile (0–255 of them). */
  #partial: Buffer[][] = [];
  /** Tiles changed since the last take: a finished tile's hashes, or null for a partial one. */
  #changed = new Map<string, { key: TileKey; hashes: Buffer[] | null }>();

  /**
   * The edge of a tree of `size` leaves from its partial tiles, one per level (level 0 first,
   * each exactly {@link partialWidth} wide). Throws RangeError when they do not fit the size.
   */
  static resume(size: number, partial: readonly (readonly Buffer[])[]): TileEdge {
    checkSize(size);
    const levels = levelsOf(size);
    if (partial.length !== levels) {
      throw new RangeError(
        `A tree of ${size} leaves has ${levels} tile levels, not ${partial.length}`,
      );
    }
    partial.forEach((hashes, level) => {
      if (hashes.length !== partialWidth(size, level)) {
        throw new RangeError(
          `Level ${level} of a tree of ${size} leaves ends in ${partialWidth(size, level)} hashes, not ${hashes.length}`,
        );
      }
    });
    const edge = new TileEdge();
    edge.#size = size;
    edge.#partial = partial.map((hashes) => [...hashes]);
    return edge;
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return this.#size;
  }

  /** A copy to extend (in a transaction that may roll back) without changing this one. */
  clone(): TileEdge {
    const copy = new TileEdge();
    copy.#size = this.#size;
    copy.#partial = this.#partial.map((hashes) => [...hashes]);
    return copy;
  }

  /** Adds a leaf hash on the right. */
  append(leaf: Hash): void {
    const size = this.#size + 1;
    let node: Buffer = Buffer.from(leaf);
    for (let level = 0; ; level += 1) {
      const tile = (this.#partial[level] ??= []);
      tile.push(node);
      const key = { level, index: Math.floor((nodesAtLevel(size, level) - 1) / TILE_WIDTH) };
      const id = tileId(key);
      if (tile.length < TILE_WIDTH) {
        if (!this.#changed.has(id)) this.#changed.set(id, { key, hashes: null });
        break;
      }
      this.#changed.set(id, { key, hashes: tile });
      this.#partial[level] = [];
      node = runHead(tile);
    }
    this.#size = size;
  }

  /** The tiles changed since the last call (finished ones full, partial ones as they are now). */
  takeChanged(): Tile[] {
    const tiles = [...this.#changed.values()].map(({ key, hashes }) => ({
      ...key,
      hashes: hashes ?? [...(this.#partial[key.level] ?? [])],
    }));
    this.#changed = new Map();
    return tiles.filter((tile) => tile.hashes.length > 0);
  }

  /** The partial tiles, level 0 first (some may be empty). */
  partialTiles(): Tile[] {
    return this.#partial.map((hashes, level) => ({
      level,
      index: partialIndex(this.#size, level),
      hashes: [...hashes],
    }));
  }

  /** MTH of the leaves so far, from the partial tiles alone. */
  head(): Buffer {
    if (this.#size === 0) return EMPTY_ROOT;
    return foldRange(
      perfectNodes(0, this.#size).map((node) => {
        const { key, offset, span } = placeOf(node);
        const hashes = this.#partial[key.level] ?? [];
        return runHead(hashes.slice(offset, offset + span));
      }),
    );
  }
}
