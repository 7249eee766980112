/**
 * @module Inclusion proofs for single audit entries against the newest signed checkpoint, so an
 * auditor can check that the entry they are shown is the one the signed tree holds. Keeps one
 * in-memory tree per process, extended as the trail grows and rebuilt if it stops matching.
 */
import type { Store } from '../store/store.ts';
import { entryLeafHash, type AuditCheckpoints } from './audit-checkpoints.ts';
import type { Checkpoint } from './checkpoint-signer.ts';
import { verifyInclusion } from '../shared/merkle-proof.ts';
import { MerkleTree } from './merkle.ts';

/** One entry's proof of inclusion in a signed tree head. */
export interface EntryProof {
  readonly seq: number;
  /** Zero-based leaf index (seq − 1). */
  readonly leafIndex: number;
  /** The entry's stored canonical JSON: the leaf data. */
  readonly entry: string;
  /** Hex SHA-256(0x00 || entry). */
  readonly leafHash: string;
  /** Hex sibling hashes, nearest the leaf first (RFC 9162 §2.1.3). */
  readonly proof: readonly string[];
  /** The signed checkpoint the proof leads to. */
  readonly checkpoint: Checkpoint;
  /** Whether the server itself checked the proof against the checkpoint's root. */
  readonly verified: boolean;
}

/** Why no proof could be given. */
export type ProofRefusal = 'no-such-entry' | 'not-checkpointed' | 'trail-mismatch';

/** Inclusion proofs over the store. */
export interface AuditProofs {
  /** The checkpoint signing key's public half (SPKI PEM), for checking signatures. */
  readonly publicKeyPem: string;
  /** The proof for entry `seq`, signing a new checkpoint first if none covers it yet. */
  proofFor(
    seq: number,
  ): Promise<{ ok: true; proof: EntryProof } | { ok: false; reason: ProofRefusal }>;
}

/** What {@link createAuditProofs} needs. */
export interface AuditProofsDeps {
  readonly store: Store;
  readonly checkpoints: AuditCheckpoints;
  /** The public key checkpoints are signed with (SPKI PEM). */
  readonly publicKeyPem: string;
}

/** Creates the proof service. */
export function createAuditProofs(deps: AuditProofsDeps): AuditProofs {
  const { store, checkpoints } = deps;
  let tree = new MerkleTree();
  let building: Promise<void> | undefined;

  async function extendTo(size: number): Promise<void> {
    while (tree.size < size) {
      const rows = await store.db
        .selectFrom('audit_entries')
        .select(['seq', 'entry'])
        .where('seq', '>', tree.size)
        .where('seq', '<=', size)
        .orderBy('seq', 'asc')
        .limit(5000)
        .execute();
      if (rows.length === 0) return;
      for (const row of rows) {
        if (row.seq !== tree.size + 1) return; // a gap: the tree stops short
        tree.append(entryLeafHash(row.entry));
      }
    }
  }

  async function treeFor(checkpoint: Checkpoint): Promise<MerkleTree | undefined> {
    // One reader extends the shared tree at a time.
    while (building !== undefined) await building;
    const work = (async () => {
      await extendTo(checkpoint.treeSize);
      if (
        tree.size >= checkpoint.treeSize &&
        tree.head(checkpoint.treeSize).toString('hex') === checkpoint.rootHash
      ) {
        return;
      }
      tree = new MerkleTree();
      await extendTo(checkpoint.treeSize);
    })();
    building = work;
    try {
      await work;
    } finally {
      building = undefined;
    }
    const matches =
      tree.size >= checkpoint.treeSize &&
      tree.head(checkpoint.treeSize).toString('hex') === checkpoint.rootHash;
    return matches ? tree : undefined;
  }

  return {
    publicKeyPem: deps.publicKeyPem,
    async proofFor(seq) {
      const row = await store.db
        .selectFrom('audit_entries')
        .select(['seq', 'entry'])
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (row === undefined) return { ok: false, reason: 'no-such-entry' };
      let checkpoint = await checkpoints.latest();
      if (checkpoint === null || checkpoint.treeSize < seq) {
        checkpoint = await checkpoints.checkpointNow();
      }
      if (checkpoint === null || checkpoint.treeSize < seq) {
        return { ok: false, reason: 'not-checkpointed' };
      }
      const built = await treeFor(checkpoint);
      if (built === undefined) return { ok: false, reason: 'trail-mismatch' };
      const leaf = entryLeafHash(row.entry);
      const index = seq - 1;
      if (!built.leaf(index)?.equals(leaf)) return { ok: false, reason: 'trail-mismatch' };
      const path = built.inclusionProof(index, checkpoint.treeSize);
      const verified = await verifyInclusion(
        index,
        checkpoint.treeSize,
        leaf,
        path,
        Buffer.from(checkpoint.rootHash, 'hex'),
      );
      return {
        ok: true,
        proof: {
          seq,
          leafIndex: index,
          entry: row.entry,
          leafHash: leaf.toString('hex'),
          proof: path.map((p) => p.toString('hex')),
          checkpoint,
          verified,
        },
      };
    },
  };
}
