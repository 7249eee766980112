/** @module The store contract, run against SQLite and PostgreSQL alike. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { storeMigrations } from '../../src/store/migrate.ts';
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';
import { isUniqueViolation } from '../../src/store/store-errors.ts';
import type { NewPermissionRow, NewUserRow } from '../../src/store/schema.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { forEachStore } from '../support/test-database.ts';

const now = '2025-01-02T03:04:05.000Z';
const later = '2025-01-02T04:04:05.000Z';

function user(id: string, username: string): NewUserRow {
  return {
    id,
    username,
    display_name: `Dr ${username}`,
    role: 'clinician',
    organisation: 'RXX01',
    password_hash: null,
    sds_user_id: null,
    sds_role_profile_id: null,
    is_demo: 0,
    disabled: 0,
    created_at: now,
  };
}

function permission(id: string, userId: string): NewPermissionRow {
  return {
    id,
    nhs_number: '9000000009',
    basis: 'emergency',
    method: 'not-applicable',
    given_by: 'patient',
    reason_code: null,
    reason: 'unconscious on arrival',
    scope: 'user',
    user_id: userId,
    organisation: 'RXX01',
    created_at: now,
    expires_at: later,
    withdrawn_at: null,
    withdrawn_by: null,
  };
}

/** Appends one audit entry as the audit chain does: read the last seq, write the next. */
async function appendAuditEntry(store: Store, label: string): Promise<number> {
  return store.withAuditLock(async (trx) => {
    const last = await trx
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    // Give every other appender the chance to read the same max if the lock did not hold.
    await yieldToOthers();
    await trx
      .insertInto('audit_entries')
      .values({
        seq,
        recorded_at: now,
        entry: `{"label":"${label}"}`,
        hash: `h${seq}`,
        prev_hash: `h${seq - 1}`,
      })
      .execute();
    return seq;
  });
}

async function auditSeqs(store: Store): Promise<number[]> {
  const rows = await store.db.selectFrom('audit_entries').select('seq').orderBy('seq').execute();
  return rows.map((row) => row.seq);
}

const oneToFifty = Array.from({ length: 50 }, (_, i) => i + 1);

