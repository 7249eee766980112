/**
 * @module Checks an audit entry's inclusion proof in the browser with Web Crypto, with the
 * Merkle checks the server uses too (src/shared/merkle-proof.ts: RFC 6962 hashing, RFC 9162
 * §2.1.3.2 verification) against the proof src/audit/merkle.ts builds, and the
 * checkpoint's Ed25519 signature where the browser supports it, so an auditor need not take
 * the server's word that the entry shown is the one the signed tree holds.
 */
import {
  equalBytes,
  fromHex,
  leafHash,
  rootFromInclusionProof,
  toHex,
  type Sha256,
} from '../shared/merkle-proof.ts';
import type { EntryProof as EntryProofJson } from '../api/audit.ts';

/** The Web Crypto calls used (the browser's `crypto.subtle`; passed in for tests). */
export type Subtle = Pick<SubtleCrypto, 'digest' | 'importKey' | 'verify'>;

function defaultSubtle(): Subtle {
  return globalThis.crypto.subtle;
}

/** SHA-256 through the given Web Crypto, for the shared Merkle checks. */
function sha256Of(subtle: Subtle): Sha256 {
  return async (data) => new Uint8Array(await subtle.digest('SHA-256', data));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
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
  const keyId = toHex(await sha256Of(subtle)(der)).slice(0, 16);
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
  const leaf = await leafHash(new TextEncoder().encode(proof.entry), sha256Of(subtle));
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
    sha256Of(subtle),
  );
  if (computed === undefined) return fail('The proof has the wrong length for this tree.');
  if (!equalBytes(computed, root)) {
    return fail('The proof does not lead to the checkpoint’s root hash.', toHex(computed));
  }
  return { ...base, signature, included: true, computedRoot: toHex(computed) };
}
