/**
 * @module Signs and checks audit checkpoints with Ed25519 (node:crypto), and finds or creates
 * the signing key: from `audit.signingKeyFile`, else a demo key made in the data directory.
 *
 * The signed statement is the RFC 8785 canonical JSON of
 * `{ "v": 1, "origin": "my-care-record/audit", "treeSize": n, "rootHash": "<hex>",
 *    "timestamp": "<ISO-8601 UTC>", "keyId": "<hex>" }`, so anyone with the public key and a
 * JCS library can check a checkpoint without our code.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from './canonical-json.ts';

/** Names the log a checkpoint belongs to, inside the signed statement. */
export const CHECKPOINT_ORIGIN = 'my-care-record/audit';

/** The demo signing key's file name inside the data directory. */
export const DEMO_KEY_FILE_NAME = 'audit-signing-key.pem';

/** A signed Merkle tree head over the first `treeSize` audit entries. */
export interface Checkpoint {
  readonly treeSize: number;
  /** Lowercase hex tree head. */
  readonly rootHash: string;
  /** When it was signed (ISO-8601 UTC). */
  readonly timestamp: string;
  /** Which key signed it (see {@link keyIdOf}). */
  readonly keyId: string;
  /** Base64 Ed25519 signature over {@link checkpointMessage}. */
  readonly signature: string;
}

/** Signs checkpoints with one private key. */
export interface CheckpointSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  sign(head: { treeSize: number; rootHash: string; timestamp: string }): Checkpoint;
}

/** The bytes a checkpoint's signature covers. */
export function checkpointMessage(checkpoint: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(
    canonicalJson({
      v: 1,
      origin: CHECKPOINT_ORIGIN,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      timestamp: checkpoint.timestamp,
      keyId: checkpoint.keyId,
    }),
    'utf8',
  );
}

/** A key's id: the first 16 hex digits of SHA-256 of its SubjectPublicKeyInfo (DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** A signer over an Ed25519 private key. */
export function createCheckpointSigner(privateKey: KeyObject): CheckpointSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `The audit signing key must be Ed25519, not ${String(privateKey.asymmetricKeyType)}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKey,
    sign(head) {
      const unsigned = { ...head, keyId };
      const signature = sign(null, checkpointMessage(unsigned), privateKey).toString('base64');
      return { ...unsigned, signature };
    },
  };
}

/** How a checkpoint's signature checked out. */
export type SignatureCheck = 'valid' | 'unknown-key' | 'bad-signature';

/** Checks a checkpoint's signature against the trusted public keys, by key id. */
export function checkCheckpointSignature(
  checkpoint: Checkpoint,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): SignatureCheck {
  const key = trustedKeys.get(checkpoint.keyId);
  if (key === undefined) return 'unknown-key';
  let signature: Buffer;
  try {
    signature = Buffer.from(checkpoint.signature, 'base64');
  } catch {
    return 'bad-signature';
  }
  try {
    return verify(null, checkpointMessage(checkpoint), key, signature) ? 'valid' : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}

/** Trusted keys by id, from public or private keys. */
export function trustedKeys(keys: readonly KeyObject[]): Map<string, KeyObject> {
  const map = new Map<string, KeyObject>();
  for (const key of keys) {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    map.set(keyIdOf(publicKey), publicKey);
  }
  return map;
}

/** Where the signing key lives: the configured file, or the demo key in the data directory. */
export function signingKeyPath(
  settings: { signingKeyFile?: string | undefined },
  dataDir: string,
): string {
  return settings.signingKeyFile === undefined
    ? join(resolve(dataDir), DEMO_KEY_FILE_NAME)
    : resolve(settings.signingKeyFile);
}

/**
 * Reads the Ed25519 private key (PKCS#8 PEM). With no `signingKeyFile` configured and no demo
 * key yet, creates one in the data directory, owner-only (0600). A configured file that is
 * missing is an error: a real deployment must never sign with a key made up on the spot.
 */
export function loadSigningKey(
  settings: { signingKeyFile?: string | undefined },
  dataDir: string,
): KeyObject {
  const path = signingKeyPath(settings, dataDir);
  if (!existsSync(path)) {
    if (settings.signingKeyFile !== undefined) {
      throw new Error(`audit.signingKeyFile ${path} does not exist`);
    }
    mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      // 'wx': if another process made the key first, keep theirs.
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return createPrivateKey(readFileSync(path));
}

/** Reads a public key (SPKI PEM) or a private key's public half from a PEM file. */
export function loadPublicKey(path: string): KeyObject {
  const pem = readFileSync(path, 'utf8');
  return pem.includes('PRIVATE KEY')
    ? createPublicKey(createPrivateKey(pem))
    : createPublicKey(pem);
}
