/**
 * @module Signed checkpoints of the audit trail: every N entries or T seconds, the Merkle tree
 * head over entries 1..n is signed (Ed25519), stored in `audit_checkpoints`, and handed to the
 * external witness if one is configured. Safe with several writers and several processes: a
 * checkpoint covers a committed, gapless prefix, and two processes signing the same size is
 * harmless (the primary key keeps one).
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/store.ts';
import { isUniqueViolation } from '../store/store.ts';
import type { AuditCheckpointsTable, DatabaseSchema } from '../store/schema.ts';
import type { Checkpoint, CheckpointSigner } from './checkpoint-signer.ts';
import { sendToWitness, type WitnessAlarm, type WitnessTarget } from './checkpoint-witness.ts';
import { GENESIS_PREV_HASH } from './chain-hash.ts';
import { MerkleFrontier, leafHashOfText } from './merkle.ts';
import { walkAuditChain } from './verify-chain.ts';

/** When checkpoints are made. */
export interface CheckpointSchedule {
  /** A checkpoint once this many entries have been appended since the last. */
  readonly checkpointEvery: number;
  /** And at least this often (seconds) while new entries keep arriving; 0 turns the timer off. */
  readonly checkpointSeconds: number;
}

/** What {@link createAuditCheckpoints} needs. */
export interface AuditCheckpointsDeps {
  readonly store: Store;
  readonly signer: CheckpointSigner;
  readonly schedule: CheckpointSchedule;
  readonly witness?: WitnessTarget | undefined;
  readonly now?: () => Date;
  /** Told about a checkpoint that could not be made or witnessed (appends never wait on one). */
  readonly onError?: (error: unknown, what: 'checkpoint' | 'witness') => void;
}

/** An entry as this process wrote it: enough to sign it without reading it back. */
export interface WrittenEntry {
  /** The hash of the entry before it. */
  readonly prevHash: string;
  /** Its Merkle leaf hash ({@link entryLeafHash} of its stored JSON). */
  readonly leaf: Buffer;
}

/** The trail's signed checkpoints. */
export interface AuditCheckpoints {
  /**
   * Tells the checkpointer an entry was appended; starts a checkpoint when one is due. With the
   * entry's hash, the next checkpoint also checks that this entry is still in the trail as it
   * was appended (so an unsigned tail cut or rewritten behind the server's back is caught). With
   * `written` too (this process wrote it, and made its hash, leaf and link itself), the next
   * checkpoint takes its leaf from memory instead of reading the entry back and checking it
   * again; entries it was not told of this way (another process's) are read and checked.
   */
  noteAppended(seq: number, hash?: string, written?: WrittenEntry): void;
  /**
   * Signs the head of the whole trail now if it has grown since the last checkpoint, and
   * returns the newest checkpoint (null for an empty trail). Refuses (throws) to sign over an
   * entry that fails the hash chain, over a trail that has lost or changed an entry this process
   * appended, or below the last checkpoint — and then sends the witness an alarm, once per
   * problem: a checkpoint must never launder tampering.
   */
  checkpointNow(): Promise<Checkpoint | null>;
  /** The checkpoint over the most entries, or null. */
  latest(): Promise<Checkpoint | null>;
  /** Starts the timer (`checkpointSeconds`). */
  start(): void;
  /** Stops the timer, waits for a checkpoint in progress, and signs a last one if due. */
  stop(): Promise<void>;
}

