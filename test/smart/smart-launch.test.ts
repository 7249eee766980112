/**
 * @module Opening the viewer from a hospital EHR (SMART App Launch v2, EHR launch), over HTTP
 * against the simulated EHR (a real oidc-provider on loopback): the launch signs the EHR user in
 * with the mapped role on the EHR's patient, and every way a launch can go wrong is refused
 * with a page and an audit entry.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import { createPopulation } from '../../sim/population/create-population.ts';
import { startEhrServer, type RunningEhrServer } from '../../sim/servers/ehr-server.ts';
import { EHR_ROLE_VALUES } from '../../sim/servers/ehr-users.ts';
import { launchBrowser } from '../support/browser.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';
import { RedirectFollowingClient, type Page } from '../oidc/redirect-following-client.ts';

const SIZE = 10;
const EHR_CLAIMS = {
  username: 'username',
  displayName: 'name',
  role: { claim: 'role', values: EHR_ROLE_VALUES },
  organisation: 'organisation',
};

/** A discovery document server for EHRs that describe themselves badly. */
async function startDiscoveryServer(
  documents: Record<string, string>,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const body = documents[request.url ?? ''];
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, server };
}

describe('opening My Care Record from the hospital EHR (SMART App Launch)', () => {
  let ehr: RunningEhrServer;
  let system: RunningSystem;
  let discovery: { url: string; server: Server };

  before(async () => {
    // localhost beside a viewer on 127.0.0.1: two sites, as a real EHR and viewer are.
    ehr = await startEhrServer({
      population: createPopulation({ size: SIZE }),
      publicHost: 'localhost',
    });
    const sample = readFixtureJson('smart/smart-configuration-spec-sample.json') as Record<
      string,
      unknown
    >;
    discovery = await startDiscoveryServer({
      '/no-s256/fhir/.well-known/smart-configuration': JSON.stringify({
        ...sample,
        code_challenge_methods_supported: ['plain'],
      }),
      '/malformed/fhir/.well-known/smart-configuration': '{"issuer": "https://ehr.example.com", ',
    });
    const badEhr = (path: string) => ({
      iss: `${discovery.url}${path}`,
      clientId: 'my-care-record',
      clientSecret: 'not-used',
      claims: EHR_CLAIMS,
    });
    system = await startSystem({
      sims: { size: SIZE },
      config: {
        smart: {
          ehrs: [
            {
              iss: ehr.fhirBaseUrl,
              name: 'Northgate EPR',
              clientId: ehr.clientId,
              clientSecret: ehr.clientSecret,
              claims: EHR_CLAIMS,
            },
            badEhr('/no-s256/fhir'),
            badEhr('/malformed/fhir'),
          ],
        },
      },
    });
    ehr.connectViewer({
      launchUrl: new URL('/launch', system.url).href,
      redirectUri: new URL('/launch/callback', system.url).href,
    });
    ehr.addPatient({
      resourceType: 'Patient',
      id: 'ehr-pt-no-nhs',
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: '1234567890' }],
    });
  });

  after(async () => {
    await system.close();
    await ehr.close();
    await new Promise<void>((resolve) =>
      discovery.server.close(() => {
        resolve();
      }),
    );
  });

  const patient = () => {
    const first = ehr.patients[0];
    assert.ok(first !== undefined);
    return first;
  };
  const isCallback = (next: URL) => next.pathname === '/launch/callback';

  /** The newest audit entry of an action, as stored. */
  async function lastEntry(
    action: AuditEvent['action'],
  ): Promise<Readonly<Record<string, unknown>>> {
    const [record] = await system.app.services.audit.list({ action, limit: 1, newestFirst: true });
    assert.ok(record !== undefined, `no ${action} entry`);
    return record.entry.event;
  }

  async function session(browser: RedirectFollowingClient) {
    const page = await browser.request(new URL('/api/session', system.url).href, {
      accept: 'application/json',
    });
    return {
      status: page.status,
      body: page.status === 200 ? (JSON.parse(page.text) as Record<string, unknown>) : undefined,
    };
  }

  /** Follows a launch from the EHR's button to the viewer's answer after the callback. */
  async function launch(
    browser: RedirectFollowingClient,
    username: string,
    patientId: string | undefined,
  ): Promise<Page> {
    const atCallback = await browser.follow(ehr.launchUrl({ username, patientId }), {
      stopBefore: isCallback,
    });
    assert.ok(
      atCallback.stoppedAt !== undefined,
      `the EHR did not send the browser back: ${atCallback.status} ${atCallback.text.slice(0, 300)}`,
    );
    return browser.request(atCallback.stoppedAt);
  }

  test('a consultant launched from the EHR is signed in as a hospital clinician on that patient', async () => {
    const browser = new RedirectFollowingClient();
    const page = await launch(browser, 'dr-okafor', patient().id);
    assert.equal(page.status, 303, page.text);
    assert.equal(page.headers.get('location'), '/');
    const cookie = page.headers.getSetCookie().find((line) => line.startsWith('mcr_session='));
    assert.ok(cookie !== undefined);
    // Set for the EHR's frame: a cross-site context (see smart-launch-routes.ts).
    assert.match(cookie, /SameSite=None/i);
    assert.match(cookie, /Secure/i);
    assert.match(cookie, /Partitioned/i);
    assert.match(cookie, /HttpOnly/i);

    const signedIn = await session(browser);
    assert.equal(signedIn.status, 200);
    const user = signedIn.body?.['user'] as Record<string, unknown>;
    assert.equal(user['username'], 'dr-okafor');
    assert.equal(user['role'], 'hospital-clinician');
    assert.equal(user['organisation'], 'RXX01');
    assert.deepEqual(signedIn.body?.['launch'], { nhsNumber: patient().nhsNumber });

    const entry = await lastEntry('sign-in');
    assert.equal(entry['method'], 'smart');
    assert.equal(entry['issuer'], ehr.fhirBaseUrl);
    assert.equal(entry['nhsNumber'], patient().nhsNumber);
    assert.equal((entry['actor'] as Record<string, unknown>)['username'], 'dr-okafor');
  });

  test('the launch asks the EHR for a SMART v2 code with launch context, aud and PKCE S256', async () => {
    const browser = new RedirectFollowingClient();
    const toViewer = new URL(ehr.launchUrl({ username: 'nurse-ellis', patientId: patient().id }));
    const launched = await browser.request(toViewer.href);
    assert.equal(launched.status, 303);
    const authorize = new URL(launched.headers.get('location') ?? '');
    assert.equal(authorize.origin, new URL(ehr.url).origin);
    const params = authorize.searchParams;
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('client_id'), ehr.clientId);
    assert.equal(params.get('redirect_uri'), new URL('/launch/callback', system.url).href);
    for (const scope of ['launch', 'openid', 'fhirUser', 'patient/Patient.rs']) {
      assert.ok(params.get('scope')?.split(' ').includes(scope), `scope ${scope}`);
    }
    assert.equal(params.get('aud'), ehr.fhirBaseUrl);
    assert.equal(params.get('launch'), toViewer.searchParams.get('launch'));
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(params.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('a launch from a system that is not configured is refused with a page, not a redirect', async () => {
    const browser = new RedirectFollowingClient();
    const url = new URL('/launch', system.url);
    url.searchParams.set('iss', 'https://unknown-ehr.example.com/fhir');
    url.searchParams.set('launch', 'abc');
    const page = await browser.request(url.href);
    assert.equal(page.status, 403);
    assert.equal(page.headers.get('location'), null);
    assert.match(page.text, /not one My Care Record has been set up to open from/);
    const entry = await lastEntry('sign-in-failed');
    assert.equal(entry['reasonCode'], 'unknown-iss');
    assert.equal(entry['issuer'], 'https://unknown-ehr.example.com/fhir');
  });

  test('a callback whose state is not the launch’s is refused', async () => {
    const browser = new RedirectFollowingClient();
    const atCallback = await browser.follow(
      ehr.launchUrl({ username: 'dr-okafor', patientId: patient().id }),
      { stopBefore: isCallback },
    );
    const tampered = new URL(atCallback.stoppedAt ?? '');
    tampered.searchParams.set('state', 'forged-state');
    const page = await browser.request(tampered.href);
    assert.equal(page.status, 400);
    assert.equal((await session(browser)).status, 401);
    assert.equal((await lastEntry('sign-in-failed'))['reasonCode'], 'response-invalid');
  });

  test('a callback used twice signs nobody in the second time', async () => {
    const browser = new RedirectFollowingClient();
    const atCallback = await browser.follow(
      ehr.launchUrl({ username: 'dr-okafor', patientId: patient().id }),
      { stopBefore: isCallback },
    );
    const handle = browser.cookie(system.url, 'mcr_smart');
    assert.equal((await browser.request(atCallback.stoppedAt ?? '')).status, 303);
    // The attacker replays the same callback with the same launch cookie.
    const replayer = new RedirectFollowingClient();
    replayer.setCookie(system.url, 'mcr_smart', handle);
    const page = await replayer.request(atCallback.stoppedAt ?? '');
    assert.equal(page.status, 400);
    assert.match(page.text, /expired or was already used/);
    assert.equal((await session(replayer)).status, 401);
    assert.equal((await lastEntry('sign-in-failed'))['reasonCode'], 'launch-not-found');
  });

  test('a launch whose token response names no patient is refused', async () => {
    const browser = new RedirectFollowingClient();
    const page = await launch(browser, 'dr-okafor', undefined);
    assert.equal(page.status, 400);
    assert.match(page.text, /did not say which patient/);
    assert.equal((await session(browser)).status, 401);
    const entry = await lastEntry('sign-in-failed');
    assert.equal(entry['reasonCode'], 'patient-missing');
    assert.equal(entry['issuer'], ehr.fhirBaseUrl);
  });

  test('a patient whose NHS number fails Modulus 11 is not opened', async () => {
    const browser = new RedirectFollowingClient();
    const page = await launch(browser, 'dr-okafor', 'ehr-pt-no-nhs');
    assert.equal(page.status, 422);
    assert.match(page.text, /no valid NHS number/);
    assert.equal((await session(browser)).status, 401);
    assert.equal((await lastEntry('sign-in-failed'))['reasonCode'], 'patient-nhs-number-invalid');
  });

  test('a ward clerk, whose EHR role maps to no role here, is not signed in', async () => {
    const browser = new RedirectFollowingClient();
    const page = await launch(browser, 'clerk-hale', patient().id);
    assert.equal(page.status, 403);
    assert.match(page.text, /not one that may use My Care Record/);
    assert.equal((await session(browser)).status, 401);
    const entry = await lastEntry('sign-in-failed');
    assert.equal(entry['reasonCode'], 'role-not-mapped');
    assert.equal(entry['attemptedUsername'], 'clerk-hale');
  });

  test('an EHR whose discovery lacks PKCE S256 is refused before any redirect', async () => {
    const url = new URL('/launch', system.url);
    url.searchParams.set('iss', `${discovery.url}/no-s256/fhir`);
    url.searchParams.set('launch', 'abc');
    const page = await new RedirectFollowingClient().request(url.href);
    assert.equal(page.status, 502);
    assert.equal(page.headers.get('location'), null);
    assert.match(page.text, /PKCE S256/);
    assert.equal((await lastEntry('sign-in-failed'))['reasonCode'], 'pkce-s256-unsupported');
  });

  test('an EHR whose discovery document is not valid JSON is refused with a clear page', async () => {
    const url = new URL('/launch', system.url);
    url.searchParams.set('iss', `${discovery.url}/malformed/fhir`);
    url.searchParams.set('launch', 'abc');
    const page = await new RedirectFollowingClient().request(url.href);
    assert.equal(page.status, 502);
    assert.match(page.text, /cannot use/);
    assert.equal((await lastEntry('sign-in-failed'))['reasonCode'], 'discovery-malformed');
  });

  test('the EHR may frame the viewer, and another site’s page cannot use a launched session', async () => {
    const page = await new RedirectFollowingClient().request(new URL('/', system.url).href);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(
      csp,
      new RegExp(`frame-ancestors [^;]*${new URL(ehr.url).origin.replace(/[.:/]/g, '\\$&')}`),
    );
    assert.equal(page.headers.get('x-frame-options'), null);

    const browser = new RedirectFollowingClient();
    assert.equal((await launch(browser, 'nurse-ellis', patient().id)).status, 303);
    const response = await fetch(new URL('/api/session', system.url), {
      headers: {
        cookie: browser.cookieHeader(system.url),
        'sec-fetch-site': 'cross-site',
        accept: 'application/json',
      },
    });
    assert.equal(response.status, 403);
    assert.match(await response.text(), /CROSS_SITE_REQUEST/);
    assert.equal((await lastEntry('access-denied'))['reasonCode'], 'cross-site-request');
  });
  test('in Chromium, one click in the EHR opens the viewer in its frame, signed in, on that patient, permission first', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${ehr.url}/?user=nurse-ellis`);
      await page.locator(`button[data-patient="${patient().id}"]`).click();
      const frame = page.frameLocator('iframe[name="viewer"]');
      // Signed in as the EHR's user, with the mapped role, on the EHR's patient: the dialog comes first.
      const dialog = frame.getByRole('dialog', { name: 'Record permission' });
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      await frame.getByText('Rhian Ellis').first().waitFor({ state: 'visible' });
      assert.match((await dialog.textContent()) ?? '', /To view the record of/);
      const viewer = page.frames().find((f) => f.name() === 'viewer');
      assert.ok(viewer !== undefined);
      // The viewer is framed by the EHR from another site (localhost vs 127.0.0.1).
      assert.equal(new URL(viewer.url()).host, new URL(system.url).host);
      assert.notEqual(new URL(page.url()).hostname, new URL(viewer.url()).hostname);
      const entry = await lastEntry('sign-in');
      assert.equal((entry['actor'] as Record<string, unknown>)['username'], 'nurse-ellis');
      assert.equal((entry['actor'] as Record<string, unknown>)['role'], 'nurse');
      assert.equal(entry['nhsNumber'], patient().nhsNumber);
    } finally {
      await browser.close();
    }
  });
});
