/**
 * Audit search over a large trail: the filters run in the database on indexed expressions, over the
 * whole trail (not only the newest page), on SQLite and PostgreSQL.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import {
  auditFilterExpression,
  type AuditFilterField,
} from '../../src/store/audit-entry-fields.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';
import { drOkafor, recordViewStarted } from './sample-events.ts';

const ENTRIES = 3000;
const nurse = { ...drOkafor, userId: 'u-nurse', username: 'ben.hughes', organisation: 'RXX01' };

/** The nurse from another organisation, once opening patient 0026's record. */
function nurseViewed(): AuditEvent {
  return { ...recordViewStarted('9990000026'), actor: nurse };
}

/** The same nurse refused on that record. */
function nurseRefused(): AuditEvent {
  const { time, requestId, client, nhsNumber } = recordViewStarted('9990000026');
  return {
    time,
    requestId,
    client,
    nhsNumber,
    action: 'access-denied',
    outcome: 'denied',
    attempted: 'record-view',
    reasonCode: 'no-live-permission',
    actor: nurse,
  };
}

/** Appends this many of Dr Okafor's views of patient 0018, a batch at a time (group commit). */
async function haystack(log: ReturnType<typeof createAuditLog>, count: number): Promise<void> {
  for (let done = 0; done < count; done += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - done) }, () =>
        log.append(recordViewStarted('9990000018')),
      ),
    );
  }
}

forEachStore((name, open) => {
  const opened: Store[] = [];
  after(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });

  void test(`on ${name}, an auditor finds the one entry among thousands by organisation, outcome, user or patient`, async () => {
    const store = await open();
    opened.push(store);
    const log = createAuditLog({ store });
    await haystack(log, 100);
    const viewed = (await log.append(nurseViewed())).seq;
    await haystack(log, ENTRIES);
    const refused = (await log.append(nurseRefused())).seq;
    await haystack(log, 100);

    const seqs = async (q: Parameters<typeof log.list>[0]): Promise<number[]> =>
      (await log.list(q)).map((record) => record.seq);
    // The newest 50 alone would miss the nurse's view: the filter runs over the whole trail.
    assert.deepEqual(await seqs({ organisation: 'RXX01', limit: 50, newestFirst: true }), [
      refused,
      viewed,
    ]);
    assert.deepEqual(await seqs({ outcome: 'denied', limit: 50 }), [refused]);
    assert.deepEqual(await seqs({ userId: 'u-nurse', outcome: 'success', limit: 50 }), [viewed]);
    assert.deepEqual(await seqs({ nhsNumber: '9990000026', limit: 50 }), [viewed, refused]);
    // By sign-in name, in any case, or by id: the same two entries.
    assert.deepEqual(await seqs({ user: 'Ben.Hughes', limit: 50 }), [viewed, refused]);
    assert.deepEqual(await seqs({ user: 'u-nurse', limit: 50 }), [viewed, refused]);
    assert.deepEqual(await seqs({ action: 'access-denied', organisation: 'RXX01', limit: 50 }), [
      refused,
    ]);
    assert.deepEqual(await seqs({ organisation: 'NOBODY', limit: 50 }), []);
  });

  void test(`on ${name}, every filter is served by its index, not by reading every entry`, async () => {
    const store = opened[0] ?? (await open());
    if (opened.length === 0) opened.push(store);
    const fields: AuditFilterField[] = [
      'nhsNumber',
      'userId',
      'username',
      'action',
      'organisation',
      'outcome',
    ];
    for (const field of fields) {
      const where = `${auditFilterExpression(store.dialect, field)} = 'x'`;
      const plan =
        store.dialect === 'postgres'
          ? await store.db.transaction().execute(async (trx) => {
              // The planner would rightly scan a small table; forbid it to see what it can use.
              await sql`set local enable_seqscan = off`.execute(trx);
              const result = await sql<{
                'QUERY PLAN': string;
              }>`explain select seq from audit_entries where ${sql.raw(where)} order by seq desc limit 50`.execute(
                trx,
              );
              return result.rows.map((row) => row['QUERY PLAN']).join('\n');
            })
          : (
              await sql<{
                detail: string;
              }>`explain query plan select seq from audit_entries where ${sql.raw(where)} order by seq desc limit 50`.execute(
                store.db,
              )
            ).rows
              .map((row) => row.detail)
              .join('\n');
      assert.match(plan, /audit_entries_by_/, `${field}: ${plan}`);
    }
  });
});
