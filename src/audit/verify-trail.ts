/**
 * @module Verifies the whole audit trail from its rows, streaming them in one pass in bounded
 * memory (the Merkle tree is kept as its right edge, about log2(n) hashes, not as a whole): the
 * hash chain with no gaps, the Merkle tree head at every signed checkpoint, each checkpoint's
 * signature, the external witness file (every checkpoint it holds, its alarms, and
 * that it holds the newest checkpoint), and that no entry has stayed unsigned for longer than the
 * checkpoint timer allows, the stored Merkle tiles (every stored hash against the tree
 * recomputed from the entries), and every row's search columns against its entry's JSON — and
 * names the first thing wrong.
 */
import type { KeyObject } from 'node:crypto';
import type { Store } from '../store/store.ts';
import { checkpointFromRow, entryLeafHash } from './audit-checkpoints.ts';
import { checkCheckpointSignature, type Checkpoint } from './checkpoint-signer.ts';
import { readWitnessFile } from './checkpoint-witness.ts';
import { GENESIS_PREV_HASH } from './chain-hash.ts';
import { StoredTileCursor } from './audit-tiles.ts';
import { TILE_WIDTH, TileEdge, type Tile } from './merkle-tiles.ts';
import { walkAuditChain, type ChainProblem } from './verify-chain.ts';

/** What is wrong with the first bad entry, checkpoint or witness line. */
export type TrailProblem =
  | ChainProblem
  | 'bad-signature'
  | 'unknown-key'
  | 'root-mismatch'
  | 'truncated'
  | 'checkpoint-missing'
  | 'witness-mismatch'
  | 'bad-witness'
  | 'tamper-alarm'
  | 'unwitnessed'
  | 'unsigned-tail'
  | 'tile-mismatch'
  | 'column-mismatch';

/** Where the first problem is. */
export type TrailPlace =
  | { readonly kind: 'entry'; readonly seq: number }
  | { readonly kind: 'checkpoint'; readonly treeSize: number }
  | { readonly kind: 'witness'; readonly line: number; readonly treeSize?: number }
  | { readonly kind: 'tile'; readonly level: number; readonly index: number };

/** The verdict on the whole trail. */
export type TrailVerdict =
  | {
      readonly ok: true;
      readonly entries: number;
      /** The last entry's hash (64 zeros when empty). */
      readonly lastHash: string;
      /** Checkpoints verified. */
      readonly checkpoints: number;
      /** Witness lines verified (0 without a witness file). */
      readonly witnessed: number;
      /** The newest checkpoint, if any. */
      readonly latest: Checkpoint | undefined;
      /** Entries after the newest checkpoint: covered by the chain only, not yet signed. */
      readonly unsigned: number;
      /** False when no trusted key was given, so signatures were not checked. */
      readonly signaturesChecked: boolean;
      /** False when no witness file was given, so cut or re-signed history could not be seen. */
      readonly witnessChecked: boolean;
      /** False when no bound on the unsigned tail's age was given. */
      readonly tailChecked: boolean;
      /** Stored Merkle tile hashes compared with the recomputed tree (all matched). */
      readonly tileHashesChecked: number;
      /**
       * False when the stored tiles lack hashes the trail implies (behind: a database from before
       * tiles, not yet caught up by the server); those could not be compared.
       */
      readonly tilesComplete: boolean;
    }
  | {
      readonly ok: false;
      /** Entries verified before the problem was found. */
      readonly entries: number;
      readonly at: TrailPlace;
      readonly problem: TrailProblem;
      readonly message: string;
    };

/** What {@link verifyAuditTrail} checks against. */
export interface TrailVerifyOptions {
  /** Public keys by key id; without them signatures are not checked (and the verdict says so). */
  readonly trustedKeys?: ReadonlyMap<string, KeyObject> | undefined;
  /** A witness file of checkpoint JSON lines, compared with the trail. */
  readonly witnessFile?: string | undefined;
  /**
   * The longest an entry may stay beyond the newest checkpoint (`checkpointSeconds` plus
   * {@link UNSIGNED_GRACE_SECONDS}); older unsigned entries fail. Unchecked when absent.
   */
  readonly maxUnsignedSeconds?: number | undefined;
  /** The time to judge ages against; now when absent. */
  readonly now?: Date | undefined;
  readonly batchSize?: number;
  /** Called after each batch of rows with the number of entries verified so far. */
  readonly onProgress?: ((verified: number) => void) | undefined;
}

