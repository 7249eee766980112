/** @module The simulated GP Connect provider checks requests as a real practice does and answers from the population. */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  startGpConnectServer,
  type RunningGpConnectServer,
} from '../../sim/servers/gp-connect-server.ts';
import {
  structuredRecordParameters,
  unsignedJwt,
  validGpcClaims,
} from '../../sim/servers/gp-connect-test-client.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import {
  BUILT_PATIENTS,
  BUILT_PRACTICES,
  buildSimPopulation,
} from '../support/sim-population-builder.ts';

const INTERACTION = 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';

interface Outcome {
  resourceType: string;
  meta?: { profile?: string[] };
  issue: {
    severity: string;
    code: string;
    details: { coding: { system: string; code: string; display: string }[]; text?: string };
    diagnostics?: string;
  }[];
}

type Claims = Record<string, unknown>;

const jwt = unsignedJwt;
const validClaims = validGpcClaims;
const parameters = (
  nhsNumber: string,
  areas: unknown[] = [
    { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
  ],
): unknown => structuredRecordParameters(nhsNumber, areas);

void describe('simulated GP Connect provider', () => {
  let gp: RunningGpConnectServer;
  const practice = BUILT_PRACTICES[0];
  const alice = BUILT_PATIENTS[0];
  const bob = BUILT_PATIENTS[1];
  before(async () => {
    assert.ok(practice);
    gp = await startGpConnectServer({ population: buildSimPopulation(), practice });
  });
  after(() => gp.close());
  beforeEach(async () => {
    await fetch(`${gp.url}/_control/reset`, { method: 'POST' });
  });

  function call(
    options: {
      body?: unknown;
      headers?: Record<string, string | undefined>;
      claims?: Claims;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    const all: Record<string, string | undefined> = {
      'Ssp-TraceID': randomUUID(),
      'Ssp-From': '200000000359',
      'Ssp-To': gp.asid,
      'Ssp-InteractionID': INTERACTION,
      Accept: 'application/fhir+json;charset=utf-8',
      'Content-Type': 'application/fhir+json;charset=utf-8',
      Authorization: `Bearer ${jwt(options.claims ?? validClaims(gp.fhirBaseUrl))}`,
      ...options.headers,
    };
    for (const [name, value] of Object.entries(all)) if (value !== undefined) headers[name] = value;
    return fetch(`${gp.fhirBaseUrl}/Patient/$gpc.getstructuredrecord`, {
      method: 'POST',
      headers,
      body: JSON.stringify(options.body ?? parameters(alice?.nhsNumber ?? '')),
    });
  }

  async function expectError(
    response: Response,
    fixture: string,
    status: number,
    code: string,
  ): Promise<Outcome> {
    assert.equal(response.status, status);
    assert.equal(response.headers.get('content-type'), 'application/fhir+json;charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const outcome = (await response.json()) as Outcome;
    const expected = readFixtureJson(`gp-connect/errors/${fixture}`) as Outcome;
    assert.deepEqual(outcome.meta, expected.meta);
    assert.equal(outcome.issue.length, 1);
    const [got] = outcome.issue;
    const [want] = expected.issue;
    assert.equal(got?.severity, want?.severity);
    assert.equal(got?.code, want?.code);
    assert.deepEqual(got?.details.coding, want?.details.coding);
    assert.equal(got?.details.coding[0]?.code, code);
    return outcome;
  }

  void test('a valid request gets the patient’s structured record with the trace id as Bundle.id', async () => {
    const traceId = randomUUID();
    const response = await call({ headers: { 'Ssp-TraceID': traceId } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('content-type'), 'application/fhir+json;charset=utf-8');
    const bundle = (await response.json()) as fhir3.Bundle;
    assert.equal(bundle.id, traceId);
    assert.equal(bundle.type, 'collection');
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')
      ?.resource as fhir3.Patient;
    assert.equal(patient.identifier?.[0]?.value, alice?.nhsNumber);
  });

  void test('every claim and header the consumer sent is kept for inspection', async () => {
    const claims = validClaims(gp.fhirBaseUrl);
    await call({ claims });
    const last = gp.stats.recent.at(-1);
    assert.deepEqual(last?.claims, claims);
    assert.deepEqual(last.jwtHeader, { alg: 'none', typ: 'JWT' });
    assert.equal(last.headers['ssp-to'], gp.asid);
    assert.equal(last.headers['ssp-interactionid'], INTERACTION);
    assert.equal(gp.stats.total, 1);
  });

  void test('an NHS number failing Modulus 11 gets 400 INVALID_NHS_NUMBER', async () => {
    await expectError(
      await call({ body: parameters('9990000019') }),
      'gpc-error-INVALID_NHS_NUMBER.json',
      400,
      'INVALID_NHS_NUMBER',
    );
  });

  void test('a patient not registered at the practice gets 404 PATIENT_NOT_FOUND', async () => {
    const elsewhere = BUILT_PATIENTS.find((p) => p.practiceOds !== practice?.ods);
    await expectError(
      await call({ body: parameters(elsewhere?.nhsNumber ?? '') }),
      'gpc-error-PATIENT_NOT_FOUND.json',
      404,
      'PATIENT_NOT_FOUND',
    );
  });

  void test('a patient who dissented from sharing gets 403 NO_PATIENT_CONSENT', async () => {
    await expectError(
      await call({ body: parameters(bob?.nhsNumber ?? '') }),
      'gpc-error-NO_PATIENT_CONSENT.json',
      403,
      'NO_PATIENT_CONSENT',
    );
  });

  void test('a practice with structured access switched off answers 403 ACCESS DENIED', async () => {
    gp.settings.structuredAccess = false;
    await expectError(await call(), 'gpc-error-ACCESS_DENIED.json', 403, 'ACCESS DENIED');
    await fetch(`${gp.url}/_control/settings`, {
      method: 'PUT',
      body: JSON.stringify({ structuredAccess: true }),
    });
    assert.equal((await call()).status, 200);
  });

  const badHeaders: [string, Record<string, string | undefined>][] = [
    ['a missing trace id', { 'Ssp-TraceID': undefined }],
    ['a trace id that is not a UUID', { 'Ssp-TraceID': 'trace-1' }],
    ['a missing Ssp-From', { 'Ssp-From': undefined }],
    ['another practice’s ASID in Ssp-To', { 'Ssp-To': '918999198999' }],
    [
      'the wrong interaction id',
      { 'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1' },
    ],
    ['an XML Accept header', { Accept: 'application/fhir+xml' }],
    ['a plain JSON content type', { 'Content-Type': 'application/json' }],
    ['no Authorization header', { Authorization: undefined }],
    ['a signed token', { Authorization: `Bearer ${jwt({}).slice(0, -1)}.c2lnbmF0dXJl` }],
  ];
  for (const [what, headers] of badHeaders) {
    void test(`a request with ${what} gets 400 BAD_REQUEST`, async () => {
      await expectError(await call({ headers }), 'gpc-error-BAD_REQUEST.json', 400, 'BAD_REQUEST');
    });
  }

  const badClaims: [string, (c: Claims) => Claims][] = [
    ['exp other than iat + 300', (c) => ({ ...c, exp: (c['iat'] as number) + 600 })],
    [
      'an expired token',
      (c) => ({ ...c, iat: (c['iat'] as number) - 900, exp: (c['iat'] as number) - 600 }),
    ],
    ['a reason other than direct care', (c) => ({ ...c, reason_for_request: 'migration' })],
    ['a restricted scope', (c) => ({ ...c, requested_scope: 'patient/*.read conf/R' })],
    ['sub differing from the practitioner id', (c) => ({ ...c, sub: 'someone-else' })],
    ['an empty audience', (c) => ({ ...c, aud: '' })],
    ['another provider as audience', (c) => ({ ...c, aud: 'https://other.example/fhir' })],
    ['no issuer', (c) => ({ ...c, iss: undefined })],
    [
      'a device without a version',
      (c) => ({
        ...c,
        requesting_device: { ...(c['requesting_device'] as Claims), version: undefined },
      }),
    ],
    [
      'an organisation without an ODS code',
      (c) => ({
        ...c,
        requesting_organization: { resourceType: 'Organization', name: 'X', identifier: [] },
      }),
    ],
    [
      'a practitioner without an SDS role profile',
      (c) => {
        const practitioner = c['requesting_practitioner'] as Claims;
        const ids = (practitioner['identifier'] as { system: string }[]).filter(
          (i) => !i.system.endsWith('sds-role-profile-id'),
        );
        return { ...c, requesting_practitioner: { ...practitioner, identifier: ids } };
      },
    ],
  ];
  for (const [what, change] of badClaims) {
    void test(`a token with ${what} is refused with BAD_REQUEST`, async () => {
      const claims = change(validClaims(gp.fhirBaseUrl));
      await expectError(await call({ claims }), 'gpc-error-BAD_REQUEST.json', 400, 'BAD_REQUEST');
    });
  }

  void test('a token signed with an algorithm is refused', async () => {
    const token = jwt(validClaims(gp.fhirBaseUrl), { alg: 'HS256', typ: 'JWT' });
    await expectError(
      await call({ headers: { Authorization: `Bearer ${token}` } }),
      'gpc-error-BAD_REQUEST.json',
      400,
      'BAD_REQUEST',
    );
  });

  const nhs = (): string => alice?.nhsNumber ?? '';
  const badParameters: [string, () => unknown, string][] = [
    [
      'allergies without includeResolvedAllergies',
      () => parameters(nhs(), [{ name: 'includeAllergies' }]),
      'INVALID_PARAMETER',
    ],
    ['no clinical area at all', () => parameters(nhs(), []), 'INVALID_PARAMETER'],
    [
      'a medication date with a time',
      () =>
        parameters(nhs(), [
          {
            name: 'includeMedication',
            part: [{ name: 'medicationSearchFromDate', valueDate: '2020-01-01T10:00:00Z' }],
          },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a partial medication date',
      () =>
        parameters(nhs(), [
          {
            name: 'includeMedication',
            part: [{ name: 'medicationSearchFromDate', valueDate: '2020-01' }],
          },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a medication date in the future',
      () =>
        parameters(nhs(), [
          {
            name: 'includeMedication',
            part: [{ name: 'medicationSearchFromDate', valueDate: '2999-01-01' }],
          },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a medication filter sent with consultations',
      () =>
        parameters(nhs(), [
          { name: 'includeConsultations' },
          {
            name: 'includeMedication',
            part: [{ name: 'medicationSearchFromDate', valueDate: '2020-01-01' }],
          },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a referral period sent with problems',
      () =>
        parameters(nhs(), [
          { name: 'includeProblems' },
          {
            name: 'includeReferrals',
            part: [{ name: 'referralSearchPeriod', valuePeriod: { start: '2020-01-01' } }],
          },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a problem status other than active or inactive',
      () =>
        parameters(nhs(), [
          { name: 'includeProblems', part: [{ name: 'includeStatus', valueCode: 'resolved' }] },
        ]),
      'INVALID_PARAMETER',
    ],
    [
      'a consultation period and a most-recent count together',
      () =>
        parameters(nhs(), [
          {
            name: 'includeConsultations',
            part: [
              {
                name: 'consultationSearchPeriod',
                valuePeriod: { start: '2019-01-01', end: '2020-01-01' },
              },
              { name: 'includeNumberOfMostRecent', valuePositiveInt: 3 },
            ],
          },
        ]),
      'INVALID_RESOURCE',
    ],
    [
      'a body that is not a Parameters resource',
      () => ({ resourceType: 'Patient' }),
      'INVALID_RESOURCE',
    ],
    [
      'no patientNHSNumber',
      () => ({ resourceType: 'Parameters', parameter: [{ name: 'includeProblems' }] }),
      'INVALID_PARAMETER',
    ],
  ];
  for (const [what, body, code] of badParameters) {
    void test(`a request with ${what} gets 422 ${code} with diagnostics`, async () => {
      const response = await call({ body: body() });
      assert.equal(response.status, 422);
      const outcome = (await response.json()) as Outcome;
      assert.deepEqual(outcome.meta?.profile, [
        'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1',
      ]);
      const [issue] = outcome.issue;
      assert.ok(issue);
      assert.equal(issue.code, 'invalid');
      assert.equal(
        issue.details.coding[0]?.system,
        'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
      );
      assert.equal(issue.details.coding[0].code, code);
      assert.ok((issue.diagnostics ?? '').length > 0);
    });
  }

  void test('a request with every area and its own filters is accepted when consultations and problems are not asked', async () => {
    const response = await call({
      body: parameters(nhs(), [
        {
          name: 'includeAllergies',
          part: [{ name: 'includeResolvedAllergies', valueBoolean: false }],
        },
        {
          name: 'includeMedication',
          part: [
            { name: 'includePrescriptionIssues', valueBoolean: true },
            { name: 'medicationSearchFromDate', valueDate: '2020-01-01' },
          ],
        },
        { name: 'includeImmunisations', part: [{ name: 'includeNotGiven', valueBoolean: true }] },
        {
          name: 'includeInvestigations',
          part: [
            {
              name: 'investigationSearchPeriod',
              valuePeriod: { start: '2019-01-01', end: '2020-01-01' },
            },
          ],
        },
      ]),
    });
    assert.equal(response.status, 200);
  });

  void test('a clinical area disabled at the practice is answered with a warning like real providers', async () => {
    await fetch(`${gp.url}/_control/settings`, {
      method: 'PUT',
      body: JSON.stringify({ disabledAreas: ['includeProblems'] }),
    });
    const response = await call({
      body: parameters(nhs(), [{ name: 'includeProblems' }, { name: 'includeImmunisations' }]),
    });
    assert.equal(response.status, 200);
    const bundle = (await response.json()) as fhir3.Bundle;
    const warning = bundle.entry?.find((e) => e.resource?.resourceType === 'OperationOutcome')
      ?.resource as Outcome | undefined;
    const fixture = readFixtureJson(
      'gp-connect/errors/gpc-warning-clinical-area-disabled-bundle-entry.json',
    ) as { resource: Outcome };
    assert.deepEqual(warning?.meta, fixture.resource.meta);
    assert.deepEqual(warning?.issue, fixture.resource.issue);
    const lists = bundle.entry
      ?.filter((e) => e.resource?.resourceType === 'List')
      .map((e) => (e.resource as fhir3.List).title);
    assert.deepEqual(lists, ['includeImmunisations']);
  });

  void test('an unknown parameter is answered 200 with an unrecognised-parameter warning', async () => {
    const response = await call({
      body: parameters(nhs(), [{ name: 'includeProblems' }, { name: 'includeFuture' }]),
    });
    assert.equal(response.status, 200);
    const bundle = (await response.json()) as fhir3.Bundle;
    const warning = bundle.entry?.find((e) => e.resource?.resourceType === 'OperationOutcome')
      ?.resource as Outcome | undefined;
    assert.equal(warning?.issue[0]?.details.text, 'includeFuture is an unrecognised parameter');
  });

  void test('the capability statement declares the structured record operation', async () => {
    const response = await fetch(`${gp.fhirBaseUrl}/metadata`, {
      headers: { Accept: 'application/fhir+json' },
    });
    assert.equal(response.status, 200);
    const statement = (await response.json()) as fhir3.CapabilityStatement;
    const fixture = readFixtureJson(
      'gp-connect/spec/gpc-demonstrator-structured_capability.json',
    ) as fhir3.CapabilityStatement;
    assert.equal(statement.fhirVersion, fixture.fhirVersion);
    assert.deepEqual(statement.rest?.[0]?.operation, fixture.rest?.[0]?.operation);
  });

  void test('the provider refuses writes with 405', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await fetch(`${gp.fhirBaseUrl}/Patient/1`, { method, body: '{}' });
      assert.equal(response.status, 405, method);
    }
    const post = await fetch(`${gp.fhirBaseUrl}/Patient`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(((await post.json()) as Outcome).resourceType, 'OperationOutcome');
  });
});