/** A stored checkpoint row as a {@link Checkpoint}. */
export function checkpointFromRow(row: AuditCheckpointsTable): Checkpoint {
  return {
    treeSize: row.tree_size,
    rootHash: row.root_hash,
    timestamp: row.created_at,
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** The Merkle leaf hash of an entry: SHA-256(0x00 || its stored canonical JSON bytes). */
export function entryLeafHash(entryJson: string): Buffer {
  return leafHashOfText(entryJson);
}

/** The seq of the trail's last entry, 0 when it is empty: how many entries it holds. */
export async function auditHeadSeq(db: Kysely<DatabaseSchema>): Promise<number> {
  const head = await db
    .selectFrom('audit_entries')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return head === undefined ? 0 : head.seq;
}

/**
 * The most entries written by this process kept in memory for the next checkpoint (a few
 * checkpoint intervals' worth); past it they are forgotten and that checkpoint reads them back.
 */
const MAX_WRITTEN = 65_536;

/** Creates the checkpointer. Nothing runs until an append is noted or {@link AuditCheckpoints.start}. */
export function createAuditCheckpoints(deps: AuditCheckpointsDeps): AuditCheckpoints {
  const { store, signer, schedule } = deps;
  const now = deps.now ?? (() => new Date());
  const onError = deps.onError ?? (() => undefined);
  let lastSignedSize = -1; // unknown until the first checkpoint is read
  let running: Promise<Checkpoint | null> | undefined;
  let queued: Promise<Checkpoint | null> | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** The newest entry this process appended, as it was appended. */
  let known: { seq: number; hash: string } | undefined;
  /** A checkpoint the witness has not yet taken: sent again on the next run. */
  let unwitnessed: Checkpoint | undefined;
  const alarmsRaised = new Set<string>();
  /** Entries this process wrote and no checkpoint it knows of covers yet, by seq, in order. */
  const written = new Map<number, WrittenEntry & { readonly hash: string }>();

  /** Forgets the written entries a checkpoint of `size` covers. */
  function forgetThrough(size: number): void {
    for (const seq of written.keys()) {
      if (seq > size) break;
      written.delete(seq);
    }
  }

  async function latestRow(): Promise<AuditCheckpointsTable | undefined> {
    return store.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async function latest(): Promise<Checkpoint | null> {
    const row = await latestRow();
    return row === undefined ? null : checkpointFromRow(row);
  }

  async function resumeFrom(
    row: AuditCheckpointsTable | undefined,
  ): Promise<{ frontier: MerkleFrontier; lastHash: string }> {
    if (row !== undefined) {
      const size = row.tree_size;
      const entry = await store.db
        .selectFrom('audit_entries')
        .select('hash')
        .where('seq', '=', size)
        .executeTakeFirst();
      try {
        const nodes = (JSON.parse(row.frontier) as string[]).map((h) => Buffer.from(h, 'hex'));
        const frontier = MerkleFrontier.resume(size, nodes);
        if (entry !== undefined && frontier.head().toString('hex') === row.root_hash) {
          return { frontier, lastHash: entry.hash };
        }
      } catch {
        // An unreadable cache: fall through and rebuild from the first entry.
      }
    }
    return { frontier: new MerkleFrontier(), lastHash: GENESIS_PREV_HASH };
  }

  /** Witnesses the alarm (once per problem), then throws it: nothing is signed over tampering. */
  async function tampered(seq: number, message: string): Promise<never> {
    const key = `${seq}:${message}`;
    if (deps.witness !== undefined && !alarmsRaised.has(key)) {
      const alarm: WitnessAlarm = { alarm: message, seq, timestamp: now().toISOString() };
      try {
        await sendToWitness(deps.witness, alarm);
        alarmsRaised.add(key);
      } catch (error) {
        onError(error, 'witness');
      }
    }
    throw new Error(message);
  }

  async function witness(checkpoint: Checkpoint): Promise<void> {
    if (deps.witness === undefined) return;
    try {
      await sendToWitness(deps.witness, checkpoint);
      if (unwitnessed === undefined || unwitnessed.treeSize <= checkpoint.treeSize) {
        unwitnessed = undefined;
      }
    } catch (error) {
      unwitnessed = checkpoint;
      onError(error, 'witness');
    }
  }

  /** The entry this process appended last must still be there, unchanged. */
  async function checkKnown(): Promise<void> {
    const mine = known;
    if (mine === undefined) return;
    const row = await store.db
      .selectFrom('audit_entries')
      .select('hash')
      .where('seq', '=', mine.seq)
      .executeTakeFirst();
    if (row === undefined) {
      await tampered(
        mine.seq,
        `Audit entry ${mine.seq}, appended by this server, is no longer in the trail: entries were removed before they could be signed`,
      );
    } else if (row.hash !== mine.hash) {
      await tampered(
        mine.seq,
        `Audit entry ${mine.seq}, appended by this server with hash ${mine.hash}, now has hash ${row.hash}: the unsigned tail was rewritten`,
      );
    }
  }

  async function makeCheckpoint(): Promise<Checkpoint | null> {
    if (unwitnessed !== undefined) await witness(unwitnessed);
    await checkKnown();
    const last = await latestRow();
    const headSeq = await auditHeadSeq(store.db);
    const lastSize = last === undefined ? 0 : last.tree_size;
    if (headSeq <= lastSize) {
      lastSignedSize = lastSize;
      if (headSeq < lastSize) {
        return await tampered(
          headSeq + 1,
          `The audit trail has ${headSeq} entries but checkpoint ${lastSize} was signed: entries were removed`,
        );
      }
      return last === undefined ? null : checkpointFromRow(last);
    }
    const resumed = await resumeFrom(last);
    const { frontier } = resumed;
    let lastHash = resumed.lastHash;
    forgetThrough(frontier.size);
    while (frontier.size < headSeq) {
      const next = frontier.size + 1;
      const mine = written.get(next);
      if (mine !== undefined) {
        // Written by this process after the entry before it, under the audit lock: if that entry
        // is not the one it followed, the trail was rewritten beneath it.
        if (mine.prevHash !== lastHash) {
          return await tampered(
            next,
            `Not signing a checkpoint over entry ${next}: this server appended it after an entry with hash ${mine.prevHash}, but the trail's entry before it has hash ${lastHash}`,
          );
        }
        frontier.append(mine.leaf);
        lastHash = mine.hash;
        continue;
      }
      // Not written here (another process), or forgotten: read back and checked, up to the next
      // entry this process wrote.
      let through = next;
      while (through < headSeq && !written.has(through + 1)) through += 1;
      for await (const step of walkAuditChain(store, {
        afterSeq: frontier.size,
        afterHash: lastHash,
        throughSeq: through,
      })) {
        if (!step.ok) {
          return await tampered(
            step.seq,
            `Not signing a checkpoint over entry ${step.seq}: ${step.message}`,
          );
        }
        frontier.append(entryLeafHash(step.entry));
        lastHash = step.hash;
      }
      if (frontier.size !== through) {
        throw new Error(
          `Entries ${frontier.size + 1}–${headSeq} could not be read for a checkpoint`,
        );
      }
    }
    const checkpoint = signer.sign({
      treeSize: headSeq,
      rootHash: frontier.head().toString('hex'),
      timestamp: now().toISOString(),
    });
    try {
      await store.db
        .insertInto('audit_checkpoints')
        .values({
          tree_size: checkpoint.treeSize,
          root_hash: checkpoint.rootHash,
          created_at: checkpoint.timestamp,
          key_id: checkpoint.keyId,
          signature: checkpoint.signature,
          frontier: JSON.stringify(frontier.nodes.map((n) => n.toString('hex'))),
        })
        .execute();
    } catch (error) {
      // Another process signed this size first: theirs stands, and they witness it.
      if (isUniqueViolation(error)) {
        lastSignedSize = Math.max(lastSignedSize, headSeq);
        return latest();
      }
      throw error;
    }
    lastSignedSize = Math.max(lastSignedSize, headSeq);
    forgetThrough(headSeq);
    await witness(checkpoint);
    return checkpoint;
  }

  /**
   * Runs are serialised. A call while one runs queues one more run after it (and later calls
   * share that queued run), so the answer always covers every entry committed before the call.
   */
  function checkpointNow(): Promise<Checkpoint | null> {
    if (queued !== undefined) return queued;
    const before = running;
    const slot: { run?: Promise<Checkpoint | null> } = {};
    const run = (async () => {
      // Always yields first, so slot.run is set before the body reads it.
      await before?.catch(() => undefined);
      if (queued === slot.run) queued = undefined;
      running = slot.run;
      try {
        return await makeCheckpoint();
      } finally {
        if (running === slot.run) running = undefined;
      }
    })();
    slot.run = run;
    if (before === undefined) running = run;
    else queued = run;
    return run;
  }

  function background(): void {
    checkpointNow().catch((error: unknown) => {
      onError(error, 'checkpoint');
    });
  }

  return {
    noteAppended(seq, hash, entry) {
      if (hash !== undefined && (known === undefined || seq > known.seq)) known = { seq, hash };
      if (hash !== undefined && entry !== undefined && seq > lastSignedSize) {
        if (written.size >= MAX_WRITTEN) written.clear();
        written.set(seq, { hash, prevHash: entry.prevHash, leaf: entry.leaf });
      }
      if (lastSignedSize < 0) {
        // First append since start: learn where the last checkpoint is, once.
        lastSignedSize = 0;
        latest()
          .then((c) => {
            lastSignedSize = Math.max(lastSignedSize, c?.treeSize ?? 0);
            if (seq - lastSignedSize >= schedule.checkpointEvery) background();
          })
          .catch((error: unknown) => {
            onError(error, 'checkpoint');
          });
        return;
      }
      if (seq - lastSignedSize >= schedule.checkpointEvery) background();
    },
    checkpointNow,
    latest,
    start() {
      if (timer !== undefined || schedule.checkpointSeconds <= 0) return;
      timer = setInterval(background, schedule.checkpointSeconds * 1000);
      timer.unref();
      // A tail left unsigned by a crash is signed now, not a whole period later.
      background();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
      await checkpointNow().catch((error: unknown) => {
        onError(error, 'checkpoint');
      });
    },
  };
}