/**
 * How long past its due time a checkpoint may still be missing (a signing run in progress, a
 * witness answering slowly) before `mcr audit verify` calls the trail tampered with: the
 * unsigned tail may be `checkpointSeconds` plus this old, and the newest checkpoint this old
 * before the witness must hold it.
 */
export const UNSIGNED_GRACE_SECONDS = 60;

type Failure = Extract<TrailVerdict, { ok: false }>;

/**
 * Reads every entry once, in order, and at each checkpoint's size checks the recomputed tree
 * head and the signature; witness checkpoints are checked the same way at their sizes. Every
 * signed head is recomputed from the one stream of leaves, so a checkpoint that matches is by
 * construction an extension of every earlier one that matched (no consistency proof between
 * them would add anything). Memory stays bounded whatever the trail's length: a batch of rows,
 * the frontier, and the checkpoint and witness lists. The first problem by position in the trail wins (an
 * entry before a checkpoint that covers it). Database errors propagate (no verdict).
 */
export async function verifyAuditTrail(
  store: Store,
  options: TrailVerifyOptions = {},
): Promise<TrailVerdict> {
  const keys = options.trustedKeys;
  const rows = await store.db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'asc')
    .execute();
  const checkpoints = rows.map(checkpointFromRow);
  const bySize = new Map(checkpoints.map((c) => [c.treeSize, c]));
  const witness =
    options.witnessFile === undefined ? [] : await readWitnessFile(options.witnessFile);
  for (const line of witness) {
    if (line.kind === 'unreadable') {
      return fail(0, { kind: 'witness', line: line.line }, 'bad-witness', line.message);
    }
  }
  const witnessed = witness.flatMap((w) =>
    w.kind === 'checkpoint' ? [{ line: w.line, checkpoint: w.checkpoint }] : [],
  );
  const alarms = witness.flatMap((w) => (w.kind === 'alarm' ? [w] : []));
  const witnessBySize = new Map<number, { line: number; checkpoint: Checkpoint }[]>();
  for (const w of witnessed) {
    const list = witnessBySize.get(w.checkpoint.treeSize) ?? [];
    list.push(w);
    witnessBySize.set(w.checkpoint.treeSize, list);
  }
  const latest = checkpoints.at(-1);
  const signedSize = latest?.treeSize ?? 0;
  let oldestUnsigned: string | undefined;

  // The tree as tiles: its head at any size from the right edge, its finished tiles to compare.
  const tree = new TileEdge();
  const tileCursors: StoredTileCursor[] = [];
  let tileHashesChecked = 0;
  let tilesComplete = true;
  /** The first tile that does not match: reported only if nothing in the trail itself fails. */
  let tileProblem: Failure | undefined;
  /** Compares a recomputed tile with the stored one, as far as both go. */
  const compareTile = async (tile: Tile): Promise<Failure | undefined> => {
    const cursor = (tileCursors[tile.level] ??= new StoredTileCursor(store.db, tile.level));
    const stored = await cursor.get(tile.index);
    const have = stored?.hashes.length ?? 0;
    for (let i = 0; i < Math.min(have, tile.hashes.length); i += 1) {
      if (!(stored?.hashes[i] as Buffer).equals(tile.hashes[i] as Buffer)) {
        const span = TILE_WIDTH ** tile.level;
        const first = (tile.index * TILE_WIDTH + i) * span + 1;
        const last = Math.min(first + span - 1, tree.size);
        const entries = first === last ? `entry ${first}` : `entries ${first}–${last}`;
        return fail(
          tree.size,
          { kind: 'tile', level: tile.level, index: tile.index },
          'tile-mismatch',
          `Merkle tile ${tile.level}/${tile.index} does not match the trail: its hash ${i} (over ${entries}) is not the one recomputed from the entries, so either those entries were rewritten after they were appended (their hashes recomputed) or the tile was altered; proofs through it are refused (tiles are derived data: once the entries are shown sound, delete the audit_tiles rows and restart a server to rebuild them)`,
        );
      }
    }
    tileHashesChecked += Math.min(have, tile.hashes.length);
    if (have < tile.hashes.length) tilesComplete = false;
    return undefined;
  };
  /**
   * The first row whose search columns disagree with its JSON: like the tiles, derived data outside
   * the chain, so reported only if nothing in the trail itself fails.
   */
  let columnProblem: Failure | undefined;
  let lastHash = GENESIS_PREV_HASH;
  let previous: Checkpoint | undefined;

  const checkAt = (size: number): Failure | undefined => {
    const checkpoint = bySize.get(size);
    const witnesses = witnessBySize.get(size);
    if (checkpoint === undefined && witnesses === undefined) return undefined;
    const head = tree.head().toString('hex');
    if (checkpoint !== undefined) {
      const found = checkCheckpoint(checkpoint, head, previous, keys);
      if (found !== undefined) return found;
      previous = checkpoint;
    }
    for (const w of witnesses ?? []) {
      const found = checkWitness(w.line, w.checkpoint, checkpoint, head, keys);
      if (found !== undefined) return found;
    }
    return undefined;
  };

  const batchSize = options.batchSize ?? 2000;
  for await (const step of walkAuditChain(store, { batchSize, columns: true })) {
    if (!step.ok) {
      return fail(tree.size, { kind: 'entry', seq: step.seq }, step.problem, step.message);
    }
    if (step.columnMismatch !== undefined && columnProblem === undefined) {
      columnProblem = fail(
        tree.size,
        { kind: 'entry', seq: step.seq },
        'column-mismatch',
        step.columnMismatch,
      );
    }
    tree.append(entryLeafHash(step.entry));
    lastHash = step.hash;
    if (tree.size === signedSize + 1) oldestUnsigned = recordedAtOf(step.entry);
    const found = checkAt(tree.size);
    if (found !== undefined) return found;
    if (tree.size % TILE_WIDTH === 0) {
      for (const tile of tree.takeChanged()) {
        if (tile.hashes.length < TILE_WIDTH || tileProblem !== undefined) continue; // partial: at the end
        tileProblem = await compareTile(tile);
      }
    }
    if (tree.size % batchSize === 0) options.onProgress?.(tree.size);
  }
  options.onProgress?.(tree.size);

  const n = tree.size;
  const beyond = checkpoints.find((c) => c.treeSize > n);
  const witnessBeyond = witnessed.find((w) => w.checkpoint.treeSize > n);
  if (beyond !== undefined || witnessBeyond !== undefined) {
    const size = Math.min(
      beyond?.treeSize ?? Infinity,
      witnessBeyond?.checkpoint.treeSize ?? Infinity,
    );
    const at: TrailPlace =
      beyond !== undefined && beyond.treeSize === size
        ? { kind: 'checkpoint', treeSize: size }
        : { kind: 'witness', line: witnessBeyond?.line ?? 0, treeSize: size };
    const who = at.kind === 'checkpoint' ? 'Checkpoint' : `Witness line ${at.line}: checkpoint`;
    return fail(
      n,
      at,
      'truncated',
      `${who} ${size} covers ${size} entries but the trail holds ${n}: entries ${n + 1}–${size} were removed`,
    );
  }
  const alarm = alarms[0];
  if (alarm !== undefined) {
    return fail(
      n,
      { kind: 'witness', line: alarm.line },
      'tamper-alarm',
      `The server reported the trail tampered with at entry ${alarm.alarm.seq} (${alarm.alarm.timestamp}): ${alarm.alarm.alarm}`,
    );
  }
  const now = (options.now ?? new Date()).getTime();
  if (options.witnessFile !== undefined && latest !== undefined) {
    const held = witnessBySize.get(latest.treeSize) ?? [];
    const age = (now - Date.parse(latest.timestamp)) / 1000;
    if (held.length === 0 && !(age <= UNSIGNED_GRACE_SECONDS)) {
      return fail(
        n,
        { kind: 'checkpoint', treeSize: latest.treeSize },
        'unwitnessed',
        `Checkpoint ${latest.treeSize}, the newest, is not in the witness although it was signed ${latest.timestamp}: it was forged in the database, or the witness lost it`,
      );
    }
  }
  if (options.maxUnsignedSeconds !== undefined && oldestUnsigned !== undefined) {
    const age = (now - Date.parse(oldestUnsigned)) / 1000;
    if (!(age <= options.maxUnsignedSeconds)) {
      const first = signedSize + 1;
      const range = first === n ? `entry ${n} is` : `entries ${first}–${n} are`;
      return fail(
        signedSize,
        { kind: 'entry', seq: first },
        'unsigned-tail',
        `${range} covered by no signed checkpoint, the oldest recorded ${oldestUnsigned}, more than ${options.maxUnsignedSeconds} s ago: the checkpoints over them were deleted, or the server stopped without signing them`,
      );
    }
  }
  // The right edge: stored partial tiles may be wider (entries appended since they were read).
  for (const tile of tree.partialTiles()) {
    if (tile.hashes.length === 0 || tileProblem !== undefined) continue;
    tileProblem = await compareTile(tile);
  }
  if (columnProblem !== undefined) return columnProblem;
  if (tileProblem !== undefined) return tileProblem;
  return {
    ok: true,
    entries: n,
    lastHash,
    checkpoints: checkpoints.length,
    witnessed: witnessed.length,
    latest,
    unsigned: n - (latest?.treeSize ?? 0),
    signaturesChecked: keys !== undefined,
    witnessChecked: options.witnessFile !== undefined,
    tailChecked: options.maxUnsignedSeconds !== undefined,
    tileHashesChecked,
    tilesComplete,
  };
}

