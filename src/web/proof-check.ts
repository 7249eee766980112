/**
 * @module Checks an audit entry's inclusion proof in the browser with Web Crypto, exactly as
 * src/audit/merkle.ts builds it (RFC 6962 hashing, RFC 9162 §2.1.3.2 verification), and the
 * checkpoint's Ed25519 signature where the browser supports it, so an auditor need not take
 * the server's word that the entry shown is the one the signed tree holds.
 */
import type { EntryProofJson } from './oversight-types.ts';

/** The Web Crypto calls used (the browser's `crypto.subtle`; passed in for tests). */
export type Subtle = Pick<SubtleCrypto, 'digest' | 'importKey' | 'verify'>;

function defaultSubtle(): Subtle {
  return globalThis.crypto.subtle;
}

async function sha256(subtle: Subtle, ...parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await subtle.digest('SHA-256', joined));
}

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** RFC 6962 §2.1: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array, subtle = defaultSubtle()): Promise<Uint8Array> {
  return sha256(subtle, LEAF_PREFIX, data);
}

/** RFC 6962 §2.1: SHA-256(0x01 || left || right). */
export function nodeHash(
  left: Uint8Array,
  right: Uint8Array,
  subtle = defaultSubtle(),
): Promise<Uint8Array> {
  return sha256(subtle, NODE_PREFIX, left, right);
}

/** RFC 6962 §2.1: the tree head of a list of leaf hashes (used to test this module). */
export async function treeHead(
  leaves: readonly Uint8Array[],
  subtle = defaultSubtle(),
): Promise<Uint8Array> {
  if (leaves.length === 0) return sha256(subtle);
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const [left, right] = await Promise.all([
    treeHead(leaves.slice(0, k), subtle),
    treeHead(leaves.slice(k), subtle),
  ]);
  return nodeHash(left, right, subtle);
}

/**
 * RFC 9162 §2.1.3.2: the root the proof leads to from the leaf hash at `index` in a tree of
 * `treeSize` leaves, or undefined when the proof has the wrong length for that place.
 */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  subtle = defaultSubtle(),
): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return undefined;
  if (index < 0 || index >= treeSize) return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r, subtle);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p, subtle);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: true when the proof shows the leaf is in the tree with head `root`. */
export async function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  subtle = defaultSubtle(),
): Promise<boolean> {
  const computed = await rootFromInclusionProof(index, treeSize, leaf, proof, subtle);
  return computed !== undefined && equalBytes(computed, root);
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

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The bytes a checkpoint's signature covers: RFC 8785 canonical JSON of a flat object of
 * strings and integers, which is its keys sorted with `JSON.stringify` values
 * (as src/audit/checkpoint-signer.ts `checkpointMessage`).
 */
export function checkpointMessage(
  checkpoint: EntryProofJson['checkpoint'],
): Uint8Array<ArrayBuffer> {
  const statement: Record<string, string | number> = {
    v: 1,
    origin: 'my-care-record/audit',
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    timestamp: checkpoint.timestamp,
    keyId: checkpoint.keyId,
  };
  const keys = Object.keys(statement).sort();
  const body = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(statement[key])}`);
  return new TextEncoder().encode(`{${body.join(',')}}`);
}

/** How the checkpoint's signature checked out in the browser. */
export type SignatureCheck =
  | 'valid'
  /** The public key sent is not the one the checkpoint names. */
  | 'wrong-key'
  | 'bad-signature'
  /** This browser's Web Crypto has no Ed25519. */
  | 'unsupported';

/** The outcome of checking one entry's proof. */
export interface ProofCheck {
  /** True when the entry hashes to its leaf and the path leads to the checkpoint's root. */
  readonly included: boolean;
  /** Why not, in words, when `included` is false. */
  readonly problem?: string;
  readonly signature: SignatureCheck;
  readonly treeSize: number;
  readonly keyId: string;
  /** The root the browser computed from the proof, hex (absent when the proof is malformed). */
  readonly computedRoot?: string;
}

async function checkSignature(proof: EntryProofJson, subtle: Subtle): Promise<SignatureCheck> {
  const body = proof.publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s/g, '');
  const der = fromBase64(body);
  const signature = fromBase64(proof.checkpoint.signature);
  if (der === undefined || signature === undefined) return 'bad-signature';
  // The key id is the first 16 hex digits of SHA-256 of the key's SubjectPublicKeyInfo.
  const keyId = toHex(await sha256(subtle, der)).slice(0, 16);
  if (keyId !== proof.checkpoint.keyId) return 'wrong-key';
  let key: CryptoKey;
  try {
    key = await subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    return error instanceof DOMException && error.name === 'DataError'
      ? 'bad-signature'
      : 'unsupported';
  }
  try {
    const valid = await subtle.verify(
      { name: 'Ed25519' },
      key,
      signature,
      checkpointMessage(proof.checkpoint),
    );
    return valid ? 'valid' : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}

/**
 * Checks, in the browser: the entry text hashes to the leaf, its sequence number is the one
 * asked for, the audit path leads to the checkpoint's root, and the checkpoint is signed.
 */
export async function checkEntryProof(
  proof: EntryProofJson,
  expectedSeq: number,
  subtle = defaultSubtle(),
): Promise<ProofCheck> {
  const { checkpoint } = proof;
  const base = { treeSize: checkpoint.treeSize, keyId: checkpoint.keyId };
  const signature = await checkSignature(proof, subtle);
  const fail = (problem: string, computedRoot?: string): ProofCheck => ({
    ...base,
    signature,
    included: false,
    problem,
    ...(computedRoot === undefined ? {} : { computedRoot }),
  });
  let entrySeq: unknown;
  try {
    entrySeq = (JSON.parse(proof.entry) as { seq?: unknown }).seq;
  } catch {
    return fail('The entry text is not valid JSON.');
  }
  if (entrySeq !== expectedSeq || proof.leafIndex !== expectedSeq - 1) {
    return fail(`The proof is for another entry, not number ${expectedSeq}.`);
  }
  const leaf = await leafHash(new TextEncoder().encode(proof.entry), subtle);
  if (toHex(leaf) !== proof.leafHash.toLowerCase()) {
    return fail('The entry text does not hash to the leaf the proof starts from.');
  }
  const path = proof.proof.map(fromHex);
  const root = fromHex(checkpoint.rootHash);
  if (root === undefined || path.some((p) => p === undefined || p.length !== 32)) {
    return fail('The proof is malformed.');
  }
  const computed = await rootFromInclusionProof(
    proof.leafIndex,
    checkpoint.treeSize,
    leaf,
    path as Uint8Array[],
    subtle,
  );
  if (computed === undefined) return fail('The proof has the wrong length for this tree.');
  if (!equalBytes(computed, root)) {
    return fail('The proof does not lead to the checkpoint’s root hash.', toHex(computed));
  }
  return { ...base, signature, included: true, computedRoot: toHex(computed) };
}
