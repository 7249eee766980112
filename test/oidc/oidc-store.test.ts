/** @module Sign-ins in progress and provider-linked accounts, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OidcIdentity } from '../../src/access/oidc/claim-mapping.ts';
import { createOidcAccounts } from '../../src/access/oidc/oidc-accounts.ts';
import { createOidcLogins, OIDC_LOGIN_TTL_SECONDS } from '../../src/access/oidc/oidc-logins.ts';
import { createUserAccounts } from '../../src/access/user-accounts.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

const ISSUER = 'https://idp.example.nhs.uk';
// Cheap password hashing: these tests are about accounts, not the hash's cost.
const passwordHashing = { N: 1024, r: 8, p: 1, keyLength: 32 };

forEachStore((_name, open) => {
  let store: Store;
  let clock = new Date('2025-03-01T09:00:00.000Z');
  const now = () => clock;

  before(async () => {
    store = await open();
  });
  after(async () => {
    await store.close();
  });

  const identity = (overrides: Partial<OidcIdentity> = {}): OidcIdentity => ({
    subject: 'sub-1',
    username: 'oidc-person-1',
    displayName: 'Alex Example',
    role: 'nurse',
    organisation: 'RX1',
    ...overrides,
  });

  test('a sign-in in progress can be taken once only', async () => {
    const logins = createOidcLogins({ db: store.db, now });
    const started = await logins.start();
    const taken = await logins.take(started.handle);
    assert.deepEqual(taken, {
      state: started.state,
      nonce: started.nonce,
      codeVerifier: started.codeVerifier,
    });
    assert.equal(await logins.take(started.handle), undefined);
    assert.equal(await logins.take('not-a-handle'), undefined);
    assert.equal(await logins.take(undefined), undefined);
  });

  test('a sign-in left at the provider too long has expired', async () => {
    const logins = createOidcLogins({ db: store.db, now });
    const started = await logins.start();
    clock = new Date(clock.getTime() + OIDC_LOGIN_TTL_SECONDS * 1000);
    assert.equal(await logins.take(started.handle), undefined);
  });

  test('the first sign-in creates an account with no password; later ones follow the provider’s role', async () => {
    const accounts = createOidcAccounts({ db: store.db, now });
    const first = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity(),
      createUsers: true,
    });
    assert.ok(first.ok);
    assert.equal(first.user.role, 'nurse');
    const again = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity({ role: 'health-visitor', organisation: 'RY1' }),
      createUsers: false,
    });
    assert.ok(again.ok);
    assert.equal(again.user.id, first.user.id);
    assert.equal(again.user.role, 'health-visitor');
    assert.equal(again.user.organisation, 'RY1');
    const local = createUserAccounts({ db: store.db, now, production: false, passwordHashing });
    const signIn = await local.authenticate('oidc-person-1', 'any password at all');
    assert.equal(signIn.ok, false, 'a provider-only account has no password to sign in with');
  });

  test('a disabled account stays out, and a local account is never taken over by name', async () => {
    const local = createUserAccounts({
      db: store.db,
      now,
      production: false,
      passwordHashing,
    });
    const accounts = createOidcAccounts({ db: store.db, now });
    const created = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity({ subject: 'sub-2', username: 'oidc-person-2' }),
      createUsers: true,
    });
    assert.ok(created.ok);
    await local.disable(created.user.id);
    const refused = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity({ subject: 'sub-2', username: 'oidc-person-2' }),
      createUsers: true,
    });
    assert.deepEqual(refused, { ok: false, reason: 'disabled' });

    await local.add({
      username: 'local-nurse',
      role: 'nurse',
      organisation: 'RX1',
      password: 'correct horse battery staple',
    });
    const takeover = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity({ subject: 'sub-3', username: 'local-nurse' }),
      createUsers: true,
    });
    assert.deepEqual(takeover, { ok: false, reason: 'username-taken' });
  });

  test('when the configuration says not to create users, an unknown person is refused', async () => {
    const accounts = createOidcAccounts({ db: store.db, now });
    const result = await accounts.findOrCreate({
      issuer: ISSUER,
      identity: identity({ subject: 'sub-4', username: 'oidc-person-4' }),
      createUsers: false,
    });
    assert.deepEqual(result, { ok: false, reason: 'no-account' });
  });
});
