/**
 * @module Another system's SMART app uses the FHIR API with the reference SMART client library,
 * `fhirclient`, and no workaround: a standalone launch against our `/fhir` (it discovers the
 * authorisation server from our `.well-known/smart-configuration`), a real authorisation server
 * (`oidc-provider`) issuing the JWT access tokens `fhirApi.issuers` accepts, then reads through
 * `client.request`. The app is a small HTTP server on loopback (fhirclient's Node adapter needs a
 * real request and response); the browser is a fetch loop following redirects with cookies.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import smart from 'fhirclient';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';
import { r4Errors } from '../support/r4-validator.ts';
import {
  startSmartAppAuthority,
  type AppAuthorityUser,
  type SmartAppAuthority,
} from '../support/smart-app-authority.ts';

/** fhirclient's Client, as `ready()` gives it. */
type Client = Awaited<ReturnType<ReturnType<typeof smart>['ready']>>;

const MARGARET = '9990000107';
/** A patient who asked that her record not be shared, then changed her mind, then asked again. */
const DISSENTING = '9990000174';
const CLIENT_ID = 'ward-discharge-app';

const DR_HUGHES: AppAuthorityUser = {
  username: 'dr-hughes-app',
  name: 'Dr Gareth Hughes',
  role: 'hospital-clinician',
  organisation: 'RX1',
};
const PRIVACY_OFFICER: AppAuthorityUser = {
  username: 'privacy-amara',
  name: 'Amara Privacy',
  role: 'privacy-officer',
  organisation: 'RX1',
};

/** The app: `/launch` starts fhirclient's authorisation, `/callback` finishes it. */
interface SmartApp {
  readonly url: string;
  /** Launches as the signed-in user and gives the ready fhirclient Client. */
  launch(scope: string): Promise<Client>;
  close(): Promise<void>;
}

