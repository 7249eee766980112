/**
 * @module Sign-in through an OpenID Connect provider, end to end over HTTP and in Chromium,
 * against a real `oidc-provider` on loopback shaped like NHS CIS2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { launchBrowser } from '../support/browser.ts';
import {
  startOidcProvider,
  TEST_OIDC_SCOPES,
  type TestOidcProvider,
} from '../support/oidc-provider.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';
import { RedirectFollowingClient, type Page } from './redirect-following-client.ts';

describe('signing in through the NHS identity provider (OpenID Connect)', () => {
  let idp: TestOidcProvider;
  let system: RunningSystem;

  before(async () => {
    idp = await startOidcProvider();
    system = await startSystem({
      sims: { size: 10 },
      config: {
        oidc: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          scopes: TEST_OIDC_SCOPES,
          displayName: 'NHS Care Identity Service 2',
          claims: {
            username: 'sub',
            displayName: 'name',
            sdsUserId: 'uid',
            role: {
              claim: 'nhsid_nrbac_roles',
              field: 'role_code',
              values: { R8000: 'gp', R8001: 'nurse', R8003: 'hospital-clinician' },
              selectedBy: { claim: 'selected_roleid', field: 'person_roleid' },
            },
            organisation: { claim: 'nhsid_nrbac_roles', field: 'org_code' },
          },
        },
      },
    });
    idp.registerClient(new URL('/auth/oidc/callback', system.url).href);
  });

  after(async () => {
    await system.close();
    await idp.close();
  });

  const isCallback = (next: URL) => next.pathname === '/auth/oidc/callback';

  /** Starts at our login URL and arrives at the provider's own sign-in form. */
  async function providerLoginPage(browser: RedirectFollowingClient): Promise<Page> {
    const page = await browser.follow(new URL('/auth/oidc/login', system.url).href);
    assert.equal(page.status, 200);
    assert.ok(page.url.startsWith(idp.issuer), `expected the provider's page, got ${page.url}`);
    assert.match(page.text, /name="login"/);
    return page;
  }

  /**
   * Signs in at the provider as `login` and follows every redirect back. A browser already signed
   * in at the provider is sent straight back, as single sign-on does.
   */
  async function signIn(browser: RedirectFollowingClient, login: string): Promise<Page> {
    const page = await browser.follow(new URL('/auth/oidc/login', system.url).href);
    if (!page.url.startsWith(idp.issuer)) return page;
    return browser.submitForm(page, { login, password: 'any' });
  }

  async function session(browser: RedirectFollowingClient) {
    const page = await browser.request(new URL('/api/session', system.url).href, {
      accept: 'application/json',
    });
    return {
      status: page.status,
      body: page.status === 200 ? (JSON.parse(page.text) as SessionBody) : undefined,
    };
  }

  interface SessionBody {
    user: { username: string; displayName: string; role: string; organisation: string };
  }

  async function latest(action: 'sign-in' | 'sign-in-failed'): Promise<AuditEntry['event']> {
    const [record] = await system.app.services.audit.list({ action, limit: 1, newestFirst: true });
    assert.ok(record, `an audited ${action}`);
    return record.entry.event;
  }

  test('the sign-in page is told which provider to offer', async () => {
    const response = await system.client().get('/api/auth/providers');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      providers: [
        { id: 'oidc', name: 'NHS Care Identity Service 2', loginUrl: '/auth/oidc/login' },
      ],
    });
  });

  test('a GP signs in at the provider and comes back signed in with the role and practice they chose', async () => {
    const browser = new RedirectFollowingClient();
    const landed = await signIn(browser, 'dr-patel');
    assert.equal(
      new URL(landed.url).origin + new URL(landed.url).pathname,
      new URL('/', system.url).href,
    );

    const current = await session(browser);
    assert.equal(current.status, 200);
    assert.equal(current.body?.user.role, 'gp');
    assert.equal(current.body?.user.organisation, 'A81001');
    assert.equal(current.body?.user.displayName, 'Dr Asha Patel');
    assert.equal(current.body?.user.username, 'dr-patel');

    const event = await latest('sign-in');
    assert.equal(event.action, 'sign-in');
    if (event.action !== 'sign-in') return;
    assert.equal(event.method, 'oidc');
    assert.equal(event.actor.username, 'dr-patel');
    assert.equal(event.actor.role, 'gp');
    assert.equal(event.actor.organisation, 'A81001');
    assert.equal(event.actor.sdsUserId, '555000000001');

    const row = await system.app.store.db
      .selectFrom('users')
      .select(['password_hash', 'oidc_issuer', 'oidc_subject'])
      .where('username', '=', 'dr-patel')
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      password_hash: null,
      oidc_issuer: idp.issuer,
      oidc_subject: 'dr-patel',
    });
  });

  test('signing in again gives a new session and ends the one before', async () => {
    const browser = new RedirectFollowingClient();
    await signIn(browser, 'nurse-jones');
    const first = browser.cookie(system.url, 'mcr_session');
    assert.ok(first);
    await signIn(browser, 'nurse-jones');
    const second = browser.cookie(system.url, 'mcr_session');
    assert.ok(second);
    assert.notEqual(second, first);
    assert.equal((await session(browser)).body?.user.role, 'nurse');

    const stale = new RedirectFollowingClient();
    stale.setCookie(system.url, 'mcr_session', first);
    assert.equal((await session(stale)).status, 401);
  });

  test('a receptionist whose roles give no access here is refused with a clear page, and it is audited', async () => {
    const browser = new RedirectFollowingClient();
    const page = await signIn(browser, 'receptionist');
    assert.equal(page.status, 403);
    assert.match(page.text, /holds no role that may use My Care Record/);
    assert.equal(browser.cookie(system.url, 'mcr_session'), undefined);
    assert.equal((await session(browser)).status, 401);

    const event = await latest('sign-in-failed');
    assert.equal(event.action, 'sign-in-failed');
    if (event.action !== 'sign-in-failed') return;
    assert.equal(event.method, 'oidc');
    assert.equal(event.reasonCode, 'role-not-mapped');
    assert.equal(event.attemptedUsername, 'receptionist');
    const created = await system.app.services.accounts.findByUsername('receptionist');
    assert.equal(created, undefined, 'no account is made for a refused person');
  });

  test('a role that does not say which organisation it is at is refused, and it is audited', async () => {
    const browser = new RedirectFollowingClient();
    const page = await signIn(browser, 'no-organisation');
    assert.equal(page.status, 403);
    assert.match(page.text, /did not say which organisation you work for/);
    const event = await latest('sign-in-failed');
    assert.ok(event.action === 'sign-in-failed' && event.reasonCode === 'organisation-missing');
    assert.equal((await session(browser)).status, 401);
  });

  test('a callback whose state was tampered with is refused, and it is audited', async () => {
    const browser = new RedirectFollowingClient();
    const stopped = await browser.submitForm(
      await providerLoginPage(browser),
      { login: 'dr-patel', password: 'any' },
      isCallback,
    );
    assert.ok(stopped.stoppedAt);
    const tampered = new URL(stopped.stoppedAt);
    tampered.searchParams.set('state', 'forged-by-someone-else');
    const page = await browser.follow(tampered.href);
    assert.equal(page.status, 400);
    assert.match(page.text, /failed its checks/);
    assert.equal((await session(browser)).status, 401);
    const event = await latest('sign-in-failed');
    assert.ok(event.action === 'sign-in-failed' && event.reasonCode === 'response-invalid');
  });

  test('a callback used a second time is refused, even with the first browser’s cookie', async () => {
    const browser = new RedirectFollowingClient();
    const stopped = await browser.submitForm(
      await providerLoginPage(browser),
      { login: 'dr-patel', password: 'any' },
      isCallback,
    );
    assert.ok(stopped.stoppedAt);
    const loginCookie = browser.cookie(system.url, 'mcr_oidc');
    assert.ok(loginCookie);
    const first = await browser.follow(stopped.stoppedAt);
    assert.equal((await session(browser)).status, 200, `first use signs in (${first.status})`);

    const replayer = new RedirectFollowingClient();
    replayer.setCookie(system.url, 'mcr_oidc', loginCookie);
    const replay = await replayer.follow(stopped.stoppedAt);
    assert.equal(replay.status, 400);
    assert.match(replay.text, /expired or was already used/);
    assert.equal(replayer.cookie(system.url, 'mcr_session'), undefined);
    const event = await latest('sign-in-failed');
    assert.ok(event.action === 'sign-in-failed' && event.reasonCode === 'login-not-found');
  });

  test('a callback carried to a browser that did not start the sign-in is refused', async () => {
    const browser = new RedirectFollowingClient();
    const stopped = await browser.submitForm(
      await providerLoginPage(browser),
      { login: 'dr-patel', password: 'any' },
      isCallback,
    );
    assert.ok(stopped.stoppedAt);
    const victim = new RedirectFollowingClient();
    const page = await victim.follow(stopped.stoppedAt);
    assert.equal(page.status, 400);
    assert.equal((await session(victim)).status, 401);
  });

  test('in Chromium, a nurse signs in at the provider’s page and lands back signed in', async () => {
    const launched = await launchBrowser();
    try {
      const page = await launched.context.newPage();
      await page.goto(new URL('/auth/oidc/login', system.url).href);
      assert.ok(page.url().startsWith(idp.issuer), `at the provider: ${page.url()}`);
      await page.fill('input[name="login"]', 'nurse-jones');
      await page.fill('input[name="password"]', 'any password');
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(system.url) && url.pathname === '/', {
          waitUntil: 'commit',
        }),
        page.click('button[type="submit"]'),
      ]);
      const current = await page.evaluate(async () => {
        const response = await fetch('/api/session', { headers: { accept: 'application/json' } });
        return { status: response.status, body: (await response.json()) as unknown };
      });
      assert.equal(current.status, 200);
      const user = (current.body as SessionBody).user;
      assert.equal(user.role, 'nurse');
      assert.equal(user.organisation, 'RX1');
      assert.equal(user.displayName, 'Megan Jones');
    } finally {
      await launched.close();
    }
  });
});
