/** @module A FHIR R4 source whose CapabilityStatement offers a batch is asked the whole view in one request, of reads only, and its answer is checked as every other is. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SourceConfig } from '../../../src/config/config-schema.ts';
import { fetchSource } from '../../../src/http/fetch-source.ts';
import { createFhirR4Connector } from '../../../src/sources/fhir-r4/fhir-r4-connector.ts';
import {
  createChainedSearchCapability,
  offersBatchSearch,
} from '../../../src/sources/fhir-r4/chained-search.ts';
import { readBatchResponse } from '../../../src/sources/fhir-r4/batch-search.ts';
import { assembleRecord } from '../../../src/record/assemble-record.ts';
import { SECTION_NAMES } from '../../../src/shared/sections.ts';
import type { Connector, SourceRequest, SourceResult } from '../../../src/sources/source-result.ts';
import type { RequestStats } from '../../../sim/servers/request-stats.ts';
import { resetRequestStats } from '../../../sim/servers/request-stats.ts';
import { startSims, type RunningSims } from '../../../sim/start-sims.ts';
import { PERSONAS } from '../../../sim/population/personas.ts';
import { sendJson, startLoopback, type Loopback } from '../loopback.ts';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const R4_SOURCE_IDS = ['hospital', 'community', 'social-care'] as const;

function requestFor(nhsNumber: string): SourceRequest {
  return {
    patient: { nhsNumber },
    user: {
      id: 'u1',
      username: 'dr.who',
      displayName: 'Dr Who',
      role: 'clinician',
      organisation: 'RXX01',
    },
    requestId: 'req-batch',
  };
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A connector that reads capabilities, once it has read the source's CapabilityStatement (in the background, at its first view). */
async function learnt(source: SourceConfig, metadataReads: () => number): Promise<Connector> {
  const connector = createFhirR4Connector({ source, fetchSource, chainedSearch: true });
  const before = metadataReads();
  await connector.fetchRecord(requestFor('9990000018'));
  for (let i = 0; i < 200 && metadataReads() === before; i++) await tick(10);
  assert.equal(metadataReads(), before + 1, 'the CapabilityStatement was read once');
  await tick(50);
  return connector;
}

const metadataOf = (stats: RequestStats) => () => stats.byPath['/metadata'] ?? 0;

function keysOf(result: SourceResult): string[] {
  if (result.payload?.format !== 'fhir-r4') return [];
  return result.payload.resources.map((r) => `${r.resourceType}/${r.id ?? ''}`).sort();
}

/** What a clinician would see from this one source: status, warnings, items per section. */
function seen(result: SourceResult, source: SourceConfig, nhsNumber: string): unknown {
  const record = assembleRecord({
    traced: { nhsNumber },
    results: [{ ...result, elapsedMs: 0 }],
    sources: [source],
    retrievedAt: new Date(0),
  });
  return {
    sources: record.sources.map((summary) => ({ ...summary, elapsedMs: 0 })),
    sections: SECTION_NAMES.map((name) =>
      record.sections[name].map(
        (item) => `${item.resource.resourceType}/${item.resource.id ?? ''}`,
      ),
    ),
  };
}

