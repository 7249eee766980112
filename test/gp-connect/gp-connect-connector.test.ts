/** @module The GP Connect connector: the request it sends (headers, JWT, body) and how it reads every answer. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listFixtures, readFixtureJson, readFixtureText } from '../support/fixtures.ts';
import { createGpConnectConnector } from '../../src/sources/gp-connect/gp-connect-connector.ts';
import { buildStructuredRecordRequest } from '../../src/sources/gp-connect/structured-request.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from '../../src/http/http-outcome.ts';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import type { SourceRequest } from '../../src/sources/source-result.ts';

const source: SourceConfig = {
  id: 'gp-a',
  name: 'Coxwold Surgery',
  organisation: 'A12345',
  kind: 'gp-connect',
  url: 'https://provider.example/fhir',
  timeoutMs: 3000,
  maxResponseBytes: 10 * 1024 * 1024,
  asid: '918999198738',
  setting: 'gp',
  pageSize: 100,
  maxPages: 20,
};
const consumer = {
  asid: '200000000359',
  url: 'https://mcr.example',
  organisationName: 'My Care Record',
};
const request: SourceRequest = {
  patient: { nhsNumber: '9690937286' },
  user: {
    id: 'user-17',
    username: 'jsmith',
    displayName: 'Dr Jane Smith',
    role: 'gp',
    organisation: 'B82001',
    sdsUserId: '687227875014',
    sdsRoleProfileId: undefined,
  },
  requestId: 'req-1',
};

function answering(
  status: number,
  json: unknown,
  seen: SourceHttpRequest[] = [],
): (r: SourceHttpRequest) => Promise<SourceHttpOutcome> {
  return (r) => {
    seen.push(r);
    return Promise.resolve({ kind: 'response', status, headers: {}, json, bytes: 1, elapsedMs: 1 });
  };
}

function decode(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
} {
  const [header = '', claims = '', signature = 'missing'] = jwt.split('.');
  const part = (text: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(header), claims: part(claims), signature };
}

void describe('the GP Connect request', () => {
  void test('asks for every area in one call, within the rules for combining problems and consultations', () => {
    const body = buildStructuredRecordRequest('9690937286');
    const names = body.parameter.map((parameter) => parameter.name);
    assert.deepEqual(names, [
      'patientNHSNumber',
      'includeAllergies',
      'includeMedication',
      'includeConsultations',
      'includeProblems',
      'includeImmunisations',
      'includeUncategorisedData',
      'includeInvestigations',
      'includeReferrals',
      'includeDiaryEntries',
    ]);
    const parts = body.parameter.flatMap((parameter) =>
      (parameter.part ?? []).map((part) => `${part.name}=${String(part.valueBoolean)}`),
    );
    assert.deepEqual(parts, ['includeResolvedAllergies=true', 'includePrescriptionIssues=true']);
    assert.deepEqual(body.parameter[0]?.valueIdentifier, {
      system: 'https://fhir.nhs.uk/Id/nhs-number',
      value: '9690937286',
    });
    assert.ok(
      !buildStructuredRecordRequest('9690937286', { includeDiaryEntries: false }).parameter.some(
        (p) => p.name === 'includeDiaryEntries',
      ),
    );
  });

  void test('carries the Spine headers and a fresh unsigned JWT naming the signed-in clinician, five minutes long', async () => {
    const seen: SourceHttpRequest[] = [];
    let trace = 0;
    const connector = createGpConnectConnector({
      source,
      consumer,
      fetchSource: answering(
        200,
        readFixtureJson('gp-connect/spec/gpc-spec-meds_response.json'),
        seen,
      ),
      now: () => new Date('2025-03-01T10:00:00Z'),
      newTraceId: () => `trace-${++trace}`,
    });
    await connector.fetchRecord(request);
    await connector.fetchRecord(request);
    const [first, second] = seen;
    assert.ok(first && second);
    assert.equal(first.method, 'POST');
    assert.equal(first.url, 'https://provider.example/fhir/Patient/$gpc.getstructuredrecord');
    assert.equal(first.headers['Ssp-TraceID'], 'trace-1');
    assert.equal(second.headers['Ssp-TraceID'], 'trace-2');
    assert.equal(first.headers['Ssp-From'], '200000000359');
    assert.equal(first.headers['Ssp-To'], '918999198738');
    assert.equal(
      first.headers['Ssp-InteractionID'],
      'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    );
    assert.equal(first.headers['Accept'], 'application/fhir+json;charset=utf-8');
    assert.equal(first.headers['Content-Type'], 'application/fhir+json;charset=utf-8');
    assert.deepEqual(JSON.parse(first.body ?? '{}'), buildStructuredRecordRequest('9690937286'));

    const token = first.headers['Authorization']?.replace(/^Bearer /, '') ?? '';
    assert.ok(token.endsWith('.'), 'an unsigned token ends with a dot');
    const { header, claims, signature } = decode(token);
    assert.deepEqual(header, { alg: 'none', typ: 'JWT' });
    assert.equal(signature, '');
    assert.equal(claims['iss'], 'https://mcr.example');
    assert.equal(claims['aud'], 'https://provider.example/fhir');
    assert.equal(claims['iat'], Date.parse('2025-03-01T10:00:00Z') / 1000);
    assert.equal(claims['exp'], claims['iat'] + 300);
    assert.equal(claims['reason_for_request'], 'directcare');
    assert.equal(claims['requested_scope'], 'patient/*.read');
    const practitioner = claims['requesting_practitioner'] as {
      id: string;
      identifier: { system: string; value: string }[];
      name: { family: string; given: string[]; prefix: string[] }[];
    };
    assert.equal(claims['sub'], practitioner.id);
    assert.equal(practitioner.id, 'user-17');
    assert.deepEqual(
      practitioner.identifier.map((identifier) => [identifier.system, identifier.value]),
      [
        ['https://fhir.nhs.uk/Id/sds-user-id', '687227875014'],
        ['https://fhir.nhs.uk/Id/sds-role-profile-id', 'UNK'],
        ['https://mycarerecord.nhs.uk/Id/user', 'jsmith'],
      ],
    );
    assert.deepEqual(practitioner.name[0], {
      family: 'Smith',
      given: ['Jane'],
      prefix: ['Dr'],
      text: 'Dr Jane Smith',
    });
    const organisation = claims['requesting_organization'] as {
      identifier: { system: string; value: string }[];
    };
    assert.deepEqual(organisation.identifier[0], {
      system: 'https://fhir.nhs.uk/Id/ods-organization-code',
      value: 'B82001',
    });
    const device = claims['requesting_device'] as {
      resourceType: string;
      model: string;
      version: string;
      identifier: unknown[];
    };
    assert.equal(device.resourceType, 'Device');
    assert.ok(device.model !== '' && device.version !== '' && device.identifier.length === 1);

    const secondToken = second.headers['Authorization'] ?? '';
    assert.notEqual(secondToken, '');
    assert.notEqual(first.headers['Ssp-TraceID'], second.headers['Ssp-TraceID']);
  });

  void test('a practice configured without an ASID is not asked, and the reason is plain', async () => {
    const seen: SourceHttpRequest[] = [];
    const withoutAsid: SourceConfig = { ...source, asid: undefined };
    const connector = createGpConnectConnector({
      source: withoutAsid,
      consumer,
      fetchSource: answering(200, {}, seen),
    });
    const result = await connector.fetchRecord(request);
    assert.equal(result.status, 'error');
    assert.equal(result.errorCode, 'CONFIGURATION');
    assert.match(result.message ?? '', /ASID/);
    assert.equal(seen.length, 0);
  });
});

void describe('reading the practice’s answer', () => {
  void test('a structured record is answered with its warnings', async () => {
    const connector = createGpConnectConnector({
      source,
      consumer,
      fetchSource: answering(200, readFixtureJson('gp-connect/suppliers/full_record.json')),
    });
    const result = await connector.fetchRecord(request);
    assert.equal(result.status, 'answered');
    assert.equal(result.payload?.format, 'gp-connect-stu3');
    assert.ok(result.warnings.some((warning) => warning.code === 'confidential-items'));
  });

  const expected: Record<string, { http: number; status: string; code: string }> = {
    'gpc-error-ACCESS_DENIED.json': { http: 403, status: 'access-denied', code: 'ACCESS_DENIED' },
    'gpc-error-BAD_REQUEST.json': { http: 400, status: 'error', code: 'BAD_REQUEST' },
    'gpc-error-INVALID_NHS_NUMBER.json': { http: 400, status: 'error', code: 'INVALID_NHS_NUMBER' },
    'gpc-error-NO_PATIENT_CONSENT.json': {
      http: 403,
      status: 'dissent',
      code: 'NO_PATIENT_CONSENT',
    },
    'gpc-error-PATIENT_NOT_FOUND.json': {
      http: 404,
      status: 'patient-not-found',
      code: 'PATIENT_NOT_FOUND',
    },
    'gpc-error-SSP_403_ASID_CHECK_FAILED.json': {
      http: 403,
      status: 'access-denied',
      code: 'ASID_CHECK_FAILED_MESSAGESENDER',
    },
  };
  for (const file of listFixtures('gp-connect/errors').filter((name) =>
    name.startsWith('gpc-error-'),
  )) {
    void test(`${file} gives a plain status and keeps its code`, async () => {
      const want = expected[file];
      assert.ok(want, `every error fixture has an expectation (${file})`);
      const connector = createGpConnectConnector({
        source,
        consumer,
        fetchSource: answering(want.http, readFixtureJson(`gp-connect/errors/${file}`)),
      });
      const result = await connector.fetchRecord(request);
      assert.equal(result.status, want.status);
      assert.equal(result.errorCode, want.code);
      assert.equal(result.httpStatus, want.http);
      assert.ok((result.message ?? '').length > 20);
      assert.equal(result.payload, undefined);
    });
  }

  void test('dissent says the patient asked their practice not to share, and that a permission here cannot override it', async () => {
    const connector = createGpConnectConnector({
      source,
      consumer,
      fetchSource: answering(
        403,
        readFixtureJson('gp-connect/errors/gpc-error-NO_PATIENT_CONSENT.json'),
      ),
    });
    const result = await connector.fetchRecord(request);
    assert.equal(
      result.message,
      'The patient has asked their GP practice not to share their record. A permission recorded here cannot override this.',
    );
  });

  void test('patient not found also tells the clinician it covers sensitive patients', async () => {
    const connector = createGpConnectConnector({
      source,
      consumer,
      fetchSource: answering(
        404,
        readFixtureJson('gp-connect/errors/gpc-error-PATIENT_NOT_FOUND.json'),
      ),
    });
    assert.match((await connector.fetchRecord(request)).message ?? '', /sensitive patients/);
  });

  void test('codes are matched whatever code system carries them; other errors map by kind', async () => {
    const outcome = (code: string): unknown => ({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'x',
          details: {
            coding: [
              { system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code },
            ],
          },
        },
      ],
    });
    const cases: [number, string, string][] = [
      [404, 'NO_RECORD_FOUND', 'patient-not-found'],
      [403, 'NO_RELATIONSHIP', 'access-denied'],
      [403, 'NO_ORGANISATION_CONSENT', 'access-denied'],
      [422, 'INVALID_PARAMETER', 'error'],
      [422, 'INVALID_RESOURCE', 'error'],
      [422, 'REFERENCE_NOT_FOUND', 'error'],
      [500, 'INTERNAL_SERVER_ERROR', 'error'],
    ];
    for (const [http, code, status] of cases) {
      const result = await createGpConnectConnector({
        source,
        consumer,
        fetchSource: answering(http, outcome(code)),
      }).fetchRecord(request);
      assert.equal(result.status, status, code);
      assert.equal(result.errorCode, code);
    }
    const unavailable = await createGpConnectConnector({
      source,
      consumer,
      fetchSource: answering(503, {}),
    }).fetchRecord(request);
    assert.equal(unavailable.status, 'unavailable');
  });

  void test('transport failures become the matching status, with no retry', async () => {
    const kinds = [
      'timed-out',
      'too-large',
      'malformed',
      'wrong-content-type',
      'refused',
      'network-error',
      'aborted',
    ] as const;
    const statuses = [
      'timed-out',
      'too-large',
      'malformed',
      'wrong-content-type',
      'refused',
      'unavailable',
      'error',
    ];
    for (const [index, kind] of kinds.entries()) {
      let calls = 0;
      const connector = createGpConnectConnector({
        source,
        consumer,
        fetchSource: () => {
          calls += 1;
          return Promise.resolve({ kind, message: 'Plain words.', elapsedMs: 1 });
        },
      });
      const result = await connector.fetchRecord(request);
      assert.equal(result.status, statuses[index], kind);
      assert.equal(calls, 1);
    }
  });

  void test('a transport that throws never makes the connector throw', async () => {
    const connector = createGpConnectConnector({
      source,
      consumer,
      fetchSource: () => Promise.reject(new Error('boom')),
    });
    assert.equal((await connector.fetchRecord(request)).status, 'error');
  });
});

void describe('over real HTTP on loopback', () => {
  async function serve(
    body: string,
    status = 200,
  ): Promise<{ url: string; requests: IncomingMessage[]; close: () => Promise<void> }> {
    const requests: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      requests.push(req);
      req.resume();
      req.on('end', () => {
        res.writeHead(status, {
          'content-type': 'application/fhir+json;charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/fhir`,
      requests,
      close: () =>
        new Promise((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    };
  }

  void test('a practice record served over HTTP is fetched and answered', async () => {
    const server = await serve(readFixtureText('gp-connect/suppliers/TPP_9465701998_full.json'));
    try {
      const connector = createGpConnectConnector({
        source: { ...source, url: server.url },
        consumer,
        fetchSource,
      });
      const result = await connector.fetchRecord(request);
      assert.equal(result.status, 'answered');
      const seen = server.requests[0];
      assert.ok(seen);
      assert.equal(seen.method, 'POST');
      assert.equal(seen.url, '/fhir/Patient/$gpc.getstructuredrecord');
      assert.equal(
        seen.headers['ssp-interactionid'],
        'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      );
      assert.match(seen.headers['authorization'] ?? '', /^Bearer [\w-]+\.[\w-]+\.$/);
    } finally {
      await server.close();
    }
  });

  void test('a body that is not valid JSON (a trailing comma) is reported as malformed, not a crash', async () => {
    const text = readFixtureText('gp-connect/spec/gpc-spec-consultations_response1.json').replace(
      /\}\s*$/,
      ',}',
    );
    const server = await serve(text);
    try {
      const connector = createGpConnectConnector({
        source: { ...source, url: server.url },
        consumer,
        fetchSource,
      });
      const result = await connector.fetchRecord(request);
      assert.equal(result.status, 'malformed');
    } finally {
      await server.close();
    }
  });
});
