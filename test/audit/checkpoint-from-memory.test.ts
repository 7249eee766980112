/**
 * The checkpointer signs the entries its own server wrote from what the log told it (their leaves,
 * hashes and links), without reading them back; entries another server wrote in between are read
 * and checked as before, and a link that does not hold is refused. On SQLite and PostgreSQL.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  createAuditCheckpoints,
  entryLeafHash,
  type AuditCheckpoints,
} from '../../src/audit/audit-checkpoints.ts';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { chainHash } from '../../src/audit/chain-hash.ts';
import { createCheckpointSigner, trustedKeys } from '../../src/audit/checkpoint-signer.ts';
import { treeHead } from '../../src/audit/merkle.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const keys = trustedKeys([signer.publicKey]);

/** A server's log and checkpointer, wired as src/audit/audit-signing.ts wires them. */
function server(store: Store): { log: AuditLog; checkpoints: AuditCheckpoints } {
  const checkpoints = createAuditCheckpoints({
    store,
    signer,
    schedule: { checkpointEvery: 1_000_000, checkpointSeconds: 0 },
  });
  const log = createAuditLog({
    store,
    onAppended: (appended) => {
      checkpoints.noteAppended(appended.seq, appended.hash, appended);
    },
  });
  return { log, checkpoints };
}

/** The tree head over the entries as stored. */
async function storedHead(store: Store, size: number): Promise<string> {
  const rows = await store.db
    .selectFrom('audit_entries')
    .select('entry')
    .where('seq', '<=', size)
    .orderBy('seq')
    .execute();
  return treeHead(rows.map((row) => entryLeafHash(row.entry))).toString('hex');
}

forEachStore((_name, _open, factory) => {
  const disposals: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all(disposals.map((dispose) => dispose()));
  });

  void test('a checkpoint over entries this server wrote signs the root of the entries as stored', async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const store = await database.open();
    const { log, checkpoints } = server(store);
    await Promise.all(Array.from({ length: 40 }, () => log.append(recordViewStarted())));
    const first = await checkpoints.checkpointNow();
    assert.equal(first?.treeSize, 40);
    assert.equal(first.rootHash, await storedHead(store, 40));
    for (let i = 0; i < 7; i += 1) await log.append(recordViewCompleted());
    const second = await checkpoints.checkpointNow();
    assert.equal(second?.treeSize, 47);
    assert.equal(second.rootHash, await storedHead(store, 47));
    const verdict = await verifyAuditTrail(store, { trustedKeys: keys });
    assert.ok(verdict.ok && verdict.checkpoints === 2, JSON.stringify(verdict));
  });

  void test('entries another server appended in between are read back and checked: a forged one is refused, one that is sound is signed', async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const [mine, theirs] = [server(await database.open()), server(await database.open())];
    const store = await database.open();
    // 1–3 here, 4–5 there, 6–7 here: 4 and 5 are not in this server's memory.
    for (let i = 0; i < 3; i += 1) await mine.log.append(recordViewStarted());
    for (let i = 0; i < 2; i += 1) await theirs.log.append(recordViewStarted());
    for (let i = 0; i < 2; i += 1) await mine.log.append(recordViewCompleted());

    // Entry 5 is altered (its hash not recomputed): this server did not write it, so it reads it.
    await dropAppendOnlyGuards(store);
    const five = await store.db
      .selectFrom('audit_entries')
      .select('entry')
      .where('seq', '=', 5)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('audit_entries')
      .set({ entry: five.entry.replace('consent', 'emergency') })
      .where('seq', '=', 5)
      .execute();
    await assert.rejects(mine.checkpoints.checkpointNow(), /Not signing a checkpoint over entry 5/);
    assert.equal(await mine.checkpoints.latest(), null);

    // Put back, the trail is signed whole, with the root of the entries as stored.
    await store.db
      .updateTable('audit_entries')
      .set({ entry: five.entry })
      .where('seq', '=', 5)
      .execute();
    const checkpoint = await mine.checkpoints.checkpointNow();
    assert.equal(checkpoint?.treeSize, 7);
    assert.equal(checkpoint.rootHash, await storedHead(store, 7));
  });

  void test("an entry this server wrote that no longer follows the trail's entry before it is refused", async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const [mine, theirs] = [server(await database.open()), server(await database.open())];
    const store = await database.open();
    await mine.log.append(recordViewStarted());
    await theirs.log.append(recordViewStarted());
    await mine.log.append(recordViewCompleted());

    // Entry 2 (the other server's) rewritten with its hash recomputed: it checks on its own, but
    // this server's entry 3 was appended after the entry 2 that was there before.
    await dropAppendOnlyGuards(store);
    const two = await store.db
      .selectFrom('audit_entries')
      .select(['entry', 'prev_hash'])
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const forged = canonicalJson({
      ...(JSON.parse(two.entry) as object),
      event: recordViewStarted('9990000026'),
    });
    await store.db
      .updateTable('audit_entries')
      .set({ entry: forged, hash: chainHash(two.prev_hash, forged), nhs_number: '9990000026' })
      .where('seq', '=', 2)
      .execute();
    await assert.rejects(
      mine.checkpoints.checkpointNow(),
      /Not signing a checkpoint over entry 3: this server appended it after an entry with hash/,
    );
    assert.equal(await mine.checkpoints.latest(), null);
  });
});