void describe('a batch of searches against the simulated sources', () => {
  let sims: RunningSims;
  before(async () => {
    sims = await startSims({ size: 40 });
  });
  after(() => sims.close());

  const sourceOf = (id: string, overrides: Partial<SourceConfig> = {}): SourceConfig => {
    const found = sims.sourcesConfig().find((source) => source.id === id);
    assert.ok(found);
    return { ...found, ...overrides };
  };
  const statsOf = (id: string): RequestStats => {
    const stats = sims.stats[id];
    assert.ok(stats);
    return stats;
  };

  void test('for every persona, each R4 source asked in one batch gives the same record as the classic and chained ways, in one request of reads', async () => {
    for (const id of R4_SOURCE_IDS) {
      const source = sourceOf(id);
      const stats = statsOf(id);
      const classic = createFhirR4Connector({ source, fetchSource });
      const chained = await learnt({ ...source, batch: false }, metadataOf(stats));
      const batched = await learnt(source, metadataOf(stats));
      for (const persona of PERSONAS) {
        const request = requestFor(persona.nhsNumber);
        const viaClassic = await classic.fetchRecord(request);
        const viaChained = await chained.fetchRecord(request);
        resetRequestStats(stats);
        const viaBatch = await batched.fetchRecord(request);
        const label = `${id}, ${persona.key}`;
        assert.equal(stats.total, 1, `${label}: one request`);
        assert.equal(stats.byMethod['POST'], 1, label);
        assert.deepEqual(
          { ...stats.bundleEntriesByMethod },
          { GET: (source.resourceTypes?.length ?? 0) + 1 },
          `${label}: the Patient and every type, each a GET`,
        );
        assert.equal(viaBatch.status, viaClassic.status, label);
        assert.deepEqual(keysOf(viaBatch), keysOf(viaClassic), label);
        assert.deepEqual(
          seen(viaBatch, source, persona.nhsNumber),
          seen(viaClassic, source, persona.nhsNumber),
          label,
        );
        assert.deepEqual(
          seen(viaBatch, source, persona.nhsNumber),
          seen(viaChained, source, persona.nhsNumber),
          label,
        );
      }
    }
  });

  void test('a patient the source does not hold reads patient-not-found after one request', async () => {
    const stats = statsOf('hospital');
    const batched = await learnt(sourceOf('hospital'), metadataOf(stats));
    const stranger = Array.from({ length: sims.population.size }, (_, i) =>
      sims.population.nhsNumberAt(i),
    ).find((nhsNumber) => sims.population.r4Record('hospital', nhsNumber) === undefined);
    assert.ok(stranger !== undefined, 'the population has a patient the hospital does not hold');
    resetRequestStats(stats);
    const result = await batched.fetchRecord(requestFor(stranger));
    assert.equal(result.status, 'patient-not-found');
    assert.equal(stats.total, 1);
  });

  void test('an entry with more than a page of results is paged by GET from its next link, and nothing is lost or doubled', async () => {
    const stats = statsOf('hospital');
    const typical = PERSONAS.find((persona) => persona.key === 'typical')?.nhsNumber ?? '';
    const held = sims.population.r4Record('hospital', typical) ?? [];
    const source = sourceOf('hospital', { pageSize: 2 });
    const batched = await learnt(source, metadataOf(stats));
    resetRequestStats(stats);
    const result = await batched.fetchRecord(requestFor(typical));
    assert.equal(result.status, 'answered');
    assert.deepEqual(
      keysOf(result),
      held.map((r) => `${r.resourceType}/${r.id ?? ''}`).sort(),
      'every resource the hospital holds, once',
    );
    const types = source.resourceTypes ?? [];
    const pages = types.reduce((sum, type) => {
      const count = held.filter((r) => r.resourceType === type).length;
      return sum + Math.max(0, Math.ceil(count / 2) - 1);
    }, 0);
    assert.ok(pages > 0, 'some type has more than one page');
    assert.equal(stats.byMethod['POST'], 1);
    assert.equal(stats.byMethod['GET'], pages, 'one GET per further page');
  });

  void test('a source whose batch is switched off in its configuration is never sent one', async () => {
    const stats = statsOf('hospital');
    const chained = await learnt(sourceOf('hospital', { batch: false }), metadataOf(stats));
    resetRequestStats(stats);
    const result = await chained.fetchRecord(requestFor('9990000107'));
    assert.equal(result.status, 'answered');
    assert.equal(stats.byMethod['POST'], undefined);
  });

  const faults = [
    [{ kind: 'hang' }, 'timed-out'],
    [{ kind: 'oversized-body' }, 'too-large'],
    [{ kind: 'truncated-body' }, 'malformed'],
    [{ kind: 'malformed-json' }, 'malformed'],
    [{ kind: 'wrong-content-type' }, 'wrong-content-type'],
    [{ kind: 'connection-refused' }, 'refused'],
    [{ kind: 'error-rate', rate: 1, status: 503 }, 'unavailable'],
  ] as const;
  for (const [fault, status] of faults) {
    void test(`a batch to a hospital showing the "${fault.kind}" fault is reported as ${status}, within the deadline`, async () => {
      const hospital = sims.servers['hospital'];
      assert.ok(hospital);
      const batched = await learnt(
        sourceOf('hospital', { timeoutMs: 600, maxResponseBytes: 1024 * 1024 }),
        metadataOf(hospital.stats),
      );
      hospital.faults.set(fault);
      try {
        resetRequestStats(hospital.stats);
        const started = performance.now();
        const result = await batched.fetchRecord(requestFor('9990000107'));
        assert.ok(performance.now() - started < 600 + 300);
        assert.equal(result.status, status);
        assert.equal(result.payload, undefined);
        if (fault.kind !== 'connection-refused') assert.equal(hospital.stats.byMethod['POST'], 1);
      } finally {
        hospital.faults.set({ kind: 'none' });
      }
    });
  }
});

