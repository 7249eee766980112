import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { AUDIT_FILTER_PATHS, type AuditFilterField } from '../../src/store/audit-entry-fields.ts';
import { indexName } from '../../src/store/migrations/0005-audit-search-indexes.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { chainHash } from '../../src/audit/chain-hash.ts';
import { verifyAuditChain } from '../../src/audit/verify-chain.ts';
import { runAuditVerify } from '../../src/audit/verify-command.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

const ENTRIES = 12;

forEachStore((_name, open) => {
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
    return store;
  }
  /** A database of its own, for tests that break it. */
  async function fresh(): Promise<Store> {
    const store = await open();
    opened.push(store);
    return store;
  }

  /** A store holding a chain of ENTRIES record views of patient 9990000018. */
  async function chain(): Promise<Store> {
    const store = await emptied();
    const log = createAuditLog({ store });
    for (let i = 0; i < ENTRIES; i++) {
      await log.append(i % 2 === 0 ? recordViewStarted() : recordViewCompleted());
    }
    return store;
  }

  async function row(store: Store, seq: number) {
    return store.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
  }

  /** Rewrites entry `seq` with `edit`, recomputing its own hash (a tamperer who knows the rule). */
  async function rewriteEntry(
    store: Store,
    seq: number,
    edit: (entryJson: string) => string,
  ): Promise<void> {
    const r = await row(store, seq);
    const entry = edit(r.entry);
    if (store.dialect === 'postgres') {
      // PostgreSQL's search indexes parse each entry as jsonb, refusing text that is not JSON; the
      // owner of the database can drop them first, so verify must catch what follows regardless.
      for (const field of Object.keys(AUDIT_FILTER_PATHS) as AuditFilterField[]) {
        await sql`drop index if exists ${sql.id(indexName(field))}`.execute(store.db);
      }
    }
    await store.db
      .updateTable('audit_entries')
      .set({ entry, hash: chainHash(r.prev_hash, entry) })
      .where('seq', '=', seq)
      .execute();
  }

  void test('an intact chain verifies, in batches, with progress, and the command says so', async () => {
    const store = await chain();
    const progress: number[] = [];
    const seen: number[] = [];
    const verdict = await verifyAuditChain(store, {
      batchSize: 5,
      onProgress: (n) => progress.push(n),
      onEntry: (seq) => seen.push(seq),
    });
    assert.deepEqual(verdict, {
      ok: true,
      entries: ENTRIES,
      lastHash: (await row(store, ENTRIES)).hash,
    });
    assert.deepEqual(progress, [5, 10, 12]);
    assert.deepEqual(
      seen,
      Array.from({ length: ENTRIES }, (_v, i) => i + 1),
    );
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (l) => lines.push(l)), 0);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /intact: 12 entries/);
  });

  void test('an empty trail verifies with the genesis hash', async () => {
    const store = await emptied();
    assert.deepEqual(await verifyAuditChain(store), {
      ok: true,
      entries: 0,
      lastHash: '0'.repeat(64),
    });
  });

  void test('changing the NHS number in one entry is caught as a hash mismatch at that entry', async () => {
    const store = await chain();
    const r = await row(store, 5);
    await store.db
      .updateTable('audit_entries')
      .set({ entry: r.entry.replace('9990000018', '9990000026') })
      .where('seq', '=', 5)
      .execute();
    const verdict = await verifyAuditChain(store, { batchSize: 3 });
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 5);
    assert.equal(verdict.problem, 'hash-mismatch');
    assert.equal(verdict.entries, 4);
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (l) => lines.push(l)), 1);
    assert.match(lines[0] ?? '', /BROKEN at entry 5 \(hash-mismatch\)/);
  });

  void test('deleting a middle entry is caught as a gap at the entry after it', async () => {
    const store = await chain();
    await store.db.deleteFrom('audit_entries').where('seq', '=', 6).execute();
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 7);
    assert.equal(verdict.problem, 'gap');
    assert.match(verdict.message, /entry 6 is missing/);
  });

  void test('an entry rewritten with its own hash recomputed breaks the link from the next entry', async () => {
    const store = await chain();
    await rewriteEntry(store, 8, (e) => e.replace('9990000018', '9990000026'));
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 9);
    assert.equal(verdict.problem, 'broken-link');
  });

  void test('a changed prev_hash with the hash recomputed to match is caught as a broken link at that entry', async () => {
    const store = await chain();
    const r = await row(store, 4);
    const forgedPrev = 'f'.repeat(64);
    await store.db
      .updateTable('audit_entries')
      .set({ prev_hash: forgedPrev, hash: chainHash(forgedPrev, r.entry) })
      .where('seq', '=', 4)
      .execute();
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 4);
    assert.equal(verdict.problem, 'broken-link');
  });

  void test('a forged entry added at the end with a wrong prev_hash is caught', async () => {
    const store = await chain();
    const forgedPrev = 'a'.repeat(64);
    const entry = canonicalJson({
      v: 1,
      seq: ENTRIES + 1,
      recordedAt: '2025-03-04T11:00:00.000Z',
      event: recordViewStarted(),
    });
    await store.db
      .insertInto('audit_entries')
      .values({
        seq: ENTRIES + 1,
        recorded_at: '2025-03-04T11:00:00.000Z',
        entry,
        hash: chainHash(forgedPrev, entry),
        prev_hash: forgedPrev,
      })
      .execute();
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, ENTRIES + 1);
    assert.equal(verdict.problem, 'broken-link');
    assert.equal(verdict.entries, ENTRIES);
  });

  void test('an entry that claims another seq or time than its row is caught as a seq mismatch', async () => {
    const store = await chain();
    // The row's recorded_at column is not hashed itself; the copy inside the hashed entry is.
    await store.db
      .updateTable('audit_entries')
      .set({ recorded_at: '2020-01-01T00:00:00.000Z' })
      .where('seq', '=', 3)
      .execute();
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 3);
    assert.equal(verdict.problem, 'seq-mismatch');
  });

  void test('an entry replaced by something that is not canonical JSON is caught as bad JSON', async () => {
    const store = await chain();
    await rewriteEntry(store, ENTRIES, () => '{"v": 1}');
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, ENTRIES);
    assert.equal(verdict.problem, 'bad-json');
  });

  void test('an entry holding an escaped lone surrogate is caught as bad JSON, not a crash', async () => {
    const store = await chain();
    await rewriteEntry(store, 2, (e) => e.replace('"req-', '"\\ud800req-'));
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 2);
    assert.equal(verdict.problem, 'bad-json');
  });

  void test('only the first of several tampered entries is named', async () => {
    const store = await chain();
    await store.db.deleteFrom('audit_entries').where('seq', '=', 10).execute();
    const r = await row(store, 3);
    await store.db
      .updateTable('audit_entries')
      .set({ entry: `${r.entry} ` })
      .where('seq', '=', 3)
      .execute();
    const verdict = await verifyAuditChain(store);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 3);
  });

  void test('the command reports an unreadable trail with exit code 2', async () => {
    const store = await fresh();
    await createAuditLog({ store }).append(recordViewStarted());
    await store.db.schema.dropTable('audit_entries').execute();
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (l) => lines.push(l)), 2);
    assert.match(lines[0] ?? '', /could not be read/);
  });
});
