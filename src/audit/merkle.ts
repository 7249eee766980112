/**
 * @module Merkle tree hashing and proofs in the RFC 6962 / RFC 9162 style: leaf and node hashes
 * with domain separation, the tree head of a list, inclusion (audit path) and consistency
 * proofs, and a compact frontier for building heads incrementally. Building is here
 * (node:crypto, synchronous, fast over many leaves); checking a proof is in
 * src/shared/merkle-proof.ts, the one implementation the server and the browser share.
 *
 * The whole tree kept in memory, the reference the tiled tree (src/audit/merkle-tiles.ts) is
 * tested against, is test/support/merkle-tree.ts; the server never holds one.
 *
 * Every function that takes `leaves` takes LEAF HASHES (see {@link leafHash}), not raw data:
 * the audit trail hashes each entry once and reuses the hash for every tree size.
 * Sizes and indexes are plain numbers (safe integers); no 32-bit bitwise operators are used.
 */
import { createHash, hash } from 'node:crypto';

/** A 32-byte SHA-256 value. */
export type Hash = Uint8Array;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** RFC 6962 §2.1: the hash of a leaf, SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** {@link leafHash} of a string's UTF-8 bytes, in one call (a string's 0x00 prefix is U+0000). */
export function leafHashOfText(text: string): Buffer {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

/** RFC 6962 §2.1: the hash of an interior node, SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // One-shot over 0x01 || left || right: cheaper than three updates of a Hash object.
  const data = Buffer.allocUnsafe(1 + left.length + right.length);
  data[0] = NODE_PREFIX[0] as number;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return hash('sha256', data, 'buffer');
}

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** RFC 6962 §2.1: the Merkle tree hash (tree head) of a list of leaf hashes. */
export function treeHead(leaves: readonly Hash[]): Buffer {
  return subtreeHead(leaves, 0, leaves.length);
}

function subtreeHead(leaves: readonly Hash[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leaves[start] as Hash);
  const k = splitPoint(n);
  return nodeHash(subtreeHead(leaves, start, start + k), subtreeHead(leaves, start + k, end));
}

/**
 * RFC 9162 §2.1.3.1: the inclusion proof (audit path) of the leaf at zero-based `index` in
 * the tree of all `leaves`, nearest the leaf first. Throws RangeError for an index outside it.
 */
export function inclusionProof(index: number, leaves: readonly Hash[]): Buffer[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`Leaf ${index} is not in a tree of ${leaves.length}`);
  }
  return path(index, leaves, 0, leaves.length);
}

function path(m: number, leaves: readonly Hash[], start: number, end: number): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) {
    return [...path(m, leaves, start, start + k), subtreeHead(leaves, start + k, end)];
  }
  return [...path(m - k, leaves, start + k, end), subtreeHead(leaves, start, start + k)];
}

/**
 * RFC 9162 §2.1.4.1: the consistency proof from the tree of the first `m` leaves to the tree
 * of all `leaves`. Empty when m is 0 or equals the size. Throws RangeError when m is larger.
 */
export function consistencyProof(m: number, leaves: readonly Hash[]): Buffer[] {
  if (!Number.isSafeInteger(m) || m < 0 || m > leaves.length) {
    throw new RangeError(`A tree of ${m} is not a prefix of a tree of ${leaves.length}`);
  }
  if (m === 0) return [];
  return subproof(m, leaves, 0, leaves.length, true);
}

function subproof(
  m: number,
  leaves: readonly Hash[],
  start: number,
  end: number,
  complete: boolean,
): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeHead(leaves, start, end)];
  const k = splitPoint(n);
  if (m <= k) {
    return [
      ...subproof(m, leaves, start, start + k, complete),
      subtreeHead(leaves, start + k, end),
    ];
  }
  return [...subproof(m - k, leaves, start + k, end, false), subtreeHead(leaves, start, start + k)];
}

/**
 * The right edge of a growing tree: the heads of its perfect subtrees, largest first (one per
 * set bit of the size). Appending is amortised O(1), the head O(log n), so a verifier can
 * check a signed head at every checkpoint in one pass over the trail.
 */
export class MerkleFrontier {
  #size = 0;
  readonly #nodes: Buffer[] = [];

  /** A frontier resumed from {@link MerkleFrontier.nodes} of a tree of `size` leaves. */
  static resume(size: number, nodes: readonly Hash[]): MerkleFrontier {
    let bits = 0;
    for (let s = size; s > 0; s = half(s)) if (odd(s)) bits += 1;
    if (!Number.isSafeInteger(size) || size < 0 || bits !== nodes.length) {
      throw new RangeError(
        `A tree of ${size} leaves has ${bits} frontier nodes, not ${nodes.length}`,
      );
    }
    const frontier = new MerkleFrontier();
    frontier.#size = size;
    frontier.#nodes.push(...nodes.map((node) => Buffer.from(node)));
    return frontier;
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return this.#size;
  }

  /** The perfect-subtree heads, largest (leftmost) first. */
  get nodes(): readonly Buffer[] {
    return this.#nodes;
  }

  /** Adds a leaf hash on the right. */
  append(leaf: Hash): void {
    let node: Buffer = Buffer.from(leaf);
    // Each trailing set bit of the old size is a perfect subtree the new leaf completes.
    for (let s = this.#size; odd(s); s = half(s)) {
      node = nodeHash(this.#nodes.pop() as Buffer, node);
    }
    this.#nodes.push(node);
    this.#size += 1;
  }

  /** MTH of the leaves so far. */
  head(): Buffer {
    if (this.#nodes.length === 0) return EMPTY_ROOT;
    let root = this.#nodes[this.#nodes.length - 1] as Buffer;
    for (let i = this.#nodes.length - 2; i >= 0; i -= 1) {
      root = nodeHash(this.#nodes[i] as Buffer, root);
    }
    return root;
  }
}
