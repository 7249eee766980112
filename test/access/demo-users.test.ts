import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DemoAccountsRefusedError } from '../../src/access/account-errors.ts';
import {
  DEMO_ORGANISATIONS,
  ensureDemoUsers,
  generateDemoPassword,
} from '../../src/access/demo-users.ts';
import { ROLES } from '../../src/shared/roles.ts';
import {
  createUserAccounts,
  ODS_CODE_PATTERN,
  type UserAccounts,
} from '../../src/access/user-accounts.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

const cheapHashing = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

void test('a generated demo password is long, random and easy to read aloud', () => {
  const passwords = new Set(Array.from({ length: 20 }, () => generateDemoPassword()));
  assert.equal(passwords.size, 20);
  for (const password of passwords) {
    assert.ok(password.length >= 16);
    assert.match(password, /^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
  }
});

void test('every demo organisation is an ODS-style code, and the GP is at the simulated practice', () => {
  for (const role of ROLES) assert.match(DEMO_ORGANISATIONS[role], ODS_CODE_PATTERN);
  assert.equal(DEMO_ORGANISATIONS.gp, 'A81001');
});

forEachStore((_dialect, open) => {
  void describe('demo accounts', () => {
    let store: Store;
    let accounts: UserAccounts;

    before(async () => {
      store = await open();
      accounts = createUserAccounts({
        db: store.db,
        production: false,
        passwordHashing: cheapHashing,
      });
    });
    after(async () => {
      await store.close();
    });

    void test('production refuses to create demo accounts', async () => {
      const production = createUserAccounts({
        db: store.db,
        production: true,
        passwordHashing: cheapHashing,
      });
      await assert.rejects(
        ensureDemoUsers({ accounts: production, password: 'demo password 123' }),
        DemoAccountsRefusedError,
      );
      assert.deepEqual(await production.list(), []);
    });

    void test('one demo account per role, named after the role, signs in with the given password', async () => {
      const result = await ensureDemoUsers({ accounts, password: 'demo password 123' });
      assert.deepEqual(result.created, [...ROLES]);
      assert.equal(result.generated, false);
      assert.equal(result.password, 'demo password 123');
      for (const role of ROLES) {
        const signIn = await accounts.authenticate(role, 'demo password 123');
        assert.ok(signIn.ok, role);
        assert.equal(signIn.user.role, role);
        assert.equal(signIn.user.isDemo, true);
        assert.equal(signIn.user.organisation, DEMO_ORGANISATIONS[role]);
      }
    });

    void test('running again with the same password changes nothing', async () => {
      const result = await ensureDemoUsers({ accounts, password: 'demo password 123' });
      assert.deepEqual(result.created, []);
      assert.deepEqual(result.reset, []);
    });

    void test('a generated password replaces an earlier one, so the printed password always works', async () => {
      const result = await ensureDemoUsers({ accounts });
      assert.equal(result.generated, true);
      assert.ok(result.password.length >= 16);
      assert.deepEqual(result.reset, [...ROLES]);
      assert.equal((await accounts.authenticate('nurse', result.password)).ok, true);
      assert.equal((await accounts.authenticate('nurse', 'demo password 123')).ok, false);
      const row = await store.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'nurse')
        .executeTakeFirstOrThrow();
      assert.equal(row.password_hash?.includes(result.password), false);
    });

    void test('the caller’s organisation table is used, and real accounts with a role’s name are left alone', async () => {
      const fresh = await open();
      try {
        const freshAccounts = createUserAccounts({
          db: fresh.db,
          production: false,
          passwordHashing: cheapHashing,
        });
        await freshAccounts.add({
          username: 'admin',
          role: 'admin',
          organisation: 'RX1',
          password: 'the real admin password',
        });
        const result = await ensureDemoUsers({
          accounts: freshAccounts,
          password: 'demo password 123',
          organisationFor: (role) => (role === 'gp' ? 'B82002' : 'RX1'),
        });
        assert.deepEqual(result.skipped, ['admin']);
        assert.equal(result.created.includes('admin'), false);
        assert.equal(
          (await freshAccounts.authenticate('admin', 'the real admin password')).ok,
          true,
        );
        assert.equal((await freshAccounts.findByUsername('gp'))?.organisation, 'B82002');
      } finally {
        await fresh.close();
      }
    });
  });
});
