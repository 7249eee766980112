import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSessions,
  sessionIdForToken,
  verifyCsrf,
  type Sessions,
} from '../../src/access/sessions.ts';
import { createUserAccounts, type UserAccounts } from '../../src/access/user-accounts.ts';
import type { User } from '../../src/access/user.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

void test('a CSRF token is accepted only when it is exactly the session’s', () => {
  const session = { csrfToken: 'Zm9vYmFyYmF6cXV4LXRoaXMtaXMtYS1jc3JmLXRva2Vu' };
  assert.equal(verifyCsrf(session, session.csrfToken), true);
  assert.equal(verifyCsrf(session, session.csrfToken.slice(0, -1)), false);
  assert.equal(verifyCsrf(session, `${session.csrfToken}x`), false);
  assert.equal(verifyCsrf(session, session.csrfToken.toLowerCase()), false);
  assert.equal(verifyCsrf(session, ''), false);
  assert.equal(verifyCsrf(session, undefined), false);
  assert.equal(verifyCsrf({ csrfToken: '' }, ''), false);
});

forEachStore((_dialect, open) => {
  void describe('sessions', () => {
    let store: Store;
    let clock = new Date('2025-03-03T08:00:00.000Z');
    let sessions: Sessions;
    let accounts: UserAccounts;
    let nurse: User;
    const advanceMinutes = (minutes: number): void => {
      clock = new Date(clock.getTime() + minutes * 60_000);
    };

    before(async () => {
      store = await open();
      accounts = createUserAccounts({
        db: store.db,
        now: () => clock,
        production: false,
        passwordHashing: { N: 2 ** 10, r: 8, p: 1, keyLength: 32 },
      });
      sessions = createSessions({
        db: store.db,
        now: () => clock,
        idleTimeoutMinutes: 15,
        absoluteTimeoutHours: 12,
      });
      nurse = await accounts.add({
        username: 'nurse.jones',
        role: 'nurse',
        organisation: 'RX1',
        password: 'a long enough password',
      });
    });
    after(async () => {
      await store.close();
    });

    void test('a new session resolves to its user, with the CSRF token it was issued', async () => {
      const created = await sessions.create(nurse.id);
      assert.match(created.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(created.expiresAt.getTime(), clock.getTime() + 12 * 3_600_000);
      const resolved = await sessions.resolve(created.token);
      assert.ok(resolved !== undefined && 'session' in resolved);
      assert.deepEqual(resolved.user, nurse);
      assert.equal(resolved.session.csrfToken, created.csrfToken);
      assert.equal(verifyCsrf(resolved.session, created.csrfToken), true);
      assert.equal(
        verifyCsrf(resolved.session, (await sessions.create(nurse.id)).csrfToken),
        false,
      );
    });

    void test('the database never holds the session token, only its SHA-256', async () => {
      const created = await sessions.create(nurse.id);
      const rows = await store.db.selectFrom('sessions').selectAll().execute();
      const dump = JSON.stringify(rows);
      assert.equal(dump.includes(created.token), false);
      assert.ok(rows.some((row) => row.id === sessionIdForToken(created.token)));
    });

    void test('an unknown or malformed token resolves to nothing', async () => {
      assert.equal(await sessions.resolve(undefined), undefined);
      assert.equal(await sessions.resolve(''), undefined);
      assert.equal(await sessions.resolve('not a token'), undefined);
      assert.equal(await sessions.resolve('A'.repeat(43)), undefined);
    });

    void test('a session left idle for 15 minutes ends; activity keeps it alive', async () => {
      const active = await sessions.create(nurse.id);
      const idle = await sessions.create(nurse.id);
      for (let i = 0; i < 4; i += 1) {
        advanceMinutes(10);
        const resolved = await sessions.resolve(active.token);
        assert.ok(
          resolved !== undefined && 'session' in resolved,
          `still active after ${(i + 1) * 10} minutes`,
        );
        assert.equal(resolved.session.idleExpiresAt.getTime(), clock.getTime() + 15 * 60_000);
      }
      assert.deepEqual(await sessions.resolve(idle.token), { expired: 'idle' });
      // An expired session is gone: asking again finds nothing.
      assert.equal(await sessions.resolve(idle.token), undefined);
    });

    void test('a burst of requests writes the idle timer once; the timer never runs past its last write plus 15 minutes', async () => {
      const created = await sessions.create(nurse.id);
      const seenAt = async (): Promise<string | undefined> =>
        (
          await store.db
            .selectFrom('sessions')
            .select('last_seen_at')
            .where('id', '=', sessionIdForToken(created.token))
            .executeTakeFirst()
        )?.last_seen_at;
      const signedIn = await seenAt();
      // Ten requests within 20 seconds of signing in: the stored time is not rewritten.
      for (let i = 0; i < 10; i += 1) {
        clock = new Date(clock.getTime() + 2_000);
        const resolved = await sessions.resolve(created.token);
        assert.ok(resolved !== undefined && 'session' in resolved);
        assert.equal(resolved.session.lastSeenAt.toISOString(), signedIn);
        assert.equal(
          resolved.session.idleExpiresAt.getTime(),
          Date.parse(signedIn ?? '') + 15 * 60_000,
        );
      }
      assert.equal(await seenAt(), signedIn);
      // Thirty seconds on, the next request writes it.
      clock = new Date(clock.getTime() + 10_000);
      await sessions.resolve(created.token);
      assert.equal(await seenAt(), clock.toISOString());
      // Idle for 15 minutes after that write: ended.
      advanceMinutes(15);
      assert.deepEqual(await sessions.resolve(created.token), { expired: 'idle' });
    });

    void test('a session ends 12 hours after sign-in however active it is', async () => {
      const created = await sessions.create(nurse.id);
      for (let elapsed = 0; elapsed < 12 * 60 - 10; elapsed += 10) {
        advanceMinutes(10);
        const resolved = await sessions.resolve(created.token);
        assert.ok(resolved !== undefined && 'session' in resolved);
      }
      advanceMinutes(10);
      assert.deepEqual(await sessions.resolve(created.token), { expired: 'absolute' });
    });

    void test('signing out ends that session only', async () => {
      const first = await sessions.create(nurse.id);
      const second = await sessions.create(nurse.id);
      await sessions.destroy(first.token);
      assert.equal(await sessions.resolve(first.token), undefined);
      assert.ok(await sessions.resolve(second.token));
    });

    void test('each sign-in gets a fresh token and the earlier session stays independent', async () => {
      const first = await sessions.create(nurse.id);
      const second = await sessions.create(nurse.id);
      assert.notEqual(first.token, second.token);
      assert.notEqual(first.csrfToken, second.csrfToken);
      const a = await sessions.resolve(first.token);
      const b = await sessions.resolve(second.token);
      assert.ok(a !== undefined && 'session' in a && b !== undefined && 'session' in b);
      assert.notEqual(a.session.csrfToken, b.session.csrfToken);
      await sessions.destroy(second.token);
      assert.ok(await sessions.resolve(first.token));
    });

    void test('ending every session of a user leaves other users signed in', async () => {
      const other = await accounts.add({
        username: 'hv.smith',
        role: 'health-visitor',
        organisation: 'RY2',
        password: 'a long enough password',
      });
      const mine = [await sessions.create(nurse.id), await sessions.create(nurse.id)];
      const theirs = await sessions.create(other.id);
      await sessions.destroyAllForUser(nurse.id);
      for (const s of mine) assert.equal(await sessions.resolve(s.token), undefined);
      assert.ok(await sessions.resolve(theirs.token));
    });

    void test('disabling an account ends its sessions at once', async () => {
      const leaver = await accounts.add({
        username: 'sw.leaver',
        role: 'social-worker',
        organisation: 'SC3',
        password: 'a long enough password',
      });
      const created = await sessions.create(leaver.id);
      await accounts.disable(leaver.id);
      assert.equal(await sessions.resolve(created.token), undefined);
    });

    void test('purging removes idle and expired sessions and keeps live ones', async () => {
      advanceMinutes(20);
      await sessions.purgeExpired();
      const stale = await sessions.create(nurse.id);
      advanceMinutes(20);
      const live = await sessions.create(nurse.id);
      assert.equal(await sessions.purgeExpired(), 1);
      const ids = (await store.db.selectFrom('sessions').select('id').execute()).map((r) => r.id);
      assert.deepEqual(ids, [sessionIdForToken(live.token)]);
      assert.equal(ids.includes(sessionIdForToken(stale.token)), false);
    });
  });
});
