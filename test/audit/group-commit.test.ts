/** Group commit: concurrent appends share one transaction, yet each caller learns only its own fate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../../src/store/schema.ts';
import { AuditUnavailable, createAuditLog } from '../../src/audit/audit-log.ts';
import { verifyAuditChain } from '../../src/audit/verify-chain.ts';
import { forEachStore } from '../support/test-database.ts';
import { drOkafor, recordViewCompleted, recordViewStarted } from './sample-events.ts';

/** A dissent row and its `dissent-recorded` entry, as one change of state. */
function dissentChange(nhsNumber: string, fail?: Error) {
  return async (trx: Transaction<DatabaseSchema>) => {
    const id = `dissent-${nhsNumber}`;
    await trx
      .insertInto('dissents')
      .values({
        id,
        nhs_number: nhsNumber,
        recorded_by: drOkafor.userId,
        created_at: '2025-03-04T10:15:00.000Z',
        revoked_at: null,
        revoked_by: null,
      })
      .execute();
    if (fail !== undefined) throw fail;
    return {
      result: id,
      events: [
        {
          action: 'dissent-recorded',
          time: '2025-03-04T10:15:00.000Z',
          requestId: `req-${nhsNumber}`,
          actor: drOkafor,
          outcome: 'success',
          nhsNumber,
          dissentId: id,
        },
      ] as const,
    };
  };
}

async function dissentRows(store: { db: Kysely<DatabaseSchema> }): Promise<string[]> {
  const rows = await store.db.selectFrom('dissents').select('nhs_number').execute();
  return rows.map((row) => row.nhs_number).sort();
}

forEachStore((name, open, factory) => {
  test(`${name}: 60 appends at once each get their own place in one gapless, verifiable chain`, async () => {
    const store = await open();
    try {
      const audit = createAuditLog({ store });
      const entries = await Promise.all(
        Array.from({ length: 60 }, () => audit.append(recordViewStarted())),
      );
      assert.deepEqual(
        entries.map((entry) => entry.seq).sort((a, b) => a - b),
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      const verdict = await verifyAuditChain(store);
      assert.ok(verdict.ok);
    } finally {
      await store.close();
    }
  });

  test(`${name}: an entry the store refuses fails only its own append, not the others in its group`, async () => {
    const store = await open();
    try {
      // The store refuses one kind of entry, as a full or faulty audit store might.
      if (store.dialect === 'sqlite') {
        await sql`create trigger refuse_completed before insert on audit_entries
          when new.entry like '%record-view-completed%'
          begin select raise(abort, 'refused'); end`.execute(store.db);
      } else {
        await sql`create function refuse_completed() returns trigger language plpgsql as $$
          begin if new.entry like '%record-view-completed%' then raise exception 'refused'; end if; return new; end $$`.execute(
          store.db,
        );
        await sql`create trigger refuse_completed before insert on audit_entries
          for each row execute function refuse_completed()`.execute(store.db);
      }
      const audit = createAuditLog({ store });
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          audit.append(i === 5 ? recordViewCompleted() : recordViewStarted()),
        ),
      );
      const rejected = results.flatMap((result, index) =>
        result.status === 'rejected' ? [index] : [],
      );
      assert.deepEqual(rejected, [5]);
      const failure = results[5];
      assert.ok(failure?.status === 'rejected' && failure.reason instanceof AuditUnavailable);
      const verdict = await verifyAuditChain(store);
      assert.ok(verdict.ok);
      assert.equal(verdict.entries, 11);
    } finally {
      await store.close();
    }
  });

  test(`${name}: changes of state join the group; one that throws is undone alone, the rest commit with their entries`, async () => {
    const store = await open();
    try {
      const audit = createAuditLog({ store });
      const refusal = new Error('already on the register');
      const numbers = Array.from({ length: 8 }, (_, i) => `999000010${String(i)}`);
      const results = await Promise.allSettled([
        ...numbers.map((n, i) => audit.appendWith(dissentChange(n, i === 3 ? refusal : undefined))),
        audit.append(recordViewStarted()),
      ]);
      assert.equal(results[3]?.status === 'rejected' && results[3].reason, refusal);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 8);
      const kept = numbers.filter((_, i) => i !== 3);
      assert.deepEqual(await dissentRows(store), kept);
      const entries = await audit.list({ action: 'dissent-recorded', limit: 100 });
      const audited = entries.map(({ entry: { event } }) =>
        event.action === 'dissent-recorded' ? event.nhsNumber : event.action,
      );
      assert.deepEqual(audited.sort(), kept);
      const verdict = await verifyAuditChain(store);
      assert.ok(verdict.ok);
      assert.equal(verdict.entries, 8);
    } finally {
      await store.close();
    }
  });

  test(`${name}: when the entry is refused, its change of state is not kept either`, async () => {
    const store = await open();
    try {
      if (store.dialect === 'sqlite') {
        await sql`create trigger refuse_dissent before insert on audit_entries
          when new.entry like '%9990000200%'
          begin select raise(abort, 'refused'); end`.execute(store.db);
      } else {
        await sql`create function refuse_dissent() returns trigger language plpgsql as $$
          begin if new.entry like '%9990000200%' then raise exception 'refused'; end if; return new; end $$`.execute(
          store.db,
        );
        await sql`create trigger refuse_dissent before insert on audit_entries
          for each row execute function refuse_dissent()`.execute(store.db);
      }
      const audit = createAuditLog({ store });
      const results = await Promise.allSettled([
        audit.appendWith(dissentChange('9990000200')),
        audit.appendWith(dissentChange('9990000201')),
        audit.append(recordViewStarted()),
      ]);
      const [refused, other, plain] = results;
      assert.ok(refused?.status === 'rejected' && refused.reason instanceof AuditUnavailable);
      assert.equal(other?.status, 'fulfilled');
      assert.equal(plain?.status, 'fulfilled');
      assert.deepEqual(await dissentRows(store), ['9990000201']);
      const verdict = await verifyAuditChain(store);
      assert.ok(verdict.ok);
      assert.equal(verdict.entries, 2);
    } finally {
      await store.close();
    }
  });

  test(`${name}: two servers appending at the same time to one database still make one gapless, verifiable chain`, async () => {
    const database = await factory.createDatabase();
    try {
      const [a, b] = [await database.open(), await database.open()];
      // Each log remembers where the trail ended at its own last commit; the other's appends
      // make that memory wrong, and the write under the lock must notice and link again.
      const [logA, logB] = [createAuditLog({ store: a }), createAuditLog({ store: b })];
      const appended = await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          const log = writer % 2 === 0 ? logA : logB;
          const seqs: number[] = [];
          for (let i = 0; i < 15; i += 1) seqs.push((await log.append(recordViewStarted())).seq);
          return seqs;
        }),
      );
      assert.deepEqual(
        appended.flat().sort((x, y) => x - y),
        Array.from({ length: 120 }, (_, i) => i + 1),
      );
      const verdict = await verifyAuditChain(a);
      assert.ok(verdict.ok);
      assert.equal(verdict.entries, 120);
    } finally {
      await database.dispose();
    }
  });
});
