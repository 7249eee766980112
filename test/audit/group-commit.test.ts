/** Group commit: concurrent appends share one transaction, yet each caller learns only its own fate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { AuditUnavailable, createAuditLog } from '../../src/audit/audit-log.ts';
import { verifyAuditChain } from '../../src/audit/verify-chain.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

forEachStore((name, open) => {
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
});