forEachStore((name, open, factory) => {
  void test('opening the same database again finds it migrated and keeps its accounts', async () => {
    const database = await factory.createDatabase();
    try {
      const first = await database.open();
      await first.db.insertInto('users').values(user('u1', 'alice')).execute();
      const second = await database.open();
      const migrations = await sql<{
        name: string;
      }>`select name from kysely_migration order by name`.execute(second.db);
      // Each migration applied exactly once, all of them.
      assert.deepEqual(
        migrations.rows.map((row) => row.name),
        Object.keys(storeMigrations(name)).sort(),
      );
      const users = await second.db.selectFrom('users').select('username').execute();
      assert.deepEqual(users, [{ username: 'alice' }]);
    } finally {
      await database.dispose();
    }
  });

  void test('a trail written by the previous version becomes append-only when it is opened, rows intact', async () => {
    const database = await factory.createDatabase();
    try {
      const old = await database.open();
      // The previous version: no append-only triggers, migration 0006 never applied, nor any after it.
      await dropAppendOnlyGuards(old);
      await sql`delete from kysely_migration where name >= '0006'`.execute(old.db);
      await sql`drop table smart_launches`.execute(old.db);
      await sql`drop table rate_limit_counters`.execute(old.db);
      await sql`drop table audit_tiles`.execute(old.db);
      await sql`alter table sessions drop column launch_nhs_number`.execute(old.db);
      await appendAuditEntry(old, 'before the upgrade');
      await old.db
        .updateTable('audit_entries')
        .set({ entry: '{"label":"still editable"}' })
        .execute();
      await old.close();

      const upgraded = await database.open();
      await assert.rejects(
        upgraded.db.updateTable('audit_entries').set({ hash: 'x' }).execute(),
        /append-only/,
      );
      const rows = await upgraded.db.selectFrom('audit_entries').select(['seq', 'entry']).execute();
      assert.deepEqual(rows, [{ seq: 1, entry: '{"label":"still editable"}' }]);
    } finally {
      await database.dispose();
    }
  });

  void test('accounts, permissions and audit entries survive closing and reopening the store', async () => {
    const database = await factory.createDatabase();
    try {
      const first = await database.open();
      await first.db.insertInto('users').values(user('u1', 'alice')).execute();
      await first.db.insertInto('permissions').values(permission('p1', 'u1')).execute();
      await appendAuditEntry(first, 'viewed');
      await first.close();

      const reopened = await database.open();
      const found = await reopened.db.selectFrom('permissions').select(['id', 'user_id']).execute();
      assert.deepEqual(found, [{ id: 'p1', user_id: 'u1' }]);
      assert.deepEqual(await auditSeqs(reopened), [1]);
    } finally {
      await database.dispose();
    }
  });

  void test('every table stores, finds and updates its rows', async () => {
    const store = await open();
    try {
      const { db } = store;
      await db.insertInto('users').values(user('u1', 'alice')).execute();
      await db
        .updateTable('users')
        .set({ disabled: 1, password_hash: 'scrypt$1$2$3$salt$hash' })
        .where('id', '=', 'u1')
        .execute();
      assert.deepEqual(
        await db
          .selectFrom('users')
          .select(['disabled', 'password_hash', 'is_demo'])
          .where('username', '=', 'alice')
          .executeTakeFirst(),
        { disabled: 1, password_hash: 'scrypt$1$2$3$salt$hash', is_demo: 0 },
      );

      await db
        .insertInto('sessions')
        .values({
          id: 's1',
          user_id: 'u1',
          csrf_token: 'c',
          created_at: now,
          last_seen_at: now,
          expires_at: later,
        })
        .execute();
      await db
        .updateTable('sessions')
        .set({ last_seen_at: later })
        .where('id', '=', 's1')
        .execute();
      assert.deepEqual(
        await db
          .selectFrom('sessions')
          .select(['user_id', 'last_seen_at'])
          .where('user_id', '=', 'u1')
          .execute(),
        [{ user_id: 'u1', last_seen_at: later }],
      );

      await db
        .insertInto('login_failures')
        .values({
          address: '127.0.0.1',
          slot: 7,
          failures: 1,
          first_failure_at: now,
          locked_until: null,
        })
        .execute();
      await db
        .updateTable('login_failures')
        .set((eb) => ({ failures: eb('failures', '+', 1), locked_until: later }))
        .where('address', '=', '127.0.0.1')
        .where('slot', '=', 7)
        .execute();
      assert.deepEqual(
        await db
          .selectFrom('login_failures')
          .select(['failures', 'locked_until'])
          .executeTakeFirst(),
        { failures: 2, locked_until: later },
      );

      await db.insertInto('permissions').values(permission('p1', 'u1')).execute();
      await db
        .updateTable('permissions')
        .set({ withdrawn_at: later, withdrawn_by: 'u1' })
        .where('id', '=', 'p1')
        .execute();
      assert.deepEqual(
        await db
          .selectFrom('permissions')
          .select(['id', 'withdrawn_at', 'withdrawn_by'])
          .where('nhs_number', '=', '9000000009')
          .execute(),
        [{ id: 'p1', withdrawn_at: later, withdrawn_by: 'u1' }],
      );

      await db
        .insertInto('dissents')
        .values({
          id: 'd1',
          nhs_number: '9000000009',
          recorded_by: 'u1',
          created_at: now,
          revoked_at: null,
          revoked_by: null,
        })
        .execute();
      await db
        .updateTable('dissents')
        .set({ revoked_at: later, revoked_by: 'u1' })
        .where('id', '=', 'd1')
        .execute();
      assert.deepEqual(
        await db.selectFrom('dissents').select(['nhs_number', 'revoked_by']).execute(),
        [{ nhs_number: '9000000009', revoked_by: 'u1' }],
      );

      await db
        .insertInto('emergency_reviews')
        .values({
          permission_id: 'p1',
          outcome: null,
          note: null,
          reviewed_by: null,
          reviewed_at: null,
        })
        .execute();
      await db
        .updateTable('emergency_reviews')
        .set({ outcome: 'appropriate', reviewed_by: 'u1', reviewed_at: later })
        .where('permission_id', '=', 'p1')
        .execute();
      assert.deepEqual(
        await db.selectFrom('emergency_reviews').select(['permission_id', 'outcome']).execute(),
        [{ permission_id: 'p1', outcome: 'appropriate' }],
      );

      await appendAuditEntry(store, 'first');
      const entry = await db.selectFrom('audit_entries').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(entry, {
        seq: 1,
        recorded_at: now,
        entry: '{"label":"first"}',
        hash: 'h1',
        prev_hash: 'h0',
        // The search columns (migration 0013): this row, written by hand, has no event to fill them.
        nhs_number: null,
        user_id: null,
        username: null,
        action: null,
        organisation: null,
        outcome: null,
      });
      assert.equal(typeof entry.seq, 'number', `${name} must return seq as a JS number`);

      const counted = await db
        .selectFrom('permissions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(counted.n, 1);
    } finally {
      await store.close();
    }
  });

  void test('the audit tables refuse every update, delete and truncate, even from the database owner', async () => {
    const store = await open();
    const { db } = store;
    try {
      await appendAuditEntry(store, 'first');
      await db
        .insertInto('audit_checkpoints')
        .values({
          tree_size: 1,
          root_hash: 'r1',
          created_at: now,
          key_id: 'k',
          signature: 's',
          frontier: '[]',
        })
        .execute();
      const attempts: [string, () => Promise<unknown>][] = [
        ['edit an entry', () => db.updateTable('audit_entries').set({ hash: 'x' }).execute()],
        ['delete an entry', () => db.deleteFrom('audit_entries').execute()],
        [
          'edit a checkpoint',
          () => db.updateTable('audit_checkpoints').set({ signature: 'x' }).execute(),
        ],
        ['delete a checkpoint', () => db.deleteFrom('audit_checkpoints').execute()],
      ];
      if (name === 'postgres') {
        attempts.push(
          ['truncate the entries', () => sql`truncate audit_entries`.execute(db)],
          ['truncate the checkpoints', () => sql`truncate audit_checkpoints`.execute(db)],
        );
      }
      for (const [what, attempt] of attempts) {
        await assert.rejects(attempt(), /append-only/, `${what} was allowed`);
      }
      const entry = await db.selectFrom('audit_entries').select('hash').executeTakeFirstOrThrow();
      assert.equal(entry.hash, 'h1');
      const checkpoint = await db
        .selectFrom('audit_checkpoints')
        .select('signature')
        .executeTakeFirstOrThrow();
      assert.equal(checkpoint.signature, 's');
    } finally {
      await store.close();
    }
  });

  void test('a username already taken is refused and recognised as a unique violation', async () => {
    const store = await open();
    try {
      await store.db.insertInto('users').values(user('u1', 'alice')).execute();
      const duplicate = await store.db
        .insertInto('users')
        .values(user('u2', 'alice'))
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(duplicate instanceof Error, 'a second "alice" must be refused');
      assert.equal(isUniqueViolation(duplicate), true);

      const sameId = await store.db
        .insertInto('users')
        .values(user('u1', 'bob'))
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.equal(
        isUniqueViolation(sameId),
        true,
        'a reused primary key is a unique violation too',
      );
      assert.equal(isUniqueViolation(new Error('something else')), false);
      assert.equal(isUniqueViolation(undefined), false);
    } finally {
      await store.close();
    }
  });

  void test('a session for an account that does not exist is refused', async () => {
    const store = await open();
    try {
      await assert.rejects(
        store.db
          .insertInto('sessions')
          .values({
            id: 's1',
            user_id: 'nobody',
            csrf_token: 'c',
            created_at: now,
            last_seen_at: now,
            expires_at: later,
          })
          .execute(),
      );
      const other = await store.db
        .insertInto('sessions')
        .values({
          id: 's2',
          user_id: 'nobody',
          csrf_token: 'c',
          created_at: now,
          last_seen_at: now,
          expires_at: later,
        })
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.equal(
        isUniqueViolation(other),
        false,
        'a foreign key failure is not a unique violation',
      );
    } finally {
      await store.close();
    }
  });

  void test('a transaction that fails part-way leaves nothing behind', async () => {
    const store = await open();
    try {
      await assert.rejects(
        store.db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(user('u1', 'alice')).execute();
          await trx.insertInto('users').values(user('u2', 'alice')).execute();
        }),
        (error) => isUniqueViolation(error),
      );
      await assert.rejects(
        store.withAuditLock(async (trx) => {
          await trx
            .insertInto('audit_entries')
            .values({ seq: 1, recorded_at: now, entry: '{}', hash: 'h1', prev_hash: 'h0' })
            .execute();
          throw new Error('signing failed');
        }),
        /signing failed/,
      );
      assert.deepEqual(await store.db.selectFrom('users').select('id').execute(), []);
      assert.deepEqual(await auditSeqs(store), []);
      // The store is still usable after both rollbacks.
      assert.equal(await appendAuditEntry(store, 'after'), 1);
    } finally {
      await store.close();
    }
  });

  void test('fifty audit appends at once make the gapless sequence 1 to 50', async () => {
    const store = await open();
    try {
      const seqs = await Promise.all(oneToFifty.map((i) => appendAuditEntry(store, `view ${i}`)));
      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        oneToFifty,
      );
      assert.deepEqual(await auditSeqs(store), oneToFifty);
    } finally {
      await store.close();
    }
  });

  void test('two stores appending to one audit trail at once still make 1 to 50 without gaps', async () => {
    const database = await factory.createDatabase();
    try {
      const [one, two] = await Promise.all([database.open(), database.open()]);
      const seqs = await Promise.all(
        oneToFifty.map((i) => appendAuditEntry(i % 2 === 0 ? one : two, `view ${i}`)),
      );
      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        oneToFifty,
      );
      assert.deepEqual(await auditSeqs(one), oneToFifty);
    } finally {
      await database.dispose();
    }
  });

  void test("a sign-in waits for another instance's audit append without freezing the server", async () => {
    const database = await factory.createDatabase();
    try {
      const [one, two] = await Promise.all([database.open(), database.open()]);
      let finishAppend = (): void => undefined;
      let lockTaken = (): void => undefined;
      const holding = new Promise<void>((resolve) => (lockTaken = resolve));
      const appending = one.withAuditLock(async (trx) => {
        await trx
          .insertInto('audit_entries')
          .values({ seq: 1, recorded_at: now, entry: '{}', hash: 'h1', prev_hash: 'h0' })
          .execute();
        lockTaken();
        await new Promise<void>((resolve) => (finishAppend = resolve));
      });
      await holding;
      let ticks = 0;
      const ticker = setInterval(() => (ticks += 1), 5);
      try {
        const signingIn = two.db.insertInto('users').values(user('u1', 'alice')).execute();
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.ok(
          ticks >= 5,
          `the event loop must keep running while a write waits (ticked ${ticks} times)`,
        );
        finishAppend();
        await Promise.all([appending, signingIn]);
      } finally {
        clearInterval(ticker);
      }
      assert.deepEqual(await two.db.selectFrom('users').select('id').execute(), [{ id: 'u1' }]);
      assert.deepEqual(await auditSeqs(two), [1]);
    } finally {
      await database.dispose();
    }
  });

  if (name === 'sqlite') {
    void test('the SQLite file is in WAL mode and every commit is synced to disk', async () => {
      const store = await open();
      try {
        const pragma = async (text: string): Promise<unknown> => {
          const result = await sql.raw<Record<string, unknown>>(`pragma ${text}`).execute(store.db);
          return Object.values(result.rows[0] ?? {})[0];
        };
        assert.equal(await pragma('journal_mode'), 'wal');
        assert.equal(await pragma('synchronous'), 2, 'synchronous must be FULL (2)');
        assert.equal(await pragma('foreign_keys'), 1);
        assert.equal(await pragma('busy_timeout'), 5000);
        assert.match(store.location, /mcr\.sqlite$/);
      } finally {
        await store.close();
      }
    });
  }

  if (name === 'postgres') {
    void test('PostgreSQL commits synchronously and keeps each store in its own schema', async () => {
      const store = await open();
      try {
        const result = await sql<{ synchronous_commit: string; schema: string }>`
          select current_setting('synchronous_commit') as synchronous_commit, current_schema() as schema`.execute(
          store.db,
        );
        const [settings] = result.rows;
        assert.ok(settings);
        assert.equal(settings.synchronous_commit, 'on');
        assert.match(settings.schema, /^mcr_test_[0-9a-f]+$/);
      } finally {
        await store.close();
      }
    });
  }
});
