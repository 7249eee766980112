import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFhirR4Connector } from '../../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { fetchSource } from '../../../src/http/fetch-source.ts';
import type { SourceConfig } from '../../../src/config/config-schema.ts';
import type { SourceRequest, SourceResult } from '../../../src/sources/source-result.ts';
import { startLoopback, sendJson, type Loopback } from '../loopback.ts';

const NHS = '9990000018';
const PATIENT: fhir4.Patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS }],
  name: [{ use: 'official', family: 'Hardy', given: ['Ada'] }],
  birthDate: '1950-03-04',
};

type TypeHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

function searchset(
  resources: unknown[],
  next?: string,
  extraEntries: unknown[] = [],
): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [
      ...resources.map((resource) => ({
        resource: resource as fhir4.FhirResource,
        search: { mode: 'match' as const },
      })),
      ...(extraEntries as fhir4.BundleEntry[]),
    ],
    ...(next === undefined ? {} : { link: [{ relation: 'next', url: next }] }),
  };
}

function observation(n: number): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id: `obs-${n}`,
    status: 'final',
    code: { text: `reading ${n}` },
  };
}

/** A FHIR R4 server under /fhir: Patient search by NHS number, other types by handler (default: no results). */
async function fhirServer(
  handlers: Record<string, TypeHandler> = {},
  patients: fhir4.Patient[] = [PATIENT],
): Promise<Loopback> {
  const server = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const type = url.pathname.replace(/^\/fhir\//, '');
    if (type === 'Patient') {
      const wanted = `https://fhir.nhs.uk/Id/nhs-number|${NHS}`;
      sendJson(res, 200, searchset(url.searchParams.get('identifier') === wanted ? patients : []));
      return;
    }
    const handler = handlers[type];
    if (handler !== undefined) handler(req, res, url);
    else sendJson(res, 200, searchset([]));
  });
  servers.push(server);
  return server;
}

/** Serves `count` observations in pages of `_count`, the next link carrying `page`. */
function pagedObservations(count: number): TypeHandler {
  return (_req, res, url) => {
    const size = Number(url.searchParams.get('_count'));
    const page = Number(url.searchParams.get('page') ?? '0');
    const items = Array.from({ length: count }, (_, i) => observation(i)).slice(
      page * size,
      (page + 1) * size,
    );
    const nextUrl = new URL(
      url.href.replace('http://loopback', `http://${_req.headers.host ?? ''}`),
    );
    nextUrl.searchParams.set('page', String(page + 1));
    sendJson(res, 200, searchset(items, (page + 1) * size < count ? nextUrl.href : undefined));
  };
}

const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function sourceFor(server: Loopback, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    id: 'city-hospital',
    name: 'City Hospital',
    organisation: 'RXX01',
    kind: 'fhir-r4',
    url: `${server.url}/fhir/`,
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    resourceTypes: ['Condition', 'Observation'],
    pageSize: 10,
    maxPages: 20,
    ...overrides,
  };
}

const request: SourceRequest = {
  patient: { nhsNumber: NHS, family: 'Hardy', birthDate: '1950-03-04' },
  user: {
    id: 'u1',
    username: 'dr.who',
    displayName: 'Dr Who',
    role: 'clinician',
    organisation: 'RXX01',
  },
  requestId: 'req-123',
};

async function fetchFrom(
  server: Loopback,
  overrides: Partial<SourceConfig> = {},
): Promise<SourceResult> {
  return createFhirR4Connector({ source: sourceFor(server, overrides), fetchSource }).fetchRecord(
    request,
  );
}

function resourcesOf(result: SourceResult): readonly fhir4.FhirResource[] {
  assert.equal(result.payload?.format, 'fhir-r4');
  return result.payload.resources;
}

function typeRequests(server: Loopback, type: string): IncomingMessage[] {
  return server.requests.filter((req) => (req.url ?? '').startsWith(`/fhir/${type}?`));
}