/** A statement offering a batch of searches for `types`. */
function batchStatement(types: readonly string[]): unknown {
  return {
    resourceType: 'CapabilityStatement',
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'batch' }],
        resource: [
          { type: 'Patient', searchParam: [{ name: 'identifier', type: 'token' }] },
          ...types.map((type) => ({
            type,
            searchParam: [{ name: 'patient.identifier', type: 'token' }],
          })),
        ],
      },
    ],
  };
}

const PATIENT: fhir4.Patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [{ system: NHS_SYSTEM, value: '9990000018' }],
};
const TYPES = ['Condition', 'Observation'];

function searchset(resources: unknown[]): unknown {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

/**
 * A loopback FHIR server offering a batch: GET searches answered classically, the POST by `batch`
 * (default: a well-formed batch-response of the same answers). Records every batch body it gets.
 */
async function loopbackSource(
  batch?: (req: IncomingMessage, res: ServerResponse, body: unknown) => void,
): Promise<{ server: Loopback; source: SourceConfig; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const answerFor = (type: string): unknown =>
    type === 'Patient'
      ? searchset([PATIENT])
      : searchset([
          { resourceType: type, id: `${type}-1`, subject: { reference: 'Patient/pat-1' } },
        ]);
  const server = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          entry: { request: { url: string } }[];
        };
        bodies.push(body);
        if (batch !== undefined) {
          batch(req, res, body);
          return;
        }
        sendJson(res, 200, {
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: body.entry.map((entry) => ({
            resource: answerFor(entry.request.url.split('?')[0] ?? ''),
            response: { status: '200 OK' },
          })),
        });
      });
      return;
    }
    const path = url.pathname.replace(/^\/fhir\/?/, '');
    if (path === 'metadata') {
      sendJson(res, 200, batchStatement(TYPES));
      return;
    }
    sendJson(res, 200, answerFor(path));
  });
  servers.push(server);
  const source: SourceConfig = {
    id: 'city-hospital',
    name: 'City Hospital',
    organisation: 'RXX01',
    kind: 'fhir-r4',
    url: `${server.url}/fhir`,
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    resourceTypes: TYPES,
    pageSize: 50,
    maxPages: 5,
  };
  return { server, source, bodies };
}

const metadataReadsOf = (server: Loopback) => () =>
  server.requests.filter((req) => (req.url ?? '').endsWith('/metadata')).length;
const postsTo = (server: Loopback): number =>
  server.requests.filter((req) => req.method === 'POST').length;

const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

