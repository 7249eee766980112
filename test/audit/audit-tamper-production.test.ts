/**
 * @module The tamper suite under production settings, on SQLite and PostgreSQL: the server runs
 * with a witness file and the checkpoint timer, an attacker with direct database access (who
 * drops the append-only triggers first, as a database owner can) edits, deletes, reorders,
 * inserts, truncates, deletes checkpoints, wipes or forges checkpoints — on entries before and
 * after the newest checkpoint — the server's timer fires, and `mcr audit verify` must fail,
 * whether the auditor checks at once or an hour later. Every case is caught.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAuditCheckpoints,
  entryLeafHash,
  type AuditCheckpoints,
} from '../../src/audit/audit-checkpoints.ts';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { GENESIS_PREV_HASH, chainHash } from '../../src/audit/chain-hash.ts';
import {
  createCheckpointSigner,
  trustedKeys,
  type CheckpointSigner,
} from '../../src/audit/checkpoint-signer.ts';
import { catchUpAuditTiles } from '../../src/audit/audit-tiles.ts';
import { treeHead } from '../../src/audit/merkle.ts';
import { runAuditVerify } from '../../src/audit/verify-command.ts';
import {
  UNSIGNED_GRACE_SECONDS,
  verifyAuditTrail,
  type TrailProblem,
  type TrailVerdict,
} from '../../src/audit/verify-trail.ts';
import { auditAppendOnlyMigration } from '../../src/store/migrations/0006-audit-append-only.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

const serverKey = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const attackerKey = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const keys = trustedKeys([serverKey.publicKey]);
/** The production default: a checkpoint at least every 60 s while entries arrive. */
const CHECKPOINT_SECONDS = 60;
const HOUR_MS = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'mcr-tamper-prod-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
let witnessCounter = 0;

/** A running server's audit trail, and the witness it writes to. */
interface Trail {
  readonly store: Store;
  readonly witnessFile: string;
  readonly checkpoints: AuditCheckpoints;
}

/** What the attacker does to the database (the triggers are already dropped). */
type Attack = (store: Store) => Promise<void>;

