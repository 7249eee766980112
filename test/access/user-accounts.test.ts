import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DemoAccountsRefusedError,
  InvalidAccountDetailsError,
  UsernameTakenError,
  UserNotFoundError,
} from '../../src/access/account-errors.ts';
import {
  LOCKOUT_SLOTS,
  createUserAccounts,
  type NewUserAccount,
  type UserAccounts,
} from '../../src/access/user-accounts.ts';
import type { ScryptParams } from '../../src/access/password-hash.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

// Real scrypt at a lower cost, so lockout tests can afford many sign-ins.
const cheapHashing: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const password = 'a long enough password';

function account(username: string, extra: Partial<NewUserAccount> = {}): NewUserAccount {
  return { username, role: 'gp', organisation: 'A81001', password, ...extra };
}

forEachStore((_dialect, open) => {
  void describe('local accounts', () => {
    let store: Store;
    let clock = new Date('2025-03-03T09:00:00.000Z');
    let accounts: UserAccounts;
    const advanceMinutes = (minutes: number): void => {
      clock = new Date(clock.getTime() + minutes * 60_000);
    };

    before(async () => {
      store = await open();
      accounts = createUserAccounts({
        db: store.db,
        now: () => clock,
        production: false,
        maxFailedLogins: 3,
        lockoutMinutes: 15,
        passwordHashing: cheapHashing,
      });
    });
    after(async () => {
      await store.close();
    });

    void test('a new account signs in with its password and not with another', async () => {
      const user = await accounts.add(
        account('Dr.Patel ', { displayName: 'Dr Asha Patel', sdsUserId: '555123456789' }),
      );
      assert.equal(user.username, 'dr.patel');
      assert.equal(user.role, 'gp');
      assert.equal(user.sdsUserId, '555123456789');
      assert.equal(user.isDemo, false);
      assert.equal('passwordHash' in user || 'password_hash' in user, false);

      const ok = await accounts.authenticate('DR.PATEL', password);
      assert.ok(ok.ok);
      assert.equal(ok.user.id, user.id);
      assert.deepEqual(await accounts.authenticate('dr.patel', 'not the password'), {
        ok: false,
        reason: 'bad-credentials',
      });
      assert.deepEqual(await accounts.findById(user.id), user);
    });

    void test('the database holds a scrypt hash, never the password itself', async () => {
      const production = createUserAccounts({ db: store.db, production: false });
      const user = await production.add(account('hash.check'));
      const row = await store.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^scrypt\$32768\$8\$1\$/);
      assert.equal(JSON.stringify(row).includes(password), false);
    });

    void test('a username already in use is refused with a typed error', async () => {
      await accounts.add(account('duplicate'));
      await assert.rejects(
        accounts.add(account('DUPLICATE', { role: 'nurse' })),
        (error: unknown) => {
          assert.ok(error instanceof UsernameTakenError);
          assert.equal(error.code, 'username-taken');
          assert.equal(error.username, 'duplicate');
          return true;
        },
      );
    });

    void test('two administrators adding the same username at once get one account and one refusal', async () => {
      const results = await Promise.allSettled([
        accounts.add(account('racer')),
        accounts.add(account('racer')),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = results.find((r) => r.status === 'rejected');
      assert.ok(refused?.status === 'rejected' && refused.reason instanceof UsernameTakenError);
    });

    void test('bad account details are refused, naming the field', async () => {
      const cases: [Partial<NewUserAccount>, string][] = [
        [{ username: 'x' }, 'username'],
        [{ username: 'has space' }, 'username'],
        [{ username: '-leading' }, 'username'],
        [{ password: 'short pw' }, 'password'],
        [{ password: '12345678901' }, 'password'],
        [{ organisation: 'rx1' }, 'organisation'],
        [{ organisation: 'AB' }, 'organisation'],
        [{ organisation: 'ABCDEFGHIJK' }, 'organisation'],
        [{ role: 'surgeon' as 'gp' }, 'role'],
        [{ sdsUserId: '' }, 'sdsUserId'],
      ];
      for (const [extra, field] of cases) {
        await assert.rejects(accounts.add(account('valid.name', extra)), (error: unknown) => {
          assert.ok(error instanceof InvalidAccountDetailsError, JSON.stringify(extra));
          assert.equal(error.field, field);
          return true;
        });
      }
      assert.equal(await accounts.findByUsername('valid.name'), undefined);
    });

    void test('repeated wrong passwords lock the account, even against the right one, until the lockout ends', async () => {
      await accounts.add(account('locked.out'));
      for (let i = 0; i < 3; i += 1) {
        assert.deepEqual(await accounts.authenticate('locked.out', 'wrong password!'), {
          ok: false,
          reason: 'bad-credentials',
        });
      }
      assert.deepEqual(await accounts.authenticate('locked.out', password), {
        ok: false,
        reason: 'locked',
      });
      advanceMinutes(14);
      assert.deepEqual(await accounts.authenticate('locked.out', password), {
        ok: false,
        reason: 'locked',
      });
      advanceMinutes(2);
      assert.equal((await accounts.authenticate('locked.out', password)).ok, true);
    });

    void test('wrong passwords tried all at once each count towards the lock', async () => {
      await accounts.add(account('burst'));
      await Promise.all([1, 2, 3].map(() => accounts.authenticate('burst', 'wrong password!')));
      assert.deepEqual(await accounts.authenticate('burst', password), {
        ok: false,
        reason: 'locked',
      });
    });

    void test('a successful sign-in resets the failure count', async () => {
      await accounts.add(account('reset.count'));
      await accounts.authenticate('reset.count', 'wrong password!');
      await accounts.authenticate('reset.count', 'wrong password!');
      assert.equal((await accounts.authenticate('reset.count', password)).ok, true);
      await accounts.authenticate('reset.count', 'wrong password!');
      await accounts.authenticate('reset.count', 'wrong password!');
      assert.equal((await accounts.authenticate('reset.count', password)).ok, true);
    });

    void test('failures spread out beyond the lockout window do not add up to a lock', async () => {
      await accounts.add(account('slow.typist'));
      await accounts.authenticate('slow.typist', 'wrong password!');
      await accounts.authenticate('slow.typist', 'wrong password!');
      advanceMinutes(16);
      await accounts.authenticate('slow.typist', 'wrong password!');
      assert.equal((await accounts.authenticate('slow.typist', password)).ok, true);
    });

    void test('an unknown username is locked the same way, so a lock does not reveal that an account exists', async () => {
      for (let i = 0; i < 3; i += 1) {
        assert.deepEqual(await accounts.authenticate('nobody.here', password), {
          ok: false,
          reason: 'bad-credentials',
        });
      }
      assert.deepEqual(await accounts.authenticate('nobody.here', password), {
        ok: false,
        reason: 'locked',
      });
    });

    void test('a lock earned from one address does not lock the same user out from another', async () => {
      await accounts.add(account('targeted'));
      for (let i = 0; i < 3; i += 1) {
        await accounts.authenticate('targeted', 'wrong password!', '198.51.100.66');
      }
      assert.deepEqual(await accounts.authenticate('targeted', password, '198.51.100.66'), {
        ok: false,
        reason: 'locked',
      });
      assert.equal((await accounts.authenticate('targeted', password, '192.0.2.10')).ok, true);
    });

    void test('hundreds of invented usernames from one address leave at most one row per slot', async () => {
      const before = await store.db.selectFrom('login_failures').select('slot').execute();
      for (let i = 0; i < 300; i += 1) {
        await accounts.authenticate(`made.up.${i}`, 'x', '203.0.113.99');
      }
      const rows = await store.db
        .selectFrom('login_failures')
        .select('slot')
        .where('address', '=', '203.0.113.99')
        .execute();
      assert.ok(rows.length <= LOCKOUT_SLOTS, `${rows.length} rows`);
      const after = await store.db.selectFrom('login_failures').select('slot').execute();
      assert.ok(after.length <= before.length + LOCKOUT_SLOTS, `${after.length} rows in all`);
    });

    void test('a disabled account cannot sign in, and enabling it lets it back in', async () => {
      const user = await accounts.add(account('leaver'));
      await accounts.disable(user.id);
      assert.deepEqual(await accounts.authenticate('leaver', password), {
        ok: false,
        reason: 'disabled',
      });
      // A wrong password still says only "bad credentials".
      assert.deepEqual(await accounts.authenticate('leaver', 'wrong password!'), {
        ok: false,
        reason: 'bad-credentials',
      });
      await accounts.enable(user.id);
      assert.equal((await accounts.authenticate('leaver', password)).ok, true);
      await assert.rejects(accounts.disable('no-such-id'), UserNotFoundError);
    });

    void test('demo accounts are refused in production, both creating and signing in', async () => {
      await accounts.add(account('demo.someone', { isDemo: true }));
      const production = createUserAccounts({
        db: store.db,
        now: () => clock,
        production: true,
        passwordHashing: cheapHashing,
      });
      assert.deepEqual(await production.authenticate('demo.someone', password), {
        ok: false,
        reason: 'demo-refused',
      });
      await assert.rejects(
        production.add(account('demo.other', { isDemo: true })),
        DemoAccountsRefusedError,
      );
      assert.equal((await accounts.authenticate('demo.someone', password)).ok, true);
    });

    void test('a new password replaces the old one, lifts a lockout and ends the sessions', async () => {
      const user = await accounts.add(account('forgetful'));
      for (let i = 0; i < 3; i += 1) await accounts.authenticate('forgetful', 'wrong password!');
      const now = clock.toISOString();
      await store.db
        .insertInto('sessions')
        .values({
          id: 'session-of-forgetful',
          user_id: user.id,
          csrf_token: 'x',
          created_at: now,
          last_seen_at: now,
          expires_at: now,
        })
        .execute();
      await accounts.setPassword(user.id, 'a brand new password');
      assert.equal((await accounts.authenticate('forgetful', 'a brand new password')).ok, true);
      assert.equal((await accounts.authenticate('forgetful', password)).ok, false);
      const sessions = await store.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(sessions, []);
      await assert.rejects(accounts.setPassword(user.id, 'short'), InvalidAccountDetailsError);
    });

    void test('a hash made with older settings is upgraded at the next sign-in', async () => {
      const user = await accounts.add(account('old.hash'));
      const upgraded = createUserAccounts({
        db: store.db,
        now: () => clock,
        production: false,
        passwordHashing: { ...cheapHashing, N: 2 ** 11 },
      });
      assert.equal((await upgraded.authenticate('old.hash', password)).ok, true);
      const row = await store.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^scrypt\$2048\$/);
      assert.equal((await upgraded.authenticate('old.hash', password)).ok, true);
    });

    void test('the list shows every account by username, without password hashes', async () => {
      const users = await accounts.list();
      const names = users.map((u) => u.username);
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.includes('dr.patel'));
      assert.equal(JSON.stringify(users).includes('scrypt'), false);
    });
  });
});