void describe('a batch of searches, strictly read', () => {
  void test('the batch is a POST to the base of GET searches only, never a transaction, with no include', async () => {
    const { server, source, bodies } = await loopbackSource();
    const connector = await learnt(source, metadataReadsOf(server));
    const result = await connector.fetchRecord(requestFor('9990000018'));
    assert.equal(result.status, 'answered');
    assert.deepEqual(keysOf(result), [
      'Condition/Condition-1',
      'Observation/Observation-1',
      'Patient/pat-1',
    ]);
    const post = server.requests.find((req) => req.method === 'POST');
    assert.equal(post?.url, '/fhir');
    assert.match(post?.headers['content-type'] ?? '', /^application\/fhir\+json/);
    const token = encodeURIComponent(`${NHS_SYSTEM}|9990000018`);
    assert.deepEqual(bodies.at(-1), {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `Patient?identifier=${token}` } },
        { request: { method: 'GET', url: `Condition?patient.identifier=${token}&_count=50` } },
        { request: { method: 'GET', url: `Observation?patient.identifier=${token}&_count=50` } },
      ],
    });
  });

  const malformed: [string, (body: { entry: unknown[] }) => unknown][] = [
    [
      'one entry missing',
      (body) => ({
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: body.entry
          .slice(1)
          .map(() => ({ resource: searchset([]), response: { status: '200 OK' } })),
      }),
    ],
    ['not a batch-response', () => searchset([PATIENT])],
    [
      'an entry without a status',
      (body) => ({
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: body.entry.map(() => ({ resource: searchset([]) })),
      }),
    ],
    [
      'a 200 entry that is not a searchset',
      (body) => ({
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: body.entry.map(() => ({ resource: PATIENT, response: { status: '200 OK' } })),
      }),
    ],
  ];
  for (const [what, answer] of malformed) {
    void test(`a batch-response with ${what} is not used: the source is asked one search at a time, says so, and gets no batch for the next hour`, async () => {
      const { server, source } = await loopbackSource((_req, res, body) => {
        sendJson(res, 200, answer(body as { entry: unknown[] }));
      });
      const connector = await learnt(source, metadataReadsOf(server));
      const postsBefore = postsTo(server);
      const result = await connector.fetchRecord(requestFor('9990000018'));
      assert.equal(postsTo(server), postsBefore + 1);
      assert.equal(result.status, 'answered');
      assert.deepEqual(keysOf(result), [
        'Condition/Condition-1',
        'Observation/Observation-1',
        'Patient/pat-1',
      ]);
      assert.ok(result.warnings.some((warning) => warning.code === 'batch-refused'));
      const next = await connector.fetchRecord(requestFor('9990000018'));
      assert.equal(postsTo(server), postsBefore + 1, 'no batch on the next view');
      assert.equal(next.status, 'answered');
      assert.ok(!next.warnings.some((warning) => warning.code === 'batch-refused'));
    });
  }

  for (const status of [400, 403, 405, 500]) {
    void test(`a batch refused with ${status} and an OperationOutcome falls back to the searches one by one`, async () => {
      const { server, source } = await loopbackSource((_req, res) => {
        sendJson(res, status, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'not-supported' }],
        });
      });
      const connector = await learnt(source, metadataReadsOf(server));
      const result = await connector.fetchRecord(requestFor('9990000018'));
      assert.equal(result.status, 'answered');
      assert.equal(keysOf(result).length, 3);
      assert.ok(result.warnings.some((warning) => warning.code === 'batch-refused'));
    });
  }

  void test('a 401 to the batch is access denied, as to a lookup, and the token is not blamed on the batch', async () => {
    let refuse = true;
    const { server, source } = await loopbackSource((_req, res, body) => {
      if (refuse) {
        sendJson(res, 401, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'login' }],
        });
        return;
      }
      sendJson(res, 200, {
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: (body as { entry: unknown[] }).entry.map(() => ({
          resource: searchset([PATIENT]),
          response: { status: '200' },
        })),
      });
    });
    const connector = await learnt(source, metadataReadsOf(server));
    const denied = await connector.fetchRecord(requestFor('9990000018'));
    assert.equal(denied.status, 'access-denied');
    assert.equal(denied.httpStatus, 401);
    refuse = false;
    const postsBefore = postsTo(server);
    const next = await connector.fetchRecord(requestFor('9990000018'));
    assert.equal(postsTo(server), postsBefore + 1, 'the next view is a batch again');
    assert.equal(next.status, 'answered');
  });

  void test("a failed entry is that type's warning; the other types are shown", async () => {
    const { server, source } = await loopbackSource((_req, res, body) => {
      const entries = (body as { entry: { request: { url: string } }[] }).entry;
      sendJson(res, 200, {
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: entries.map((entry) => {
          const type = entry.request.url.split('?')[0] ?? '';
          if (type === 'Observation')
            return {
              response: {
                status: '500 Internal Server Error',
                outcome: {
                  resourceType: 'OperationOutcome',
                  issue: [{ severity: 'error', code: 'exception' }],
                },
              },
            };
          return {
            resource:
              type === 'Patient'
                ? searchset([PATIENT])
                : searchset([
                    {
                      resourceType: type,
                      id: `${type}-1`,
                      subject: { reference: 'Patient/pat-1' },
                    },
                  ]),
            response: { status: '200 OK' },
          };
        }),
      });
    });
    const connector = await learnt(source, metadataReadsOf(server));
    const result = await connector.fetchRecord(requestFor('9990000018'));
    assert.equal(result.status, 'answered');
    assert.deepEqual(keysOf(result), ['Condition/Condition-1', 'Patient/pat-1']);
    assert.deepEqual(
      result.warnings.map((warning) => [warning.code, warning.area]),
      [['unavailable', 'Observation']],
    );
    assert.match(result.message ?? '', /1 of 2 searches did not complete \(Observation\)/);
  });

  void test('two patients found by the batch show nothing', async () => {
    const { server, source } = await loopbackSource((_req, res, body) => {
      sendJson(res, 200, {
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: (body as { entry: unknown[] }).entry.map((_, i) => ({
          resource: i === 0 ? searchset([PATIENT, { ...PATIENT, id: 'pat-2' }]) : searchset([]),
          response: { status: '200 OK' },
        })),
      });
    });
    const connector = await learnt(source, metadataReadsOf(server));
    const result = await connector.fetchRecord(requestFor('9990000018'));
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /2 patient records/);
    assert.equal(result.payload, undefined);
  });

  void test('a batch is offered only with the batch interaction, the Patient by identifier, and every type by patient.identifier', () => {
    assert.equal(offersBatchSearch(batchStatement(TYPES), TYPES), true);
    assert.equal(offersBatchSearch(batchStatement(TYPES), [...TYPES, 'Procedure']), false);
    const statement = batchStatement(TYPES) as {
      rest: { interaction?: unknown; resource: { type: string; searchParam: unknown[] }[] }[];
    };
    const [rest] = statement.rest;
    assert.ok(rest);
    assert.equal(
      offersBatchSearch(
        { ...statement, rest: [{ ...rest, interaction: [{ code: 'transaction' }] }] },
        TYPES,
      ),
      false,
    );
    assert.equal(
      offersBatchSearch(
        {
          ...statement,
          rest: [{ ...rest, resource: rest.resource.filter((r) => r.type !== 'Patient') }],
        },
        TYPES,
      ),
      false,
    );
    assert.equal(offersBatchSearch({ resourceType: 'Bundle' }, TYPES), false);
  });

  void test('a refused batch is not tried again for an hour, then is, once the statement is read again', async () => {
    const { server, source } = await loopbackSource();
    let clock = 0;
    const capability = createChainedSearchCapability({
      enabled: true,
      batchEnabled: true,
      base: source.url,
      resourceTypes: TYPES,
      fetchSource,
      timeoutMs: 2000,
      maxResponseBytes: 1024 * 1024,
      tls: undefined,
      headers: {},
      now: () => clock,
    });
    const read = async (): Promise<void> => {
      const before = metadataReadsOf(server)();
      capability.learn(undefined);
      for (let i = 0; i < 200 && metadataReadsOf(server)() === before; i++) await tick(10);
      await tick(50);
    };
    await read();
    assert.equal(capability.batch(), true);
    clock = 1000;
    capability.forgetBatch();
    assert.equal(capability.batch(), false);
    clock = 1000 + 59 * 60 * 1000;
    assert.equal(capability.batch(), false, 'still refused within the hour');
    clock = 1000 + 61 * 60 * 1000;
    await read();
    assert.equal(capability.batch(), true, 'offered again after the hour');
  });

  void test('a batch-response is read only when every entry is in place, with a status, and the right kind of resource', () => {
    const ok = { resource: searchset([]), response: { status: '200 OK' } };
    const gone = {
      response: { status: '404', outcome: { resourceType: 'OperationOutcome', issue: [] } },
    };
    const response = (entry: unknown[]) => ({
      resourceType: 'Bundle',
      type: 'batch-response',
      entry,
    });
    assert.deepEqual(
      readBatchResponse(response([ok, gone]), 2)?.map((answer) => answer.status),
      [200, 404],
    );
    assert.equal(readBatchResponse(response([ok]), 2), undefined);
    assert.equal(
      readBatchResponse({ ...response([ok, ok]), type: 'transaction-response' }, 2),
      undefined,
    );
    assert.equal(readBatchResponse(response([ok, { response: { status: 'OK' } }]), 2), undefined);
    assert.equal(
      readBatchResponse(response([ok, { response: { status: '404' }, resource: PATIENT }]), 2),
      undefined,
    );
    assert.equal(readBatchResponse(response([ok, { response: { status: '200' } }]), 2), undefined);
  });
});
