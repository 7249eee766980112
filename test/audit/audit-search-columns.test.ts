/**
 * Audit search on plain columns (migration 0013), on SQLite and PostgreSQL: a trail written before
 * the migration is back-filled and found exactly as the JSON expressions found it, the append-only
 * guard is back afterwards, and `mcr audit verify` catches a search column changed behind the hash
 * chain's back.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { createAuditLog, type AuditFilter } from '../../src/audit/audit-log.ts';
import { canonicalJson } from '../../src/audit/canonical-json.ts';
import { GENESIS_PREV_HASH, chainHash, entryEnvelopeJson } from '../../src/audit/chain-hash.ts';
import { runAuditVerify } from '../../src/audit/verify-command.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import {
  AUDIT_FILTER_COLUMNS,
  AUDIT_FILTER_FIELDS,
  auditFilterJsonExpression,
  type AuditFilterField,
} from '../../src/store/audit-entry-fields.ts';
import { auditSearchIndexesMigration } from '../../src/store/migrations/0005-audit-search-indexes.ts';
import { auditSearchByUsernameMigration } from '../../src/store/migrations/0011-audit-search-by-username.ts';
import { auditAppendFunctionMigration } from '../../src/store/migrations/0012-audit-append-function.ts';
import { SCHEMA_CHANGE_LOCK } from '../../src/store/postgres-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';
import { drOkafor, oneOfEach, recordViewStarted } from './sample-events.ts';

const nurse = { ...drOkafor, userId: 'u-nurse', username: 'ben.hughes', organisation: 'RXX01' };

/** Every action once, and the nurse's view of another patient: values enough for every filter. */
function events(): AuditEvent[] {
  return [...oneOfEach(), { ...recordViewStarted('9990000026'), actor: nurse }];
}

/**
 * Makes a migrated database look as the version before 0013 left it: no search columns, the
 * expression indexes of 0005 and 0011, 0012's append function, 0013 not applied.
 */
