/**
 * @module The tamper suite: on SQLite and PostgreSQL, every kind of tampering with the audit
 * trail — edit, delete, reorder, insert, truncate after a checkpoint, forged or re-signed
 * checkpoints — is caught by `verifyAuditTrail`, naming the right entry or checkpoint.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditCheckpoints, entryLeafHash } from '../../src/audit/audit-checkpoints.ts';
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
import { verifyAuditTrail, type TrailVerdict } from '../../src/audit/verify-trail.ts';
import { auditEntryColumnsOfJson } from '../../src/store/audit-entry-fields.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

const realKey = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const keys = trustedKeys([realKey.publicKey]);
const dir = mkdtempSync(join(tmpdir(), 'mcr-tamper-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
let witnessCounter = 0;

forEachStore((_name, open) => {
  let shared: Promise<Store> | undefined;
  after(async () => {
    if (shared !== undefined) await (await shared).close();
  });

  /**
   * Twelve entries (record views of one patient) with checkpoints signed at 4, 8 and 12,
   * each also written to a witness file.
   */
  async function trail(): Promise<{ store: Store; witnessFile: string }> {
    shared ??= open();
    const store = await shared;
    await dropAppendOnlyGuards(store);
    await store.db.deleteFrom('audit_checkpoints').execute();
    await store.db.deleteFrom('audit_entries').execute();
    await store.db.deleteFrom('audit_tiles').execute();
    witnessCounter += 1;
    const witnessFile = join(dir, `witness-${process.pid}-${witnessCounter}.jsonl`);
    const checkpoints = createAuditCheckpoints({
      store,
      signer: realKey,
      schedule: { checkpointEvery: 1_000_000, checkpointSeconds: 0 },
      witness: { kind: 'file', path: witnessFile },
    });
    const log = createAuditLog({ store });
    for (let i = 1; i <= 12; i += 1) {
      await log.append(i % 2 === 1 ? recordViewStarted() : recordViewCompleted());
      if (i % 4 === 0) await checkpoints.checkpointNow();
    }
    return { store, witnessFile };
  }

  async function verify(store: Store, witnessFile?: string): Promise<TrailVerdict> {
    return verifyAuditTrail(store, { trustedKeys: keys, witnessFile, batchSize: 5 });
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
          // Knowing the rules, they fill the search columns as the server would.
          ...auditEntryColumnsOfJson(entryJson),
        })
        .execute();
      prevHash = hash;
    }
    // Knowing the rules, they rebuild the Merkle tiles over their rewritten trail too.
    await store.db.deleteFrom('audit_tiles').execute();
    await catchUpAuditTiles(store);
  }

  /** Re-signs the checkpoints at `sizes` over the trail as it now is. */
  async function resign(store: Store, signer: CheckpointSigner, sizes: number[]): Promise<void> {
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
      await store.db
        .updateTable('audit_checkpoints')
        .set({
          root_hash: c.rootHash,
          key_id: c.keyId,
          signature: c.signature,
          created_at: c.timestamp,
        })
        .where('tree_size', '=', size)
        .execute();
    }
  }

  function assertBroken(
    verdict: TrailVerdict,
    at: Extract<TrailVerdict, { ok: false }>['at'],
    problem: string,
  ): Extract<TrailVerdict, { ok: false }> {
    assert.ok(!verdict.ok, 'the tampering went unnoticed');
    assert.deepEqual(verdict.at, at);
    assert.equal(verdict.problem, problem);
    return verdict;
  }

  void test('an untouched trail verifies: chain, three signed checkpoints and the witness', async () => {
    const { store, witnessFile } = await trail();
    const verdict = await verify(store, witnessFile);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.entries, 12);
    assert.equal(verdict.checkpoints, 3);
    assert.equal(verdict.witnessed, 3);
    assert.equal(verdict.signaturesChecked, true);
    assert.equal(verdict.unsigned, 0);
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (l) => lines.push(l), { trustedKeys: keys }), 0);
    assert.match(lines[0] ?? '', /intact: 12 entries.*3 checkpoints.*signatures valid/);
  });

  void test('editing an entry is caught at that entry', async () => {
    const { store, witnessFile } = await trail();
    const row = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .where('seq', '=', 6)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('audit_entries')
      .set({ entry: row.entry.replace('9990000018', '9990000026') })
      .where('seq', '=', 6)
      .execute();
    assertBroken(await verify(store, witnessFile), { kind: 'entry', seq: 6 }, 'hash-mismatch');
  });

  void test('editing an entry and recomputing every later hash is caught by the next checkpoint', async () => {
    const { store } = await trail();
    const list = await entries(store);
    const sixth = list[5] as AuditEntry;
    list[5] = { ...sixth, event: { ...sixth.event, requestId: 'req-forged' } };
    await rewriteTrail(store, list);
    const verdict = assertBroken(
      await verify(store),
      { kind: 'checkpoint', treeSize: 8 },
      'root-mismatch',
    );
    assert.match(verdict.message, /among 5–8/);
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (l) => lines.push(l), { trustedKeys: keys }), 1);
    assert.match(lines[0] ?? '', /BROKEN at checkpoint 8 \(root-mismatch\)/);
  });

  void test('deleting an entry is caught, naming the missing entry', async () => {
    const { store } = await trail();
    await store.db.deleteFrom('audit_entries').where('seq', '=', 6).execute();
    const verdict = assertBroken(await verify(store), { kind: 'entry', seq: 7 }, 'gap');
    assert.match(verdict.message, /entry 6 is missing/);
  });

  void test('swapping two entries is caught at the first of them', async () => {
    const { store } = await trail();
    const [six, seven] = await Promise.all(
      [6, 7].map((seq) =>
        store.db
          .selectFrom('audit_entries')
          .selectAll()
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow(),
      ),
    );
    assert.ok(six !== undefined && seven !== undefined);
    const fields = (r: typeof six) => ({
      recorded_at: r.recorded_at,
      entry: r.entry,
      hash: r.hash,
      prev_hash: r.prev_hash,
    });
    const [rest6, rest7] = [fields(six), fields(seven)];
    await store.db.updateTable('audit_entries').set(rest7).where('seq', '=', 6).execute();
    await store.db.updateTable('audit_entries').set(rest6).where('seq', '=', 7).execute();
    const verdict = await verify(store);
    assert.ok(!verdict.ok);
    assert.deepEqual(verdict.at, { kind: 'entry', seq: 6 });
  });

  void test('reordering entries with every hash recomputed is caught by the checkpoint over them', async () => {
    const { store } = await trail();
    const list = await entries(store);
    [list[5], list[6]] = [list[6] as AuditEntry, list[5] as AuditEntry];
    await rewriteTrail(store, list);
    assertBroken(await verify(store), { kind: 'checkpoint', treeSize: 8 }, 'root-mismatch');
  });

  void test('inserting a forged entry with every hash recomputed is caught by the checkpoint after it', async () => {
    const { store } = await trail();
    const list = await entries(store);
    const forged = { ...(list[5] as AuditEntry), event: recordViewStarted('9990000026') };
    list.splice(5, 0, forged);
    await rewriteTrail(store, list);
    assertBroken(await verify(store), { kind: 'checkpoint', treeSize: 8 }, 'root-mismatch');
  });

  void test('cutting entries after a checkpoint is caught, naming the checkpoint and the missing entries', async () => {
    const { store } = await trail();
    await store.db.deleteFrom('audit_entries').where('seq', '>', 10).execute();
    const verdict = assertBroken(
      await verify(store),
      { kind: 'checkpoint', treeSize: 12 },
      'truncated',
    );
    assert.match(verdict.message, /entries 11–12 were removed/);
  });

  void test('cutting entries and their checkpoints passes the database alone, but the witness catches it', async () => {
    const { store, witnessFile } = await trail();
    await store.db.deleteFrom('audit_entries').where('seq', '>', 10).execute();
    await store.db.deleteFrom('audit_checkpoints').where('tree_size', '>', 10).execute();
    // A careful attacker drops the Merkle tiles too (derived data, rebuilt by the next server).
    await store.db.deleteFrom('audit_tiles').execute();
    assert.equal((await verify(store)).ok, true);
    const verdict = assertBroken(
      await verify(store, witnessFile),
      { kind: 'witness', line: 3, treeSize: 12 },
      'truncated',
    );
    assert.match(verdict.message, /entries 11–12 were removed/);
  });

  void test('a forged checkpoint signature is caught at that checkpoint', async () => {
    const { store } = await trail();
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
    assertBroken(await verify(store), { kind: 'checkpoint', treeSize: 8 }, 'bad-signature');
  });

  void test('a rewritten trail re-signed with a key of the tamperer’s own is caught as an untrusted key', async () => {
    const { store } = await trail();
    const list = await entries(store);
    list.splice(6, 1);
    await rewriteTrail(store, list);
    await store.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 12).execute();
    const tamperer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    await resign(store, tamperer, [8]);
    assertBroken(await verify(store), { kind: 'checkpoint', treeSize: 8 }, 'unknown-key');
  });

  void test('a rewritten trail re-signed with the stolen real key passes the database alone, but not the witness', async () => {
    const { store, witnessFile } = await trail();
    const list = await entries(store);
    const sixth = list[5] as AuditEntry;
    list[5] = { ...sixth, event: { ...sixth.event, requestId: 'req-forged' } };
    await rewriteTrail(store, list);
    await resign(store, realKey, [8, 12]);
    await store.db.deleteFrom('audit_tiles').execute();
    assert.equal((await verify(store)).ok, true);
    assertBroken(
      await verify(store, witnessFile),
      { kind: 'witness', line: 2, treeSize: 8 },
      'witness-mismatch',
    );
  });

  void test('deleting a witnessed checkpoint row is caught', async () => {
    const { store, witnessFile } = await trail();
    await store.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 8).execute();
    assertBroken(
      await verify(store, witnessFile),
      { kind: 'witness', line: 2, treeSize: 8 },
      'checkpoint-missing',
    );
  });

  void test('the checkpointer refuses to sign over a tampered entry', async () => {
    const { store } = await trail();
    const log = createAuditLog({ store });
    await log.append(recordViewStarted());
    const row = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .where('seq', '=', 13)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('audit_entries')
      .set({ entry: row.entry.replace('consent', 'emergency') })
      .where('seq', '=', 13)
      .execute();
    const checkpoints = createAuditCheckpoints({
      store,
      signer: realKey,
      schedule: { checkpointEvery: 1, checkpointSeconds: 0 },
    });
    await assert.rejects(checkpoints.checkpointNow(), /Not signing a checkpoint over entry 13/);
    assert.equal((await checkpoints.latest())?.treeSize, 12);
  });
});