void describe('FHIR R4 connector', () => {
  void test('every result on every page arrives exactly once, with the patient first', async () => {
    const server = await fhirServer({ Observation: pagedObservations(25) });
    const result = await fetchFrom(server);
    assert.equal(result.status, 'answered');
    const resources = resourcesOf(result);
    assert.equal(resources[0]?.resourceType, 'Patient');
    assert.deepEqual(resources[0], PATIENT);
    const ids = resources.filter((r) => r.resourceType === 'Observation').map((r) => r.id);
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, i) => `obs-${i}`),
    );
    assert.equal(typeRequests(server, 'Observation').length, 3);
    assert.match(typeRequests(server, 'Observation')[0]?.url ?? '', /patient=pat-1&_count=10/);
    assert.deepEqual(result.warnings, []);
    assert.ok(result.elapsedMs >= 0);
  });

  void test('paging stops at the configured number of pages and says that results are missing', async () => {
    const server = await fhirServer({ Observation: pagedObservations(45) });
    const result = await fetchFrom(server, { maxPages: 2 });
    assert.equal(result.status, 'answered');
    assert.equal(resourcesOf(result).filter((r) => r.resourceType === 'Observation').length, 20);
    assert.equal(typeRequests(server, 'Observation').length, 2);
    const cap = result.warnings.find((w) => w.code === 'page-cap');
    assert.equal(cap?.area, 'Observation');
    assert.match(cap.message, /first 2 pages/);
  });

  void test('a note from the source inside its results is a warning, not a record entry, and empty entries are counted', async () => {
    const condition: fhir4.Condition = {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'Patient/pat-1' },
      meta: {
        security: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
        ],
      },
    };
    const server = await fhirServer({
      Condition: (_req, res) => {
        sendJson(
          res,
          200,
          searchset([condition], undefined, [
            {
              search: { mode: 'outcome' },
              resource: {
                resourceType: 'OperationOutcome',
                issue: [
                  {
                    severity: 'warning',
                    code: 'incomplete',
                    details: { text: 'Some entries withheld' },
                  },
                ],
              },
            },
            { fullUrl: 'urn:uuid:no-resource', search: { mode: 'match' } },
          ]),
        );
      },
    });
    const result = await fetchFrom(server);
    assert.equal(result.status, 'answered');
    const resources = resourcesOf(result);
    assert.equal(resources.length, 2);
    assert.ok(!resources.some((r) => r.resourceType === 'OperationOutcome'));
    assert.deepEqual(resources[1], condition, 'security labels arrive untouched');
    const outcome = result.warnings.find((w) => w.code === 'search-outcome');
    assert.equal(outcome?.area, 'Condition');
    assert.match(outcome.message, /incomplete/);
    assert.doesNotMatch(outcome.message, /withheld/, 'free text from the source is not repeated');
    const dropped = result.warnings.find((w) => w.code === 'items-dropped');
    assert.match(dropped?.message ?? '', /^1 Condition entry/);
  });

  void test('a resource type the source does not offer is a warning, not a failure of the source', async () => {
    const server = await fhirServer({
      Condition: (_req, res) => {
        sendJson(res, 404, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'not-supported' }],
        });
      },
      Observation: pagedObservations(3),
    });
    const result = await fetchFrom(server);
    assert.equal(result.status, 'answered');
    assert.equal(result.message, undefined);
    assert.deepEqual(
      result.warnings.map((w) => [w.code, w.area]),
      [['unsupported-search', 'Condition']],
    );
    assert.equal(resourcesOf(result).length, 4);
  });

  void test('a source with no record for the NHS number says the patient was not found', async () => {
    const server = await fhirServer({}, []);
    const result = await fetchFrom(server);
    assert.equal(result.status, 'patient-not-found');
    assert.equal(result.payload, undefined);
    assert.equal(typeRequests(server, 'Condition').length, 0);
  });

  void test('two patient records for one NHS number are an error, and nothing is shown', async () => {
    const server = await fhirServer({}, [PATIENT, { ...PATIENT, id: 'pat-2' }]);
    const result = await fetchFrom(server);
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /2 patient records/);
    assert.equal(result.payload, undefined);
  });

  void test('when one area hangs, the others are shown within the deadline with a warning naming the missing area', async () => {
    const server = await fhirServer({
      Observation: () => {
        /* never answers */
      },
      Condition: (_req, res) => {
        sendJson(
          res,
          200,
          searchset([
            { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/pat-1' } },
          ]),
        );
      },
    });
    const started = performance.now();
    const result = await fetchFrom(server, { timeoutMs: 500 });
    const took = performance.now() - started;
    assert.ok(took < 500 + 250, `took ${took} ms`);
    assert.equal(result.status, 'answered');
    assert.deepEqual(
      resourcesOf(result).map((r) => r.resourceType),
      ['Patient', 'Condition'],
    );
    const warning = result.warnings.find((w) => w.area === 'Observation');
    assert.equal(warning?.code, 'timed-out');
    assert.match(warning.message, /did not answer within 0\.5 s/);
    assert.match(result.message ?? '', /1 of 2 searches did not complete \(Observation\)/);
  });

  void test('pages read before the deadline are kept, flagged as incomplete', async () => {
    const paged = pagedObservations(30);
    const server = await fhirServer({
      Observation: (req, res, url) => {
        if (url.searchParams.get('page') === '2') return; // the third page never comes
        paged(req, res, url);
      },
    });
    const result = await fetchFrom(server, { timeoutMs: 800 });
    assert.equal(result.status, 'answered');
    assert.equal(resourcesOf(result).filter((r) => r.resourceType === 'Observation').length, 20);
    assert.match(
      result.warnings.find((w) => w.area === 'Observation')?.message ?? '',
      /Only part of the Observation/,
    );
  });

  void test('a source whose patient search hangs is reported as timed out at the deadline', async () => {
    const server = await startLoopback(() => {
      /* never answers */
    });
    servers.push(server);
    const started = performance.now();
    const result = await fetchFrom(server, { timeoutMs: 300 });
    assert.ok(performance.now() - started < 300 + 250);
    assert.equal(result.status, 'timed-out');
    assert.equal(result.message, 'The source did not answer within 0.3 s.');
  });

  void test('a dropped connection is retried once, and only once', async () => {
    let conditionCalls = 0;
    const server = await fhirServer({
      Condition: (req) => {
        conditionCalls++;
        req.socket.destroy();
      },
      Observation: (req, res, url) => {
        if (typeRequests(server, 'Observation').length === 1) req.socket.destroy();
        else pagedObservations(2)(req, res, url);
      },
    });
    const result = await fetchFrom(server);
    assert.equal(conditionCalls, 2);
    assert.equal(typeRequests(server, 'Observation').length, 2);
    assert.equal(result.status, 'answered');
    assert.equal(resourcesOf(result).filter((r) => r.resourceType === 'Observation').length, 2);
    assert.equal(result.warnings.find((w) => w.area === 'Condition')?.code, 'unavailable');
    const [, retry] = typeRequests(server, 'Condition');
    const retryIndex = server.requests.indexOf(retry as IncomingMessage);
    const retryPort = server.clientPorts[retryIndex];
    assert.ok(retryPort !== undefined);
    assert.ok(
      !server.clientPorts.slice(0, retryIndex).includes(retryPort),
      'the retry used a new connection',
    );
  });

  void test('a bearer token configured for the source is sent on every call, with the request id', async () => {
    const server = await fhirServer({ Observation: pagedObservations(15) });
    await fetchFrom(server, { auth: { type: 'bearer', token: 'sekret-token' } });
    assert.equal(server.requests.length, 4);
    for (const req of server.requests) {
      assert.equal(req.headers['authorization'], 'Bearer sekret-token');
      assert.equal(req.headers['x-request-id'], 'req-123');
    }
  });

  void test('no authorization header is sent to a source configured without auth', async () => {
    const server = await fhirServer();
    await fetchFrom(server, { auth: { type: 'none' } });
    assert.ok(server.requests.every((req) => req.headers['authorization'] === undefined));
  });

  void test('the byte cap counts every page of every search together', async () => {
    const big = (n: number): fhir4.Observation => ({
      ...observation(n),
      code: { text: 'x'.repeat(20_000) },
    });
    const server = await fhirServer({
      Observation: (req, res, url) => {
        const page = Number(url.searchParams.get('page') ?? '0');
        const next = new URL(`http://${req.headers.host ?? ''}${req.url ?? ''}`);
        next.searchParams.set('page', String(page + 1));
        sendJson(res, 200, searchset([big(page)], page < 50 ? next.href : undefined));
      },
    });
    const result = await fetchFrom(server, {
      maxResponseBytes: 100 * 1024,
      resourceTypes: ['Observation'],
    });
    assert.equal(result.status, 'answered');
    const count = resourcesOf(result).length - 1;
    assert.ok(count >= 3 && count <= 5, `read ${count} pages`);
    assert.equal(result.warnings.find((w) => w.area === 'Observation')?.code, 'too-large');
  });

  void test('a next link pointing to another server is not followed', async () => {
    const server = await fhirServer({
      Observation: (_req, res) => {
        sendJson(
          res,
          200,
          searchset([observation(1)], 'http://elsewhere.example/fhir/Observation?page=2'),
        );
      },
    });
    const result = await fetchFrom(server);
    assert.equal(typeRequests(server, 'Observation').length, 1);
    assert.equal(result.warnings.find((w) => w.area === 'Observation')?.code, 'next-link-ignored');
  });

  void test('when every search fails the source is reported as unavailable, with no data', async () => {
    const server = await fhirServer({
      Condition: (_req, res) => {
        sendJson(res, 503, { resourceType: 'OperationOutcome', issue: [] });
      },
      Observation: (_req, res) => {
        sendJson(res, 503, { resourceType: 'OperationOutcome', issue: [] });
      },
    });
    const result = await fetchFrom(server);
    assert.equal(result.status, 'unavailable');
    assert.equal(result.payload, undefined);
    assert.match(result.message ?? '', /None of this source's searches succeeded/);
  });

  void test('a refused patient search is reported as access denied with the source error code', async () => {
    const server = await startLoopback((_req, res) => {
      sendJson(res, 403, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'forbidden',
            details: { coding: [{ code: 'ACCESS_DENIED' }] },
          },
        ],
      });
    });
    servers.push(server);
    const result = await fetchFrom(server);
    assert.equal(result.status, 'access-denied');
    assert.equal(result.httpStatus, 403);
    assert.equal(result.errorCode, 'ACCESS_DENIED');
  });

  void test('a social care source is searched for its own kinds of record by default', async () => {
    const server = await fhirServer();
    const result = await fetchFrom(server, { setting: 'social-care', resourceTypes: undefined });
    assert.equal(result.status, 'answered');
    const searched = server.requests
      .map((req) => (req.url ?? '').split('?')[0])
      .filter((p) => p !== '/fhir/Patient');
    assert.deepEqual(searched.sort(), [
      '/fhir/CarePlan',
      '/fhir/CareTeam',
      '/fhir/EpisodeOfCare',
      '/fhir/Flag',
    ]);
  });

  void test('a hospital source searches twelve kinds of record by default', async () => {
    const server = await fhirServer();
    await fetchFrom(server, { resourceTypes: undefined });
    assert.equal(server.requests.length, 13);
  });

  void test('an unreadable client certificate is reported when the connector is built, naming the file', async () => {
    const server = await fhirServer();
    assert.throws(
      () =>
        createFhirR4Connector({
          source: sourceFor(server, { tls: { certFile: '/nonexistent/client.pem' } }),
          fetchSource,
        }),
      /city-hospital: tls\.certFile: cannot read \/nonexistent\/client\.pem/,
    );
  });
});