async function undoMigration0013(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const db = trx as unknown as Kysely<unknown>;
    // Other tests' stores read the catalogue as they migrate: hold the lock they migrate under.
    if (store.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${SCHEMA_CHANGE_LOCK})`.execute(db);
    }
    for (const field of AUDIT_FILTER_FIELDS) {
      const column = AUDIT_FILTER_COLUMNS[field];
      await sql.raw(`drop index if exists audit_entries_by_${column}`).execute(db);
      await sql.raw(`alter table audit_entries drop column ${column}`).execute(db);
    }
    await auditSearchIndexesMigration(store.dialect).up(db);
    await auditSearchByUsernameMigration(store.dialect).up(db);
    if (store.dialect === 'postgres') {
      // 0013's function goes; 0012's signature gets 0012's body back.
      await sql`drop function mcr_audit_append(bigint, text, bigint[], text[], text[], text[],
        text[], text[], text[], text[], text[], text[], text[], integer[], bigint[], integer[],
        bytea[])`.execute(db);
      await auditAppendFunctionMigration(store.dialect).up(db);
    }
    await sql`delete from kysely_migration where name >= '0013'`.execute(db);
  });
}

/** Appends the events as the previous version did: the five chain columns, nothing else. */
async function appendAsBefore(store: Store, list: readonly AuditEvent[]): Promise<void> {
  let prevHash = GENESIS_PREV_HASH;
  for (const [i, event] of list.entries()) {
    const seq = i + 1;
    const recordedAt = new Date(Date.UTC(2026, 0, 1, 9, 0, seq)).toISOString();
    const entry = entryEnvelopeJson(seq, recordedAt, canonicalJson(event));
    const hash = chainHash(prevHash, entry);
    await sql`insert into audit_entries (seq, recorded_at, entry, hash, prev_hash)
      values (${seq}, ${recordedAt}, ${entry}, ${hash}, ${prevHash})`.execute(store.db);
    prevHash = hash;
  }
}

/** What each filter field and value found through the JSON expressions, before the migration. */
async function foundByJson(store: Store): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  for (const field of AUDIT_FILTER_FIELDS) {
    const expression = sql.raw(auditFilterJsonExpression(store.dialect, field));
    const { rows } = await sql<{
      value: string | null;
      seq: number | string;
    }>`select ${expression} as value, seq from audit_entries order by seq`.execute(store.db);
    for (const row of rows) {
      if (row.value === null) continue;
      const key = `${field}=${row.value}`;
      found.set(key, [...(found.get(key) ?? []), Number(row.seq)]);
    }
  }
  return found;
}

function filterOf(field: AuditFilterField, value: string): AuditFilter {
  return { [field]: value };
}

forEachStore((name, _open, factory) => {
  const disposals: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all(disposals.map((dispose) => dispose()));
  });

  void test(`on ${name}, entries written before migration 0013 are found by audit search after it, as the JSON expressions found them`, async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const old = await database.open();
    await undoMigration0013(old);
    await appendAsBefore(old, events());
    const expected = await foundByJson(old);
    await old.close();

    const store = await database.open();
    const log = createAuditLog({ store });
    assert.ok(expected.size > 10, 'the trail holds values for every filter');
    for (const [key, seqs] of expected) {
      const [field, value] = key.split(/=(.*)/s) as [AuditFilterField, string];
      if (field === 'username') continue; // searched as `user`, below
      const found = await log.list({ ...filterOf(field, value), limit: 1000 });
      assert.deepEqual(
        found.map((record) => record.seq),
        seqs,
        key,
      );
    }
    const byName = await log.list({ user: 'Ben.Hughes', limit: 1000 });
    assert.deepEqual(
      byName.map((record) => record.seq),
      expected.get('username=ben.hughes'),
    );
    assert.equal(await log.count({ action: 'sign-in-failed' }), 1);

    // The back-filled rows verify (their columns are what their JSON says); the chain goes on.
    const appended = await log.append({ ...recordViewStarted('9990000026'), actor: nurse });
    assert.equal(appended.seq, events().length + 1);
    assert.deepEqual(
      (await log.list({ userId: 'u-nurse', limit: 10 })).map((record) => record.seq),
      [...(expected.get('userId=u-nurse') ?? []), appended.seq],
    );
    const verdict = await verifyAuditTrail(store);
    assert.ok(verdict.ok, JSON.stringify(verdict));
  });

  void test(`on ${name}, the append-only guard lifted for the back-fill is back after migration 0013`, async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const old = await database.open();
    await undoMigration0013(old);
    await appendAsBefore(old, events());
    await old.close();

    const store = await database.open();
    await assert.rejects(
      sql`update audit_entries set nhs_number = '9990000034' where seq = 1`.execute(store.db),
      /append-only/,
    );
    await assert.rejects(
      sql`delete from audit_entries where seq = 1`.execute(store.db),
      /append-only/,
    );
  });

  if (name === 'postgres') {
    void test('on postgres, a server of the previous version appending during a rolling upgrade writes entries that search finds and verify passes', async () => {
      const database = await factory.createDatabase();
      disposals.push(() => database.dispose());
      const store = await database.open();
      const log = createAuditLog({ store });
      const first = await log.append(recordViewStarted('9990000018'));
      // What the previous version sends: 0012's eleven arguments, no search columns (no tiles).
      const seq = first.seq + 1;
      const recordedAt = new Date().toISOString();
      const entry = entryEnvelopeJson(
        seq,
        recordedAt,
        canonicalJson({ ...recordViewStarted('9990000026'), actor: nurse }),
      );
      const hash = chainHash(first.hash, entry);
      await sql`select mcr_audit_append(${first.seq}::bigint, ${first.hash}, ${[seq]}::bigint[],
        ${[recordedAt]}::text[], ${[entry]}::text[], ${[hash]}::text[], ${[first.hash]}::text[],
        ${[]}::integer[], ${[]}::bigint[], ${[]}::integer[], ${[]}::bytea[])`.execute(store.db);
      const found = await log.list({ nhsNumber: '9990000026', limit: 10 });
      assert.deepEqual(
        found.map((record) => record.seq),
        [seq],
      );
      assert.deepEqual(
        (await log.list({ user: 'ben.hughes', organisation: 'RXX01', limit: 10 })).map(
          (record) => record.seq,
        ),
        [seq],
      );
      const verdict = await verifyAuditTrail(store);
      assert.ok(verdict.ok, JSON.stringify(verdict));
      // This version's log goes on from the entry the other one wrote.
      assert.equal((await createAuditLog({ store }).append(recordViewStarted())).seq, seq + 1);
    });
  }

  void test(`on ${name}, mcr audit verify reports a search column changed behind the hash chain's back`, async () => {
    const database = await factory.createDatabase();
    disposals.push(() => database.dispose());
    const store = await database.open();
    const log = createAuditLog({ store });
    for (const event of events()) await log.append(event);
    assert.ok((await verifyAuditTrail(store)).ok, 'untouched, the trail verifies');

    // A database owner moves entry 3 to another patient in search only: its JSON and hash stay.
    await dropAppendOnlyGuards(store);
    await sql`update audit_entries set nhs_number = '9990000034' where seq = 3`.execute(store.db);
    const verdict = await verifyAuditTrail(store);
    assert.ok(!verdict.ok, 'the tampered column went unnoticed');
    assert.equal(verdict.problem, 'column-mismatch');
    assert.deepEqual(verdict.at, { kind: 'entry', seq: 3 });
    assert.match(verdict.message, /nhs_number/);
    const lines: string[] = [];
    assert.equal(await runAuditVerify(store, (line) => lines.push(line)), 1);
    assert.match(lines[0] ?? '', /BROKEN at entry 3 \(column-mismatch\)/);

    // Hiding an entry from search by emptying its column is caught the same way.
    await sql`update audit_entries set nhs_number = null where seq = 3`.execute(store.db);
    assert.ok((await verifyAuditTrail(store)).ok, 'put back, the trail verifies again');
    const [denied] = await log.list({ outcome: 'denied', limit: 1 });
    assert.ok(denied !== undefined);
    await sql`update audit_entries set outcome = null where seq = ${denied.seq}`.execute(store.db);
    assert.deepEqual(
      await log.list({ outcome: 'denied', limit: 1, beforeSeq: denied.seq + 1 }),
      [],
    );
    const hidden = await verifyAuditTrail(store);
    assert.ok(!hidden.ok && hidden.problem === 'column-mismatch', JSON.stringify(hidden));
    assert.deepEqual(hidden.at, { kind: 'entry', seq: denied.seq });
  });
});