/** The `recordedAt` of a stored entry that already passed the chain checks. */
function recordedAtOf(entryJson: string): string {
  const parsed = JSON.parse(entryJson) as { recordedAt?: unknown };
  return typeof parsed.recordedAt === 'string' ? parsed.recordedAt : '';
}

function fail(entries: number, at: TrailPlace, problem: TrailProblem, message: string): Failure {
  return { ok: false, entries, at, problem, message };
}

function signatureFailure(
  checkpoint: Checkpoint,
  keys: ReadonlyMap<string, KeyObject> | undefined,
  at: TrailPlace,
  who: string,
  entries: number,
): Failure | undefined {
  if (keys === undefined) return undefined;
  const check = checkCheckpointSignature(checkpoint, keys);
  if (check === 'valid') return undefined;
  return check === 'unknown-key'
    ? fail(
        entries,
        at,
        'unknown-key',
        `${who} is signed by key ${checkpoint.keyId}, which is not trusted`,
      )
    : fail(
        entries,
        at,
        'bad-signature',
        `${who} has a signature that does not verify: it was forged or altered`,
      );
}

/** Checks a stored checkpoint against `head`, the tree head recomputed over its entries. */
function checkCheckpoint(
  checkpoint: Checkpoint,
  head: string,
  previous: Checkpoint | undefined,
  keys: ReadonlyMap<string, KeyObject> | undefined,
): Failure | undefined {
  const size = checkpoint.treeSize;
  const at: TrailPlace = { kind: 'checkpoint', treeSize: size };
  const who = `Checkpoint ${size}`;
  const bad = signatureFailure(checkpoint, keys, at, who, size);
  if (bad !== undefined) return bad;
  if (head !== checkpoint.rootHash) {
    const from = (previous?.treeSize ?? 0) + 1;
    return fail(
      size - 1,
      at,
      'root-mismatch',
      `${who} does not match the trail: an entry among ${from}–${size} was altered, inserted, removed or reordered since it was signed`,
    );
  }
  return undefined;
}

function checkWitness(
  line: number,
  witnessed: Checkpoint,
  stored: Checkpoint | undefined,
  head: string,
  keys: ReadonlyMap<string, KeyObject> | undefined,
): Failure | undefined {
  const size = witnessed.treeSize;
  const at: TrailPlace = { kind: 'witness', line, treeSize: size };
  const who = `Witness line ${line} (checkpoint ${size})`;
  const bad = signatureFailure(witnessed, keys, at, who, size);
  if (bad !== undefined) return bad;
  if (head !== witnessed.rootHash) {
    return fail(
      size - 1,
      at,
      'witness-mismatch',
      `${who} does not match the trail: entries up to ${size} were rewritten after the witness saw them`,
    );
  }
  if (stored === undefined) {
    return fail(
      size,
      at,
      'checkpoint-missing',
      `${who} is missing from the database: its checkpoint row was deleted`,
    );
  }
  if (stored.rootHash !== witnessed.rootHash || stored.signature !== witnessed.signature) {
    return fail(
      size,
      { kind: 'checkpoint', treeSize: size },
      'witness-mismatch',
      `Checkpoint ${size} differs from what the witness holds (line ${line})`,
    );
  }
  return undefined;
}
