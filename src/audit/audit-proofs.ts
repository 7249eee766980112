/**
 * @module Inclusion proofs for single audit entries against the newest signed checkpoint, so an
 * auditor can check that the entry they are shown is the one the signed tree holds, and
 * consistency proofs between tree sizes. Computed from the stored Merkle tiles
 * (src/audit/audit-tiles.ts): a few tiles read per proof, whatever the trail's length, never the
 * entries. Tiles behind the entries (a database from before tiles) are caught up first.
 */
import type { Store } from '../store/store.ts';
import { entryLeafHash, type AuditCheckpoints } from './audit-checkpoints.ts';
import type { Checkpoint } from './checkpoint-signer.ts';
import { verifyInclusion } from '../shared/merkle-proof.ts';
import { catchUpAuditTiles, createTileProofs } from './audit-tiles.ts';
import { TilesIncomplete } from './merkle-tiles.ts';

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
  /**
   * The consistency proof (hex, RFC 9162 §2.1.4) from the tree of the first `first` entries to
   * the tree of the first `second`. Throws RangeError when `first` > `second`, and
   * TilesIncomplete (src/audit/merkle-tiles.ts) when, even after a catch-up, the tiles hold
   * fewer than `second` entries.
   */
  consistencyProof(first: number, second: number): Promise<string[]>;
  /**
   * The Merkle tree head (hex) over the first `size` entries, as a checkpoint of that size signs
   * it (TilesIncomplete as for {@link AuditProofs.consistencyProof}).
   */
  headAt(size: number): Promise<string>;
  /** Brings the tiles up to the last entry (at start-up, in the background); resolves when done. */
  catchUp(): Promise<void>;
}

/** What {@link createAuditProofs} needs. */
export interface AuditProofsDeps {
  readonly store: Store;
  readonly checkpoints: AuditCheckpoints;
  /** The public key checkpoints are signed with (SPKI PEM). */
  readonly publicKeyPem: string;
  /** Stops a tile catch-up between batches (on shutdown). */
  readonly signal?: AbortSignal;
}

/** Creates the proof service. */
export function createAuditProofs(deps: AuditProofsDeps): AuditProofs {
  const { store, checkpoints } = deps;
  const tiles = createTileProofs(store.db);
  let catchingUp: Promise<void> | undefined;

  /** One catch-up at a time; callers arriving meanwhile share it. */
  function catchUp(): Promise<void> {
    catchingUp ??= catchUpAuditTiles(
      store,
      deps.signal === undefined ? {} : { signal: deps.signal },
    )
      .then(() => undefined)
      .finally(() => {
        catchingUp = undefined;
      });
    return catchingUp;
  }

  /** `compute` over the tiles; when a tile it needs is missing, after a catch-up, once more. */
  async function fromTiles<T>(compute: () => Promise<T>): Promise<T> {
    try {
      return await compute();
    } catch (error) {
      if (!(error instanceof TilesIncomplete)) throw error;
      await catchUp();
      return compute();
    }
  }

  return {
    publicKeyPem: deps.publicKeyPem,
    catchUp,
    async consistencyProof(first, second) {
      const proof = await fromTiles(() => tiles.consistencyProof(first, second));
      return proof.map((p) => p.toString('hex'));
    },
    async headAt(size) {
      return (await fromTiles(() => tiles.head(size))).toString('hex');
    },
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
      const size = checkpoint.treeSize;
      const leaf = entryLeafHash(row.entry);
      const index = seq - 1;
      let path: Buffer[];
      try {
        path = await fromTiles(() => tiles.inclusionProof(index, size));
      } catch (error) {
        // Still missing after a catch-up: the tiles do not fit the entries (verify says where).
        if (error instanceof TilesIncomplete) return { ok: false, reason: 'trail-mismatch' };
        throw error;
      }
      // The proof leads from this entry, as stored, to the signed root, or the trail (or its
      // tiles) no longer match what was signed: nothing unverified is handed out.
      const verified = await verifyInclusion(
        index,
        size,
        leaf,
        path,
        Buffer.from(checkpoint.rootHash, 'hex'),
      );
      if (!verified) return { ok: false, reason: 'trail-mismatch' };
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