forEachStore((name, open) => {
  let shared: Promise<Store> | undefined;
  after(async () => {
    if (shared !== undefined) await (await shared).close();
  });

  /**
   * A fresh trail as a production server writes it: entries 1–12 with checkpoints signed and
   * witnessed at 4, 8 and 12, then entries 13 and 14 appended since (the unsigned tail, which the
   * server's timer will sign). The audit tables are append-only, as migrated.
   */
  async function serverTrail(): Promise<Trail> {
    shared ??= open();
    const store = await shared;
    await dropAppendOnlyGuards(store);
    await store.db.deleteFrom('audit_checkpoints').execute();
    await store.db.deleteFrom('audit_entries').execute();
    await store.db.deleteFrom('audit_tiles').execute();
    await auditAppendOnlyMigration(name).up(store.db as never);
    witnessCounter += 1;
    const witnessFile = join(dir, `witness-${name}-${witnessCounter}.jsonl`);
    const checkpoints = createAuditCheckpoints({
      store,
      signer: serverKey,
      // The timer is the test's to fire (checkpointNow), so each case is deterministic.
      schedule: { checkpointEvery: 1_000_000, checkpointSeconds: CHECKPOINT_SECONDS },
      witness: { kind: 'file', path: witnessFile },
    });
    const log = createAuditLog({
      store,
      onAppended: (appended) => {
        checkpoints.noteAppended(appended.seq, appended.hash);
      },
    });
    for (let i = 1; i <= 14; i += 1) {
      await log.append(i % 2 === 1 ? recordViewStarted() : recordViewCompleted());
      if (i % 4 === 0 && i <= 12) await checkpoints.checkpointNow();
    }
    return { store, witnessFile, checkpoints };
  }

  /** `mcr audit verify` with the production settings: trusted key, witness, tail bound. */
  function verify(trail: Trail, now = new Date()): Promise<TrailVerdict> {
    return verifyAuditTrail(trail.store, {
      trustedKeys: keys,
      witnessFile: trail.witnessFile,
      maxUnsignedSeconds: CHECKPOINT_SECONDS + UNSIGNED_GRACE_SECONDS,
      now,
      batchSize: 5,
    });
  }

  async function entries(store: Store): Promise<AuditEntry[]> {
    const rows = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .orderBy('seq', 'asc')
      .execute();
    return rows.map((r) => JSON.parse(r.entry) as AuditEntry);
  }

  /** A tamperer who knows the rules: writes `list` as the whole trail, every hash (and tile) recomputed. */
  async function rewriteTrail(store: Store, list: readonly AuditEntry[]): Promise<void> {
    await store.db.deleteFrom('audit_entries').execute();
    let prevHash = GENESIS_PREV_HASH;
    for (const [i, original] of list.entries()) {
      const entryJson = canonicalJson({ ...original, seq: i + 1 });
      const hash = chainHash(prevHash, entryJson);
      await store.db
        .insertInto('audit_entries')
        .values({
          seq: i + 1,
          recorded_at: original.recordedAt,
          entry: entryJson,
          hash,
          prev_hash: prevHash,
        })
        .execute();
      prevHash = hash;
    }
    // Knowing the rules, they rebuild the Merkle tiles over their rewritten trail too.
    await store.db.deleteFrom('audit_tiles').execute();
    await catchUpAuditTiles(store);
  }

  /** Rewrites the trail with `change` applied to its entries, every hash recomputed. */
  function rewritten(change: (list: AuditEntry[]) => void): Attack {
    return async (store) => {
      const list = await entries(store);
      change(list);
      await rewriteTrail(store, list);
    };
  }

  function forgeRequestId(list: AuditEntry[], index: number): void {
    const original = list[index] as AuditEntry;
    list[index] = { ...original, event: { ...original.event, requestId: 'req-forged' } };
  }

  /** Signs (and stores, replacing any) checkpoints at `sizes` over the trail as it now is. */
  async function sign(store: Store, signer: CheckpointSigner, sizes: number[]): Promise<void> {
    const rows = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .orderBy('seq')
      .execute();
    const leaves = rows.map((r) => entryLeafHash(r.entry));
    for (const size of sizes) {
      const c = signer.sign({
        treeSize: size,
        rootHash: treeHead(leaves.slice(0, size)).toString('hex'),
        timestamp: new Date().toISOString(),
      });
      await store.db.deleteFrom('audit_checkpoints').where('tree_size', '=', size).execute();
      await store.db
        .insertInto('audit_checkpoints')
        .values({
          tree_size: size,
          root_hash: c.rootHash,
          created_at: c.timestamp,
          key_id: c.keyId,
          signature: c.signature,
          frontier: '[]',
        })
        .execute();
    }
  }

  async function editInPlace(store: Store, seq: number): Promise<void> {
    const row = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('audit_entries')
      .set({ entry: row.entry.replace('9990000018', '9990000026') })
      .where('seq', '=', seq)
      .execute();
  }

  async function swapRows(store: Store, a: number, b: number): Promise<void> {
    const [first, second] = await Promise.all(
      [a, b].map((seq) =>
        store.db
          .selectFrom('audit_entries')
          .select(['recorded_at', 'entry', 'hash', 'prev_hash'])
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow(),
      ),
    );
    assert.ok(first !== undefined && second !== undefined);
    await store.db.updateTable('audit_entries').set(second).where('seq', '=', a).execute();
    await store.db.updateTable('audit_entries').set(first).where('seq', '=', b).execute();
  }

  /**
   * Runs one attack the production way: the attacker drops the triggers and tampers; the
   * server's checkpoint timer fires; the auditor verifies at once and again an hour later.
   * Both must fail, the first with `problem`.
   */
  function caught(title: string, attack: Attack, problem: TrailProblem): void {
    void test(title, async () => {
      const trail = await serverTrail();
      await dropAppendOnlyGuards(trail.store);
      await attack(trail.store);
      // The server's timer: it may sign, or refuse and alarm the witness; either way it goes on.
      await trail.checkpoints.checkpointNow().catch(() => undefined);
      const atOnce = await verify(trail);
      assert.ok(!atOnce.ok, 'the tampering went unnoticed when verified at once');
      assert.equal(atOnce.problem, problem, atOnce.message);
      const later = await verify(trail, new Date(Date.now() + HOUR_MS));
      assert.ok(!later.ok, 'the tampering went unnoticed when verified an hour later');
    });
  }

  void test('an untouched production trail verifies at once and an hour later, every checkpoint witnessed', async () => {
    const trail = await serverTrail();
    await trail.checkpoints.checkpointNow();
    for (const now of [new Date(), new Date(Date.now() + HOUR_MS)]) {
      const verdict = await verify(trail, now);
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.entries, 14);
      assert.equal(verdict.checkpoints, 4);
      assert.equal(verdict.witnessed, 4);
      assert.equal(verdict.unsigned, 0);
      assert.ok(verdict.signaturesChecked && verdict.witnessChecked && verdict.tailChecked);
    }
  });

  void test('with the triggers in place the database itself refuses the attacker’s edits and deletions', async () => {
    const { store } = await serverTrail();
    await assert.rejects(editInPlace(store, 6), /append-only/);
    await assert.rejects(
      store.db.deleteFrom('audit_entries').where('seq', '>', 12).execute(),
      /append-only/,
    );
    await assert.rejects(store.db.deleteFrom('audit_checkpoints').execute(), /append-only/);
    assert.equal((await entries(store)).length, 14);
  });

  // Entries covered by the newest checkpoint (1–12).
  caught(
    'before the newest checkpoint: editing an entry is caught at that entry',
    (store) => editInPlace(store, 6),
    'hash-mismatch',
  );
  caught(
    'before the newest checkpoint: editing an entry and recomputing every hash is caught by the checkpoint over it',
    rewritten((list) => {
      forgeRequestId(list, 5);
    }),
    'root-mismatch',
  );
  caught(
    'before the newest checkpoint: deleting an entry is caught as a gap',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '=', 6).execute();
    },
    'gap',
  );
  caught(
    'before the newest checkpoint: swapping two entries is caught at the first of them',
    (store) => swapRows(store, 6, 7),
    'broken-link',
  );
  caught(
    'before the newest checkpoint: reordering entries with every hash recomputed is caught by the checkpoint over them',
    rewritten((list) => {
      [list[5], list[6]] = [list[6] as AuditEntry, list[5] as AuditEntry];
    }),
    'root-mismatch',
  );
  caught(
    'before the newest checkpoint: inserting a forged entry with every hash recomputed is caught by the checkpoint after it',
    rewritten((list) => {
      list.splice(5, 0, { ...(list[5] as AuditEntry), event: recordViewStarted('9990000026') });
    }),
    'root-mismatch',
  );
  caught(
    'before the newest checkpoint: cutting the trail below a checkpoint is caught by that checkpoint',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '>', 10).execute();
    },
    'truncated',
  );
  caught(
    'before the newest checkpoint: cutting the trail and the checkpoints above the cut is caught by the witness',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '>', 10).execute();
      await store.db.deleteFrom('audit_checkpoints').where('tree_size', '>', 10).execute();
    },
    'truncated',
  );
  caught(
    'before the newest checkpoint: deleting an older checkpoint is caught by the witness',
    async (store) => {
      await store.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 8).execute();
    },
    'checkpoint-missing',
  );
  caught(
    'deleting the newest checkpoint is caught by the witness',
    async (store) => {
      await store.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 12).execute();
    },
    'checkpoint-missing',
  );
  caught(
    'deleting every checkpoint is caught by the witness',
    async (store) => {
      await store.db.deleteFrom('audit_checkpoints').execute();
    },
    'checkpoint-missing',
  );
  caught(
    'wiping the entries is caught by the checkpoints',
    async (store) => {
      await store.db.deleteFrom('audit_entries').execute();
    },
    'truncated',
  );
  caught(
    'wiping both audit tables is caught by the witness: an empty trail with a witness that is not',
    async (store) => {
      await store.db.deleteFrom('audit_checkpoints').execute();
      await store.db.deleteFrom('audit_entries').execute();
    },
    'truncated',
  );
  caught(
    'before the newest checkpoint: a checkpoint with a forged signature is caught at that checkpoint',
    async (store) => {
      const first = await store.db
        .selectFrom('audit_checkpoints')
        .select('signature')
        .where('tree_size', '=', 4)
        .executeTakeFirstOrThrow();
      await store.db
        .updateTable('audit_checkpoints')
        .set({ signature: first.signature })
        .where('tree_size', '=', 8)
        .execute();
    },
    'bad-signature',
  );
  caught(
    'before the newest checkpoint: a rewritten trail re-signed with the attacker’s own key is caught as an untrusted key',
    async (store) => {
      await rewritten((list) => {
        forgeRequestId(list, 5);
      })(store);
      await sign(store, attackerKey, [8, 12]);
    },
    'unknown-key',
  );
  caught(
    'before the newest checkpoint: a rewritten trail re-signed with the stolen server key is caught by the witness',
    async (store) => {
      await rewritten((list) => {
        forgeRequestId(list, 5);
      })(store);
      await sign(store, serverKey, [8, 12]);
    },
    'witness-mismatch',
  );

  // The unsigned tail (13–14), which the running server has appended but not yet signed.
  caught(
    'after the newest checkpoint: editing an entry is caught at that entry',
    (store) => editInPlace(store, 13),
    'hash-mismatch',
  );
  caught(
    'after the newest checkpoint: editing an entry and recomputing the hashes is caught by the server, which alarms the witness',
    rewritten((list) => {
      forgeRequestId(list, 12);
    }),
    'tamper-alarm',
  );
  caught(
    'after the newest checkpoint: deleting the last entry is caught by the server, which alarms the witness',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '=', 14).execute();
    },
    'tamper-alarm',
  );
  caught(
    'after the newest checkpoint: deleting an entry inside the tail is caught as a gap',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '=', 13).execute();
    },
    'gap',
  );
  caught(
    'after the newest checkpoint: reordering entries with the hashes recomputed is caught by the server',
    rewritten((list) => {
      [list[12], list[13]] = [list[13] as AuditEntry, list[12] as AuditEntry];
    }),
    'tamper-alarm',
  );
  caught(
    'after the newest checkpoint: inserting a forged entry with the hashes recomputed is caught by the server',
    rewritten((list) => {
      list.splice(13, 0, { ...(list[13] as AuditEntry), event: recordViewStarted('9990000026') });
    }),
    'tamper-alarm',
  );
  caught(
    'after the newest checkpoint: cutting the whole unsigned tail is caught by the server',
    async (store) => {
      await store.db.deleteFrom('audit_entries').where('seq', '>', 12).execute();
    },
    'tamper-alarm',
  );
  caught(
    'after the newest checkpoint: a forged checkpoint over the tail is caught by its signature',
    async (store) => {
      const newest = await store.db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('tree_size', '=', 12)
        .executeTakeFirstOrThrow();
      await store.db
        .insertInto('audit_checkpoints')
        .values({ ...newest, tree_size: 14 })
        .execute();
    },
    'bad-signature',
  );
  caught(
    'after the newest checkpoint: a rewritten tail signed with the stolen server key is caught by the server',
    async (store) => {
      await rewritten((list) => {
        forgeRequestId(list, 12);
      })(store);
      await sign(store, serverKey, [14]);
    },
    'tamper-alarm',
  );

  void test('after the newest checkpoint, with the server down: a tail cut short is caught once it is older than the timer allows', async () => {
    const trail = await serverTrail();
    await dropAppendOnlyGuards(trail.store);
    await trail.store.db.deleteFrom('audit_entries').where('seq', '=', 14).execute();
    // No timer fires: the server crashed before signing entries 13–14.
    const later = await verify(trail, new Date(Date.now() + HOUR_MS));
    assert.ok(!later.ok, 'a stale unsigned tail went unnoticed');
    assert.equal(later.problem, 'unsigned-tail');
    assert.deepEqual(later.at, { kind: 'entry', seq: 13 });
  });

  void test('a newest checkpoint signed with the stolen key but never witnessed is caught once past the grace', async () => {
    const trail = await serverTrail();
    await trail.checkpoints.checkpointNow();
    const list = await entries(trail.store);
    const forged = { ...(list[13] as AuditEntry), seq: 15, event: recordViewStarted() };
    const last = await trail.store.db
      .selectFrom('audit_entries')
      .select('hash')
      .where('seq', '=', 14)
      .executeTakeFirstOrThrow();
    const entryJson = canonicalJson(forged);
    await trail.store.db
      .insertInto('audit_entries')
      .values({
        seq: 15,
        recorded_at: forged.recordedAt,
        entry: entryJson,
        hash: chainHash(last.hash, entryJson),
        prev_hash: last.hash,
      })
      .execute();
    await sign(trail.store, serverKey, [15]);
    const later = await verify(trail, new Date(Date.now() + HOUR_MS));
    assert.ok(!later.ok, 'a checkpoint the witness never saw went unnoticed');
    assert.equal(later.problem, 'unwitnessed');
  });

  void test('mcr audit verify exits 1 and names the server’s alarm when the unsigned tail was cut', async () => {
    const trail = await serverTrail();
    await dropAppendOnlyGuards(trail.store);
    await trail.store.db.deleteFrom('audit_entries').where('seq', '>', 12).execute();
    await assert.rejects(trail.checkpoints.checkpointNow(), /entry 14.*no longer in the trail/);
    const lines: string[] = [];
    const code = await runAuditVerify(trail.store, (l) => lines.push(l), {
      trustedKeys: keys,
      witnessFile: trail.witnessFile,
      maxUnsignedSeconds: CHECKPOINT_SECONDS + UNSIGNED_GRACE_SECONDS,
    });
    assert.equal(code, 1);
    assert.match(lines[0] ?? '', /BROKEN at witness line 4 \(tamper-alarm\).*entry 14/);
  });
});
