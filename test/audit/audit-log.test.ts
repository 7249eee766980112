import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAuditLog, AuditUnavailable } from '../../src/audit/audit-log.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { GENESIS_PREV_HASH, chainHash } from '../../src/audit/chain-hash.ts';
import { verifyAuditChain } from '../../src/audit/verify-chain.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { drOkafor, oneOfEach, recordViewCompleted, recordViewStarted } from './sample-events.ts';

function fixedClock(start = Date.parse('2025-03-04T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

forEachStore((_name, open, factory) => {
  const opened: Store[] = [];
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });
  let shared: Promise<Store> | undefined;
  /**
   * One store per dialect, emptied for each test (each new database costs a migration). Emptying
   * (and tampering) is what only the database owner can do: the append-only guards go first.
   */
  async function emptied(): Promise<Store> {
    shared ??= open().then(async (s) => {
      opened.push(s);
      await dropAppendOnlyGuards(s);
      return s;
    });
    const store = await shared;
    await store.db.deleteFrom('audit_entries').execute();
    await store.db.deleteFrom('audit_tiles').execute();
    return store;
  }
  /** A database of its own, for tests that break it. */
  async function fresh(): Promise<Store> {
    const store = await open();
    opened.push(store);
    return store;
  }

  void test('appends form a gapless chain from seq 1, each entry linked to the one before', async () => {
    const store = await emptied();
    const log = createAuditLog({ store, now: fixedClock() });
    const events = oneOfEach();
    const appended = [];
    for (const event of events) appended.push(await log.append(event));
    assert.deepEqual(
      appended.map((a) => a.seq),
      events.map((_e, i) => i + 1),
    );
    const rows = await store.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    assert.equal(rows.length, events.length);
    let prev = GENESIS_PREV_HASH;
    for (const [i, row] of rows.entries()) {
      assert.equal(row.prev_hash, prev);
      assert.equal(row.hash, chainHash(prev, row.entry));
      assert.equal(row.hash, appended[i]?.hash);
      prev = row.hash;
    }
    assert.equal(await log.count(), events.length);
    assert.deepEqual(await log.head(), appended.at(-1));
  });

  void test('the stored entry is canonical JSON holding its own seq, time of recording and the event', async () => {
    const store = await emptied();
    const log = createAuditLog({ store, now: () => new Date('2025-03-04T10:15:01.234Z') });
    const event = recordViewStarted();
    const { seq } = await log.append(event);
    const row = await store.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    assert.equal(row.recorded_at, '2025-03-04T10:15:01.234Z');
    assert.equal(
      row.entry,
      canonicalJson({ v: 1, seq: 1, recordedAt: '2025-03-04T10:15:01.234Z', event }),
    );
    assert.equal(row.hash, chainHash('0'.repeat(64), row.entry));
  });

  void test('100 appends at once from two servers on one database make one gapless, verifiable chain', async () => {
    const database = await factory.createDatabase();
    try {
      const [storeA, storeB] = await Promise.all([database.open(), database.open()]);
      const logA = createAuditLog({ store: storeA });
      const logB = createAuditLog({ store: storeB });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_v, i) =>
          (i % 2 === 0 ? logA : logB).append(recordViewStarted()),
        ),
      );
      const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: 100 }, (_v, i) => i + 1),
      );
      const verdict = await verifyAuditChain(storeB, { batchSize: 7 });
      assert.deepEqual(verdict, { ok: true, entries: 100, lastHash: (await logA.head())?.hash });
    } finally {
      await database.dispose();
    }
  });

  void test('an event with an extra property is refused and nothing is written', async () => {
    const store = await emptied();
    const log = createAuditLog({ store });
    const smuggled = {
      ...recordViewStarted(),
      note: 'chest pain for 3 days',
    } as unknown as AuditEvent;
    await assert.rejects(log.append(smuggled), (error: unknown) => {
      assert.ok(error instanceof AuditUnavailable);
      assert.equal(error.reason, 'invalid-event');
      assert.match(error.message, /note/);
      return true;
    });
    assert.equal(await log.count(), 0);
  });

  void test('an event carrying text that is not valid Unicode is refused as invalid, not as a store failure', async () => {
    const store = await emptied();
    const log = createAuditLog({ store });
    const event = {
      ...recordViewStarted(),
      client: { address: '192.0.2.10', userAgent: 'agent \ud800' },
    };
    await assert.rejects(log.append(event), (error: unknown) => {
      assert.ok(error instanceof AuditUnavailable);
      assert.equal(error.reason, 'invalid-event');
      return true;
    });
    assert.equal(await log.count(), 0);
  });

  void test('when the audit table cannot be written, append fails with AuditUnavailable (callers fail closed)', async () => {
    const store = await fresh();
    const log = createAuditLog({ store });
    await log.append(recordViewStarted());
    await store.db.schema.dropTable('audit_entries').execute();
    await assert.rejects(log.append(recordViewStarted()), (error: unknown) => {
      assert.ok(error instanceof AuditUnavailable);
      assert.equal(error.reason, 'store-failed');
      assert.equal(error.code, 'audit-unavailable');
      assert.ok(error.cause !== undefined);
      return true;
    });
    await assert.rejects(log.count(), AuditUnavailable);
    await assert.rejects(log.list({ limit: 10 }), AuditUnavailable);
  });

  void test('when the database is gone, append fails with AuditUnavailable', async () => {
    const database = await factory.createDatabase();
    try {
      const store = await database.open();
      const log = createAuditLog({ store });
      await store.close();
      await assert.rejects(log.append(recordViewStarted()), AuditUnavailable);
    } finally {
      await database.dispose();
    }
  });

  void test('an auditor can find who viewed a patient’s record, by patient, user, action and time', async () => {
    const store = await emptied();
    const log = createAuditLog({ store, now: fixedClock() });
    const nurse = { ...drOkafor, userId: 'u-0002', username: 'ben.hughes' };
    await log.append(recordViewStarted('9990000018')); // seq 1, 10:00:01
    await log.append(recordViewCompleted('9990000018')); // seq 2, 10:00:02
    await log.append({ ...recordViewStarted('9990000026'), actor: nurse }); // seq 3, 10:00:03
    await log.append({ ...recordViewStarted('9990000018'), actor: nurse }); // seq 4, 10:00:04
    const seqs = async (q: Parameters<typeof log.list>[0]): Promise<number[]> =>
      (await log.list(q)).map((r) => r.seq);

    assert.deepEqual(await seqs({ nhsNumber: '9990000018', limit: 50 }), [1, 2, 4]);
    assert.deepEqual(await seqs({ userId: 'u-0002', limit: 50 }), [3, 4]);
    assert.deepEqual(await seqs({ action: 'record-view-completed', limit: 50 }), [2]);
    assert.deepEqual(await seqs({ nhsNumber: '9990000018', userId: 'u-0002', limit: 50 }), [4]);
    assert.deepEqual(
      await seqs({ from: '2025-03-04T10:00:02.000Z', to: '2025-03-04T10:00:04.000Z', limit: 50 }),
      [2, 3],
    );
    assert.deepEqual(await seqs({ limit: 2 }), [1, 2]);
    assert.deepEqual(await seqs({ limit: 2, afterSeq: 2 }), [3, 4]);
    assert.deepEqual(await seqs({ limit: 2, newestFirst: true }), [4, 3]);
    assert.deepEqual(await seqs({ limit: 2, newestFirst: true, beforeSeq: 3 }), [2, 1]);
    assert.deepEqual(await seqs({ limit: 0 }), []);
    // Counting by the same filters, with no limit (a FHIR searchset's `total`).
    assert.equal(await log.count({ nhsNumber: '9990000018' }), 3);
    assert.equal(await log.count({ nhsNumber: '9990000018', userId: 'u-0002' }), 1);
    assert.equal(await log.count({ from: '2025-03-04T10:00:02.000Z' }), 3);
    assert.equal(await log.count(), 4);

    const [first] = await log.list({ limit: 1 });
    assert.ok(first);
    assert.equal(first.entry.event.action, 'record-view-started');
    assert.equal(first.entry.seq, 1);
    assert.equal(first.prevHash, GENESIS_PREV_HASH);
    assert.equal(first.recordedAt, '2025-03-04T10:00:01.000Z');
  });
});
