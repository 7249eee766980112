/**
 * @module The read-only FHIR R4 API as another clinical system uses it: a real FHIR client
 * (fhir-kit-client) with bearer tokens from an authorisation server on loopback (its keys served
 * as a JWKS, tokens signed with jose), against the whole system with its simulated sources.
 * Everything the API emits is checked by an independent R4 validator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Client } from 'fhir-kit-client';
import { startSystem, type RunningSystem, outcomeCode } from '../support/running-system.ts';
import { r4Errors } from '../support/r4-validator.ts';

const MARGARET = '9990000107';
const AUDIENCE = 'mcr-fhir';

interface Authority {
  readonly url: string;
  sign(claims: Record<string, unknown>, alg?: 'RS256' | 'ES256', key?: CryptoKey): Promise<string>;
  close(): Promise<void>;
}

/** An authorisation server's public face on loopback: its discovery document and its JWKS. */
async function startAuthority(): Promise<Authority> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  let url = '';
  const server: Server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/jwks') return response.end(JSON.stringify({ keys }));
    if (request.url === '/.well-known/openid-configuration') {
      return response.end(
        JSON.stringify({
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          jwks_uri: `${url}/jwks`,
        }),
      );
    }
    response.statusCode = 404;
    return response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async sign(claims, alg = 'RS256', key) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa-1' : 'ec-1' })
        .setIssuer(url)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey));
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

let authority: Authority;
/** A second authorisation server (say, a regional one): its tokens are accepted too. */
let regional: Authority;
let system: RunningSystem;
let fhirBase: string;

function claimsFor(username: string, role: string, scope: string, organisation = 'RX1') {
  return {
    sub: `sub-${username}`,
    preferred_username: username,
    name: `Dr ${username}`,
    mcr_role: role,
    ods: organisation,
    client_id: 'discharge-tool',
    scope,
  };
}

function fhirClient(token?: string) {
  return new Client({
    baseUrl: fhirBase,
    ...(token === undefined ? {} : { bearerToken: token }),
  });
}

/** Every resource in a Bundle (and the Bundle itself) is valid R4. */
function assertValidR4(resource: unknown): void {
  assert.deepEqual(r4Errors(resource), []);
  const entries = (resource as fhir4.Bundle).entry ?? [];
  for (const entry of entries) assert.deepEqual(r4Errors(entry.resource), [], entry.fullUrl);
}

async function rawGet(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fhirBase}${path}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  };
}

before(async () => {
  authority = await startAuthority();
  regional = await startAuthority();
  system = await startSystem({
    config: {
      fhirApi: {
        issuers: [
          {
            issuer: authority.url,
            jwksUrl: `${authority.url}/jwks`,
            audience: AUDIENCE,
            claims: { username: 'preferred_username', role: 'mcr_role', organisation: 'ods' },
          },
          {
            issuer: regional.url,
            jwksUrl: `${regional.url}/jwks`,
            audience: AUDIENCE,
            claims: { username: 'preferred_username', role: 'mcr_role', organisation: 'ods' },
          },
        ],
      },
    },
  });
  fhirBase = `${system.url}/fhir`;
});

after(async () => {
  await system.close();
  await authority.close();
  await regional.close();
});