async function startApp(fhirBase: string): Promise<SmartApp> {
  const session = new Map<string, unknown>();
  const storage = {
    get: async (key: string) => session.get(key),
    set: async (key: string, value: unknown) => {
      session.set(key, value);
      return value;
    },
    unset: async (key: string) => session.delete(key),
  };
  let scope = '';
  let ready: ((client: Client) => void) | undefined;
  let failed: ((error: unknown) => void) | undefined;
  let url = '';
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', url).pathname;
    const api = smart(request, response, storage);
    if (path === '/launch') {
      api
        .authorize({
          iss: fhirBase,
          clientId: CLIENT_ID,
          scope,
          redirectUri: '/callback',
          pkceMode: 'required',
        })
        .catch((error: unknown) => {
          failed?.(error);
          response.writeHead(500).end();
        });
      return;
    }
    if (path === '/callback') {
      api
        .ready()
        .then((client) => {
          ready?.(client);
          response.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in');
        })
        .catch((error: unknown) => {
          failed?.(error);
          response.writeHead(500).end();
        });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async launch(asked) {
      scope = asked;
      const client = new Promise<Client>((resolve, reject) => {
        ready = resolve;
        failed = reject;
      });
      const landed = await browse(`${url}/launch`);
      assert.equal(landed.status, 200, `the browser ended at ${landed.url}`);
      assert.equal(new URL(landed.url).pathname, '/callback');
      return client;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A browser, as far as OAuth needs one: follows redirects, keeping each origin's cookies. */
async function browse(start: string): Promise<{ status: number; url: string }> {
  const jar = new Map<string, Map<string, string>>();
  let at = start;
  for (let hop = 0; hop < 20; hop += 1) {
    const origin = new URL(at).origin;
    const cookies = jar.get(origin) ?? new Map<string, string>();
    jar.set(origin, cookies);
    const response = await fetch(at, {
      redirect: 'manual',
      headers:
        cookies.size === 0
          ? {}
          : { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      await response.arrayBuffer();
      return { status: response.status, url: at };
    }
    await response.arrayBuffer();
    at = new URL(location, at).href;
  }
  throw new Error(`Too many redirects from ${start}`);
}

let authority: SmartAppAuthority;
let system: RunningSystem;
let app: SmartApp;
let fhirBase: string;

before(async () => {
  authority = await startSmartAppAuthority();
  system = await startSystem({ config: { fhirApi: { issuers: [authority.fhirApiIssuer] } } });
  fhirBase = `${system.url}/fhir`;
  app = await startApp(fhirBase);
  authority.registerApp({
    clientId: CLIENT_ID,
    redirectUri: `${app.url}/callback`,
    fhirBaseUrl: fhirBase,
  });
});

after(async () => {
  await app.close();
  await system.close();
  await authority.close();
});

void describe('a SMART app reading the shared care record with fhirclient', () => {
  void test('a clinician launches the app for a patient, is refused until a permission is recorded, then reads the whole record', async () => {
    authority.signIn(DR_HUGHES, MARGARET);
    const client = await app.launch('launch/patient openid fhirUser user/*.rs user/Consent.c');
    assert.equal(client.getState('serverUrl'), fhirBase);
    assert.equal(client.patient.id, MARGARET, 'the patient picked at the authorisation server');
    assert.equal(client.getState('tokenResponse.token_type'), 'Bearer');

    // Permission first: without one the API refuses, exactly as the UI would.
    await assert.rejects(
      client.request(`Patient/${MARGARET}/$everything`),
      (error: { status?: number }) => error.status === 403,
    );

    // The app records the permission the clinician obtained, with the same token.
    const authorization = client.getAuthorizationHeader();
    assert.ok(authorization !== null);
    const granted = await fetch(`${system.url}/api/patients/${MARGARET}/permissions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ basis: 'consent', method: 'verbal', givenBy: 'the patient' }),
    });
    assert.equal(granted.status, 201, await granted.text());

    const patient = (await client.patient.read()) as fhir4.Patient;
    assert.equal(patient.identifier?.[0]?.value, MARGARET);

    const everything = await client.request<fhir4.Bundle>(
      `Patient/${client.patient.id ?? ''}/$everything?_count=500`,
    );
    assert.equal(everything.type, 'searchset');
    const types = new Set((everything.entry ?? []).map((entry) => entry.resource?.resourceType));
    for (const type of ['Patient', 'MedicationStatement', 'Condition', 'Provenance']) {
      assert.ok(types.has(type), `the record holds ${type}`);
    }
    const outcomes = (everything.entry ?? []).filter((entry) => entry.search?.mode === 'outcome');
    assert.equal(outcomes.length, system.config.sources.length, 'each source says how it answered');
    assert.deepEqual(r4Errors(everything), []);

    // The fhirclient way of paging: follow `next` links page by page.
    const pages = await client.request<fhir4.Bundle[]>(
      { url: `MedicationStatement?patient=${MARGARET}&_count=3` },
      { pageLimit: 2 },
    );
    assert.equal(pages.length, 2);
    const ids = pages.flatMap((page) =>
      (page.entry ?? [])
        .filter((entry) => entry.search?.mode === 'match')
        .map((entry) => entry.resource?.id),
    );
    assert.equal(new Set(ids).size, 6, 'two pages of three different medications');

    // The views are audited under the app's user and name the app as the API client.
    const completed = await system.app.services.audit.list({
      action: 'record-view-completed',
      nhsNumber: MARGARET,
      limit: 1000,
    });
    const mine = completed.filter(
      (record) => staffUsername(record.entry.event.actor) === DR_HUGHES.username,
    );
    assert.ok(mine.length >= 3, `${mine.length} views`);
    assert.ok(mine.every((record) => record.entry.event.client?.apiClient?.clientId === CLIENT_ID));
  });

  void test('a privacy officer launches the app and reads the AuditEvents and Consents by the ids their searches give', async () => {
    authority.signIn(PRIVACY_OFFICER);
    const client = await app.launch('openid fhirUser user/*.read');
    assert.equal(client.patient.id, null, 'no patient in context');

    const audits = await client.request<fhir4.Bundle<fhir4.AuditEvent>>(
      `AuditEvent?patient=${MARGARET}&_count=200`,
    );
    assert.ok(typeof audits.total === 'number' && audits.total > 0);
    const fromApp = (audits.entry ?? []).find((entry) =>
      entry.resource?.agent.some((agent) => agent.who?.identifier?.value === CLIENT_ID),
    );
    assert.ok(fromApp?.fullUrl, 'an AuditEvent names the app');
    const audit = await client.request<fhir4.AuditEvent>(fromApp.fullUrl);
    assert.equal(audit.resourceType, 'AuditEvent');
    assert.equal(audit.id, fromApp.resource?.id);

    const consents = await client.request<fhir4.Bundle<fhir4.Consent>>(
      `Consent?patient=${MARGARET}`,
    );
    assert.ok((consents.total ?? 0) >= 1);
    assert.deepEqual(r4Errors(consents), []);
    await assertEveryFullUrlReads(client, consents);

    // Dissents on the local register are Consents too, each readable by its fullUrl.
    const local = await system.createUser('privacy-officer');
    const officer = system.client();
    assert.equal((await officer.signIn(local.username, local.password)).status, 200);
    assert.equal((await officer.post(`/api/patients/${DISSENTING}/dissent`, {})).status, 200);
    assert.equal((await officer.delete(`/api/patients/${DISSENTING}/dissent`)).status, 204);
    assert.equal((await officer.post(`/api/patients/${DISSENTING}/dissent`, {})).status, 200);
    const dissents = await client.request<fhir4.Bundle<fhir4.Consent>>(
      `Consent?patient=${DISSENTING}`,
    );
    assert.equal(dissents.total, 2);
    assert.deepEqual(
      (dissents.entry ?? []).map((entry) => [
        entry.resource?.provision?.type,
        entry.resource?.status,
      ]),
      [
        ['deny', 'active'],
        ['deny', 'inactive'],
      ],
    );
    await assertEveryFullUrlReads(client, dissents);
    await assert.rejects(
      client.request('Consent/0f0e0d0c-0000-4000-8000-000000000000'),
      (error: { status?: number }) => error.status === 404,
    );
  });
});

/** Each entry's fullUrl reads back the same resource. */
async function assertEveryFullUrlReads(client: Client, bundle: fhir4.Bundle): Promise<void> {
  for (const entry of bundle.entry ?? []) {
    const url = entry.fullUrl ?? '';
    assert.ok(url.startsWith(`${fhirBase}/`), url);
    const read = await client.request<fhir4.Resource>(url);
    assert.deepEqual(read, entry.resource, url);
  }
}

/** The staff member's username of an audit actor (a patient actor has none). */
function staffUsername(actor: AuditEntry['event']['actor']): string | undefined {
  return actor !== null && 'username' in actor ? actor.username : undefined;
}
