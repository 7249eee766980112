/**
 * @module The whole Merkle tree kept in memory (every perfect aligned subtree head, about 2n
 * hashes): the reference the tiled tree (src/audit/merkle-tiles.ts) is tested against. Only tests
 * use it; the server computes proofs from the stored tiles and verification keeps the right edge.
 */
import { EMPTY_ROOT, nodeHash, type Hash } from '../../src/audit/merkle.ts';

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * A whole tree kept in memory: every perfect aligned subtree head, built as leaves are
 * appended (about 2n hashes). Heads and proofs for any size up to {@link MerkleTree.size}
 * then cost O(log² n) instead of re-hashing every leaf, so a verifier can prove consistency
 * between every pair of consecutive checkpoints in one pass.
 */
export class MerkleTree {
  /** levels[h][i]: head of the perfect subtree of 2^h leaves starting at leaf i·2^h. */
  readonly #levels: Buffer[][] = [[]];

  /** A tree over the given leaf hashes. */
  static of(leaves: readonly Hash[]): MerkleTree {
    const tree = new MerkleTree();
    for (const leaf of leaves) tree.append(leaf);
    return tree;
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return (this.#levels[0] as Buffer[]).length;
  }

  /** The leaf hash at a zero-based index. */
  leaf(index: number): Buffer | undefined {
    return this.#levels[0]?.[index];
  }

  /** Adds a leaf hash on the right. */
  append(leaf: Hash): void {
    let level = 0;
    let node: Buffer = Buffer.from(leaf);
    for (;;) {
      const nodes = (this.#levels[level] ??= []);
      nodes.push(node);
      if (nodes.length % 2 === 1) return;
      node = nodeHash(nodes[nodes.length - 2] as Buffer, node);
      level += 1;
    }
  }

  /** MTH of the first `size` leaves (all of them by default). */
  head(size = this.size): Buffer {
    this.#checkSize(size);
    return this.#range(0, size);
  }

  /** Inclusion proof of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.#checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`Leaf ${index} is not in a tree of ${size}`);
    }
    const proof: Buffer[] = [];
    let [start, end, m] = [0, size, index];
    const stack: Buffer[] = [];
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (m < k) {
        stack.push(this.#range(start + k, end));
        end = start + k;
      } else {
        stack.push(this.#range(start, start + k));
        start += k;
        m -= k;
      }
    }
    // Collected root-first; the proof is leaf-first.
    for (let i = stack.length - 1; i >= 0; i -= 1) proof.push(stack[i] as Buffer);
    return proof;
  }

  /** Consistency proof from the first `m` leaves to the first `size` leaves. */
  consistencyProof(m: number, size = this.size): Buffer[] {
    this.#checkSize(size);
    if (!Number.isSafeInteger(m) || m < 0 || m > size) {
      throw new RangeError(`A tree of ${m} is not a prefix of a tree of ${size}`);
    }
    if (m === 0) return [];
    const stack: Buffer[] = [];
    let [start, end, mm, complete] = [0, size, m, true];
    while (mm !== end - start) {
      const k = splitPoint(end - start);
      if (mm <= k) {
        stack.push(this.#range(start + k, end));
        end = start + k;
      } else {
        stack.push(this.#range(start, start + k));
        start += k;
        mm -= k;
        complete = false;
      }
    }
    if (!complete) stack.push(this.#range(start, end));
    return stack.reverse();
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`The tree holds ${this.size} leaves, not ${size}`);
    }
  }

  #range(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    if (isPowerOfTwo(n) && start % n === 0) {
      let h = 0;
      while (2 ** h < n) h += 1;
      const cached = this.#levels[h]?.[start / n];
      if (cached !== undefined) return cached;
    }
    const k = splitPoint(n);
    return nodeHash(this.#range(start, start + k), this.#range(start + k, end));
  }
}