void describe('the FHIR API to other systems', () => {
  void test('the CapabilityStatement says R4, SMART security and exactly what the routes implement, and is valid R4', async () => {
    const statement =
      (await fhirClient().capabilityStatement()) as unknown as fhir4.CapabilityStatement;
    assert.equal(statement.fhirVersion, '4.0.1');
    const rest = statement.rest?.[0];
    assert.equal(rest?.security?.service?.[0]?.coding?.[0]?.code, 'SMART-on-FHIR');
    const oauth = rest?.security?.extension?.[0]?.extension ?? [];
    assert.equal(oauth.find((e) => e.url === 'token')?.valueUri, `${authority.url}/token`);
    // SMART apps are sent to the first issuer; the description names every issuer accepted.
    assert.equal(oauth.find((e) => e.url === 'authorize')?.valueUri, `${authority.url}/authorize`);
    const description = rest?.security?.description ?? '';
    assert.ok(
      description.includes(authority.url) && description.includes(regional.url),
      description,
    );
    const byType = new Map((rest?.resource ?? []).map((resource) => [resource.type, resource]));
    const patient = byType.get('Patient');
    assert.deepEqual(patient?.interaction?.map((i) => i.code).sort(), ['read', 'search-type']);
    assert.equal(patient?.operation?.[0]?.name, 'everything');
    assert.deepEqual(
      byType.get('MedicationStatement')?.searchParam?.map((p) => p.name),
      ['patient', 'patient.identifier'],
    );
    assert.deepEqual(
      byType
        .get('AuditEvent')
        ?.interaction?.map((i) => i.code)
        .sort(),
      ['read', 'search-type'],
    );
    assert.deepEqual(
      byType
        .get('Consent')
        ?.interaction?.map((i) => i.code)
        .sort(),
      ['read', 'search-type'],
    );
    assertValidR4(statement);
  });

  void test('the SMART configuration names the authorisation server and PKCE S256', async () => {
    const response = await fetch(`${fhirBase}/.well-known/smart-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    assert.equal(config['token_endpoint'], `${authority.url}/token`);
    assert.deepEqual(config['code_challenge_methods_supported'], ['S256']);
    assert.ok((config['capabilities'] as string[]).includes('launch-ehr'));
  });

  void test('without a token the API answers 401 with WWW-Authenticate; a token signed by another key is refused and audited', async () => {
    const none = await rawGet(`/MedicationStatement?patient=${MARGARET}`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const stranger = await generateKeyPair('RS256');
    const forged = await authority.sign(
      claimsFor('mallory', 'gp', 'user/*.rs'),
      'RS256',
      stranger.privateKey,
    );
    const refused = await rawGet(`/MedicationStatement?patient=${MARGARET}`, {
      authorization: `Bearer ${forged}`,
    });
    assert.equal(refused.status, 401);
    assert.equal(outcomeCode(refused.body), 'INVALID_TOKEN');
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const denied = await system.app.services.audit.list({ action: 'access-denied', limit: 1000 });
    assert.ok(
      denied.some(
        (record) =>
          'reasonCode' in record.entry.event && record.entry.event.reasonCode === 'token-invalid',
      ),
    );
  });

  void test('a token from the second configured issuer is accepted as well as one from the first', async () => {
    const token = await regional.sign(claimsFor('dr-regional', 'hospital-clinician', 'user/*.rs'));
    const response = await rawGet(`/Condition?patient=${MARGARET}`, {
      authorization: `Bearer ${token}`,
    });
    // Authenticated, then refused as the UI would refuse: no permission yet.
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'PERMISSION_REQUIRED');
  });

  void test('a system reading for a clinician is refused exactly where the UI would be: no permission, no record', async () => {
    const token = await authority.sign(
      claimsFor('dr-nopermission', 'hospital-clinician', 'user/*.rs'),
    );
    const response = await rawGet(`/MedicationStatement?patient=${MARGARET}`, {
      authorization: `Bearer ${token}`,
    });
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'PERMISSION_REQUIRED');
    const denied = await system.app.services.audit.list({
      action: 'access-denied',
      nhsNumber: MARGARET,
      limit: 1000,
    });
    assert.ok(
      denied.some(
        (record) =>
          staffUsername(record.entry.event.actor) === 'dr-nopermission' &&
          'reasonCode' in record.entry.event &&
          record.entry.event.reasonCode === 'no-live-permission',
      ),
    );
  });

  void test('with a permission recorded by bearer token, the record pages through fhir-kit-client with provenance and each source’s outcome', async () => {
    const token = await authority.sign(
      claimsFor('dr-hughes', 'hospital-clinician', 'user/*.rs user/Consent.c'),
      'ES256',
    );
    const granted = await fetch(`${system.url}/api/patients/${MARGARET}/permissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ basis: 'consent', method: 'verbal', givenBy: 'the patient' }),
    });
    assert.equal(granted.status, 201, await granted.text());

    const client = fhirClient(token);
    const first = (await client.search({
      resourceType: 'MedicationStatement',
      searchParams: { patient: MARGARET, _count: '2' },
    })) as unknown as fhir4.Bundle;
    assert.equal(first.type, 'searchset');
    assert.ok((first.total ?? 0) > 2, `total ${String(first.total)}`);
    const matches = (first.entry ?? []).filter((entry) => entry.search?.mode === 'match');
    assert.equal(matches.length, 2);
    for (const entry of matches) {
      assert.equal(entry.resource?.resourceType, 'MedicationStatement');
      assert.match(entry.resource?.meta?.source ?? '', /^urn:mcr:source:/);
    }
    const outcomes = (first.entry ?? []).filter((entry) => entry.search?.mode === 'outcome');
    assert.equal(outcomes.length, system.config.sources.length);
    assert.ok(outcomes.every((entry) => entry.resource?.resourceType === 'OperationOutcome'));
    const provenance = (first.entry ?? []).find(
      (entry) => entry.resource?.resourceType === 'Provenance',
    );
    assert.ok(provenance, 'a Provenance names the source of the items on the page');
    assertValidR4(first);

    const second = (await client.nextPage({
      bundle: first as unknown as Parameters<typeof client.nextPage>[0]['bundle'],
    })) as unknown as fhir4.Bundle;
    const secondIds = (second.entry ?? [])
      .filter((entry) => entry.search?.mode === 'match')
      .map((entry) => entry.resource?.id);
    assert.equal(secondIds.length, 2);
    assert.ok(secondIds.every((id) => !matches.some((entry) => entry.resource?.id === id)));

    const count = (await client.search({
      resourceType: 'MedicationStatement',
      searchParams: {
        'patient.identifier': `https://fhir.nhs.uk/Id/nhs-number|${MARGARET}`,
        _summary: 'count',
      },
    })) as unknown as fhir4.Bundle;
    assert.equal(count.total, first.total);
    assert.equal((count.entry ?? []).filter((entry) => entry.search?.mode === 'match').length, 0);

    const found = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: `https://fhir.nhs.uk/Id/nhs-number|${MARGARET}` },
    })) as unknown as fhir4.Bundle;
    assert.equal(found.total, 1);
    const patient = (await client.read({
      resourceType: 'Patient',
      id: MARGARET,
    })) as unknown as fhir4.Patient;
    assert.equal(patient.identifier?.[0]?.value, MARGARET);
    assertValidR4(patient);

    const everything = (await client.request(
      `Patient/${MARGARET}/$everything?_count=500`,
    )) as unknown as fhir4.Bundle;
    const types = new Set((everything.entry ?? []).map((entry) => entry.resource?.resourceType));
    assert.ok(types.has('Patient') && types.has('MedicationStatement') && types.has('Condition'));
    assertValidR4(everything);

    // Each page was its own audited view, recorded under the token's user and its API client.
    const completed = await system.app.services.audit.list({
      action: 'record-view-completed',
      nhsNumber: MARGARET,
      limit: 1000,
    });
    const mine = completed.filter(
      (record) => staffUsername(record.entry.event.actor) === 'dr-hughes',
    );
    assert.ok(mine.length >= 5, `${mine.length} views`);
    assert.ok(
      mine.every((record) => record.entry.event.client?.apiClient?.clientId === 'discharge-tool'),
    );
  });

  void test('a token whose scopes do not cover the resource type is refused', async () => {
    const token = await authority.sign(
      claimsFor('dr-narrow', 'gp', 'user/Observation.rs', 'A81001'),
    );
    const response = await rawGet(`/MedicationStatement?patient=${MARGARET}`, {
      authorization: `Bearer ${token}`,
    });
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'INSUFFICIENT_SCOPE');
  });

  void test('an auditor reads AuditEvents and Consents by the ids their searches give, and the AuditEvent names the API client', async () => {
    const token = await authority.sign(claimsFor('privacy-olu', 'privacy-officer', 'user/*.read'));
    const client = fhirClient(token);
    const audits = (await client.search({
      resourceType: 'AuditEvent',
      searchParams: { patient: MARGARET, _count: '200' },
    })) as unknown as fhir4.Bundle<fhir4.AuditEvent>;
    assert.ok(typeof audits.total === 'number' && audits.total > 0);
    assertValidR4(audits);
    const fromTool = (audits.entry ?? []).find((entry) =>
      entry.resource?.agent.some((agent) => agent.who?.identifier?.value === 'discharge-tool'),
    );
    assert.ok(fromTool?.fullUrl, 'an AuditEvent records the API client');
    const id = fromTool.fullUrl.split('/').at(-1) ?? '';
    const read = (await client.read({
      resourceType: 'AuditEvent',
      id,
    })) as unknown as fhir4.AuditEvent;
    assert.equal(read.id, id);

    const consents = (await client.search({
      resourceType: 'Consent',
      searchParams: { patient: MARGARET, _count: '1' },
    })) as unknown as fhir4.Bundle<fhir4.Consent>;
    assert.ok((consents.total ?? 0) >= 1);
    assert.ok((consents.entry ?? []).length <= 1);
    const consentId = consents.entry?.[0]?.resource?.id ?? '';
    const consent = (await client.read({
      resourceType: 'Consent',
      id: consentId,
    })) as unknown as fhir4.Consent;
    assert.equal(consent.id, consentId);
    assertValidR4(consents);
  });

  void test('an AuditEvent search counts every matching entry in its total, beyond a thousand', async () => {
    // Each audit search is itself audited against the patient searched for, so a patient nobody
    // else touches gains exactly one entry per search, after the search has counted.
    const quiet = '9990000247';
    const token = await authority.sign(claimsFor('privacy-kim', 'privacy-officer', 'user/*.rs'));
    const headers = { authorization: `Bearer ${token}` };
    const searches = 1005;
    for (let done = 0; done < searches; done += 1) {
      const response = await fetch(`${fhirBase}/AuditEvent?patient=${quiet}&_summary=count`, {
        headers,
      });
      assert.equal(response.status, 200);
      const bundle = (await response.json()) as fhir4.Bundle;
      assert.equal(bundle.total, done);
    }
    const page = (await fhirClient(token).search({
      resourceType: 'AuditEvent',
      searchParams: { patient: quiet, _count: '10' },
    })) as unknown as fhir4.Bundle;
    assert.equal(page.total, searches);
    assert.equal(page.entry?.length, 10);
    assert.ok(page.link?.some((link) => link.relation === 'next'));
  });

  void test('every write is refused with 405 and Allow, and XML is not acceptable', async () => {
    const client = fhirClient();
    const writes = [
      () => client.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } }),
      () =>
        client.update({
          resourceType: 'Patient',
          id: MARGARET,
          body: { resourceType: 'Patient', id: MARGARET },
        }),
      () => client.delete({ resourceType: 'Consent', id: 'x' }),
      () => client.patch({ resourceType: 'Patient', id: MARGARET, jsonPatch: [] }),
    ];
    for (const write of writes) {
      await assert.rejects(
        write,
        (error: { response?: { status?: number } }) => error.response?.status === 405,
      );
    }
    const post = await fetch(`${fhirBase}/Patient`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const xml = await rawGet('/metadata', { accept: 'application/fhir+xml' });
    assert.equal(xml.status, 406);
    assert.equal(outcomeCode(xml.body), 'NOT_ACCEPTABLE');
  });
});

/** The staff member's username of an audit actor (a patient actor has none). */
function staffUsername(actor: AuditEntry['event']['actor']): string | undefined {
  return actor !== null && 'username' in actor ? actor.username : undefined;
}
