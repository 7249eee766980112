/**
 * @module A large synthetic audit trail written straight into a store, fast: well-formed
 * `record-view-completed` entries chained as the audit log chains them, with a signed checkpoint
 * (and its frontier) every `checkpointEvery` entries, as the checkpointer would have signed them,
 * and, if asked, the Merkle tiles the audit log would have written with them (without: a trail
 * from before tiles). For the streaming-verify and tile tests and benches; it bypasses the audit
 * log only to be quick.
 */
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { entryLeafHash } from '../../src/audit/audit-checkpoints.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { GENESIS_PREV_HASH, chainHash, entryEnvelopeJson } from '../../src/audit/chain-hash.ts';
import type { CheckpointSigner } from '../../src/audit/checkpoint-signer.ts';
import { writeTiles } from '../../src/audit/audit-tiles.ts';
import { MerkleFrontier } from '../../src/audit/merkle.ts';
import { TileEdge } from '../../src/audit/merkle-tiles.ts';
import { auditEntryColumns, type AuditEntryColumns } from '../../src/store/audit-entry-fields.ts';
import type { AuditEntriesTable } from '../../src/store/schema.ts';
import type { Store } from '../../src/store/store.ts';

/** What {@link writeSyntheticTrail} writes. */
export interface SyntheticTrailOptions {
  readonly entries: number;
  readonly signer: CheckpointSigner;
  /** A checkpoint every this many entries (and one at the end). */
  readonly checkpointEvery: number;
  /** Rows per INSERT. */
  readonly rowsPerInsert?: number;
  /** Rows per transaction. */
  readonly rowsPerTransaction?: number;
  /** Write the Merkle tiles too, in the same transactions (false: a trail from before tiles). */
  readonly tiles?: boolean;
}

const PLACEHOLDER = 'synthetic-REQUEST';

/** A typical view's end entry; the request id is replaced per entry. */
function templateEvent(): AuditEvent {
  return {
    action: 'record-view-completed',
    time: '2026-01-01T09:00:00.000Z',
    requestId: PLACEHOLDER,
    client: { address: '192.0.2.10', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
    actor: {
      userId: 'u-0001',
      username: 'amara.okafor',
      displayName: 'Dr Amara Okafor',
      role: 'gp',
      organisation: 'A81001',
    },
    outcome: 'success',
    nhsNumber: '9990000018',
    basis: { permissionId: 'perm-1', basis: 'consent' },
    sources: [
      {
        id: 'gp-a81001',
        status: 'answered',
        elapsedMs: 412,
        counts: { medications: 7 },
        httpStatus: 200,
        warnings: [],
      },
    ],
    withheld: {},
    elapsedMs: 420,
  };
}

/** Appends `entries` synthetic entries (the store must hold none) with their checkpoints. */
export async function writeSyntheticTrail(
  store: Store,
  options: SyntheticTrailOptions,
): Promise<void> {
  const rowsPerInsert = options.rowsPerInsert ?? 400;
  const rowsPerTransaction = options.rowsPerTransaction ?? 50_000;
  const [before, after] = canonicalJson(templateEvent()).split(PLACEHOLDER) as [string, string];
  // Every entry differs from the template in its request id alone: the same search columns.
  const columns = auditEntryColumns(templateEvent());
  const frontier = new MerkleFrontier();
  const edge = options.tiles === true ? new TileEdge() : undefined;
  let prevHash = GENESIS_PREV_HASH;
  const start = Date.parse('2026-01-01T09:00:00.000Z');
  let seq = 0;
  while (seq < options.entries) {
    const end = Math.min(options.entries, seq + rowsPerTransaction);
    await store.withAuditLock(async (trx) => {
      while (seq < end) {
        const rows: (AuditEntriesTable & AuditEntryColumns)[] = [];
        const checkpoints = [];
        const stop = Math.min(end, seq + rowsPerInsert);
        while (seq < stop) {
          seq += 1;
          const recordedAt = new Date(start + seq).toISOString();
          const entry = entryEnvelopeJson(seq, recordedAt, `${before}synthetic-${seq}${after}`);
          const hash = chainHash(prevHash, entry);
          rows.push({ seq, recorded_at: recordedAt, entry, hash, prev_hash: prevHash, ...columns });
          prevHash = hash;
          const leaf = entryLeafHash(entry);
          frontier.append(leaf);
          edge?.append(leaf);
          if (seq % options.checkpointEvery === 0 || seq === options.entries) {
            const checkpoint = options.signer.sign({
              treeSize: seq,
              rootHash: frontier.head().toString('hex'),
              timestamp: new Date(start + seq).toISOString(),
            });
            checkpoints.push({
              tree_size: checkpoint.treeSize,
              root_hash: checkpoint.rootHash,
              created_at: checkpoint.timestamp,
              key_id: checkpoint.keyId,
              signature: checkpoint.signature,
              frontier: JSON.stringify(frontier.nodes.map((n) => n.toString('hex'))),
            });
          }
        }
        await trx.insertInto('audit_entries').values(rows).execute();
        if (edge !== undefined) await writeTiles(trx, edge.takeChanged());
        if (checkpoints.length > 0) {
          await trx.insertInto('audit_checkpoints').values(checkpoints).execute();
        }
      }
    });
  }
}
