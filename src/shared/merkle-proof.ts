/**
 * @module Checking Merkle proofs of the audit trail, RFC 6962 hashing and RFC 9162 §2.1.3.2 /
 * §2.1.4.2 verification, with Web Crypto only, so the one implementation runs in the browser
 * (src/web/proof-check.ts) and on the server (src/audit/audit-proofs.ts, tests) alike.
 * src/audit/merkle.ts builds trees and proofs (node:crypto, synchronous, for speed over many
 * leaves); everything that checks one is here. Sizes and indexes are plain numbers (safe
 * integers); no 32-bit bitwise operators are used.
 */

/** SHA-256 of some bytes. */
export type Sha256 = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/** SHA-256 with Web Crypto (`globalThis.crypto.subtle`, in browsers and in Node). */
export const webSha256: Sha256 = async (data) =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));

function joined(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** RFC 6962 §2.1: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array, sha256: Sha256 = webSha256): Promise<Uint8Array> {
  return sha256(joined([LEAF_PREFIX, data]));
}

/** RFC 6962 §2.1: SHA-256(0x01 || left || right). */
export function nodeHash(
  left: Uint8Array,
  right: Uint8Array,
  sha256: Sha256 = webSha256,
): Promise<Uint8Array> {
  return sha256(joined([NODE_PREFIX, left, right]));
}

/** RFC 6962 §2.1: the tree head of a list of leaf hashes (small lists: tests, checks). */
export async function treeHead(
  leaves: readonly Uint8Array[],
  sha256: Sha256 = webSha256,
): Promise<Uint8Array> {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const [left, right] = await Promise.all([
    treeHead(leaves.slice(0, k), sha256),
    treeHead(leaves.slice(k), sha256),
  ]);
  return nodeHash(left, right, sha256);
}

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * RFC 9162 §2.1.3.2: the root the proof leads to from the leaf hash at zero-based `index` in a
 * tree of `treeSize` leaves, or undefined when the proof has the wrong length for that place.
 */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  sha256: Sha256 = webSha256,
): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return undefined;
  if (index < 0 || index >= treeSize) return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r, sha256);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: true when `proof` shows the leaf is in the tree with head `root`. */
export async function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256 = webSha256,
): Promise<boolean> {
  const computed = await rootFromInclusionProof(index, treeSize, leaf, proof, sha256);
  return computed !== undefined && equalBytes(computed, root);
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows the tree of `firstSize` leaves with head
 * `firstRoot` is a prefix of the tree of `secondSize` leaves with head `secondRoot`.
 * Two equal sizes are consistent when the heads are equal and the proof is empty; an empty
 * first tree is consistent with anything (RFC 9162 has nothing to prove there).
 */
export async function verifyConsistency(
  firstSize: number,
  secondSize: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
  sha256: Sha256 = webSha256,
): Promise<boolean> {
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize)) return false;
  if (firstSize < 0 || firstSize > secondSize) return false;
  if (firstSize === 0) return proof.length === 0;
  if (firstSize === secondSize) return proof.length === 0 && equalBytes(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr, sha256);
      sr = await nodeHash(c, sr, sha256);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot);
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hex to bytes; undefined when it is not whole bytes of hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Byte-for-byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
