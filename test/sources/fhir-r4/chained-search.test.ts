/** @module A FHIR R4 source whose CapabilityStatement offers chained search is asked with no Patient lookup first, and its answers are checked as before. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceConfig } from '../../../src/config/config-schema.ts';
import { fetchSource } from '../../../src/http/fetch-source.ts';
import { createFhirR4Connector } from '../../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { offersChainedSearch } from '../../../src/sources/fhir-r4/chained-search.ts';
import type { Connector, SourceRequest, SourceResult } from '../../../src/sources/source-result.ts';
import { startR4Server } from '../../../sim/servers/r4-server.ts';
import type { RunningSimServer } from '../../../sim/servers/sim-server.ts';
import { resetRequestStats } from '../../../sim/servers/request-stats.ts';
import { BUILT_PATIENTS, buildSimPopulation } from '../../support/sim-population-builder.ts';
import { sendJson, startLoopback } from '../loopback.ts';

const TYPES = ['Condition', 'Observation', 'Encounter'];

function sourceAt(url: string): SourceConfig {
  return {
    id: 'city-hospital',
    name: 'City Hospital',
    organisation: 'RXX01',
    kind: 'fhir-r4',
    url,
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    resourceTypes: TYPES,
    pageSize: 3,
    maxPages: 20,
  };
}

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
    requestId: 'req-chained',
  };
}

/** Asks until the connector has read the source's CapabilityStatement (read in the background). */
async function afterCapabilityRead(server: RunningSimServer, ask: () => Promise<unknown>) {
  await ask();
  for (let i = 0; i < 100 && (server.stats.byPath['/metadata'] ?? 0) === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(server.stats.byPath['/metadata'], 1, 'the CapabilityStatement was read once');
  // Let its answer be taken in before the next view.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

function idsOf(result: SourceResult): string[] {
  assert.equal(result.payload?.format, 'fhir-r4');
  return [
    ...new Set(result.payload.resources.map((r) => `${r.resourceType}/${r.id ?? ''}`)),
  ].sort();
}

void describe('chained search by patient identifier', () => {
  let hospital: RunningSimServer;
  const population = buildSimPopulation();
  const alice = BUILT_PATIENTS.find((p) => p.hospitalConditions >= 5);
  before(async () => {
    // No batch offered: this suite is about the chained searches themselves (batch-search.test.ts has the batch).
    hospital = await startR4Server({ population, setting: 'hospital', batch: false });
  });
  after(() => hospital.close());

  void test('once the source says it offers chained search, each type is asked once by patient.identifier with no Patient lookup, and the answer is the same', async () => {
    assert.ok(alice !== undefined);
    const source = sourceAt(hospital.url);
    const classic = await createFhirR4Connector({ source, fetchSource }).fetchRecord(
      requestFor(alice.nhsNumber),
    );
    const chained: Connector = createFhirR4Connector({ source, fetchSource, chainedSearch: true });
    await afterCapabilityRead(hospital, () => chained.fetchRecord(requestFor(alice.nhsNumber)));

    resetRequestStats(hospital.stats);
    const result = await chained.fetchRecord(requestFor(alice.nhsNumber));
    assert.equal(result.status, 'answered');
    assert.equal(hospital.stats.byPath['/Patient'], undefined, 'no Patient lookup');
    assert.deepEqual(idsOf(result), idsOf(classic));
    // The matched Patient comes first, as the record's assembly expects.
    assert.equal(
      result.payload?.format === 'fhir-r4' && result.payload.resources[0]?.resourceType,
      'Patient',
    );
  });

  void test('a patient the source does not hold is still told apart from one with nothing held: the Patient is looked up', async () => {
    const source = sourceAt(hospital.url);
    const chained = createFhirR4Connector({ source, fetchSource, chainedSearch: true });
    await afterCapabilityRead(hospital, () => chained.fetchRecord(requestFor('9999999999')));
    resetRequestStats(hospital.stats);
    const unknown = await chained.fetchRecord(requestFor('9999999999'));
    assert.equal(unknown.status, 'patient-not-found');
    assert.equal(hospital.stats.byPath['/Patient'], 1);
  });

  void test('a chained answer that includes two different patients shows nothing', async () => {
    const patient = (id: string, nhsNumber: string): fhir4.Patient => ({
      resourceType: 'Patient',
      id,
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber }],
    });
    let metadataReads = 0;
    const server = await startLoopback((req, res) => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const type = url.pathname.replace(/^\//, '');
      if (type === 'metadata') {
        metadataReads += 1;
        sendJson(res, 200, {
          resourceType: 'CapabilityStatement',
          rest: [
            {
              mode: 'server',
              resource: TYPES.map((t) => ({
                type: t,
                searchParam: [{ name: 'patient.identifier', type: 'token' }],
                searchInclude: [`${t}:patient`],
              })),
            },
          ],
        });
        return;
      }
      if (type === 'Patient') {
        sendJson(res, 200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [{ resource: patient('a', '9990000018') }],
        });
        return;
      }
      sendJson(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          {
            resource: { resourceType: type, id: `${type}-1`, subject: { reference: 'Patient/a' } },
            search: { mode: 'match' },
          },
          {
            fullUrl: `http://x/Patient/${type === 'Condition' ? 'a' : 'b'}`,
            resource: patient(type === 'Condition' ? 'a' : 'b', '9990000018'),
            search: { mode: 'include' },
          },
        ],
      });
    });
    try {
      const chained = createFhirR4Connector({
        source: sourceAt(server.url),
        fetchSource,
        chainedSearch: true,
      });
      await chained.fetchRecord(requestFor('9990000018'));
      for (let i = 0; i < 100 && metadataReads === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const result = await chained.fetchRecord(requestFor('9990000018'));
      assert.equal(result.status, 'error');
      assert.match(result.message ?? '', /2 patient records/);
      assert.equal(result.payload, undefined);
    } finally {
      await server.close();
    }
  });

  void test('chained search is offered only where every searched type has the chain and the include', () => {
    const statement = (includes: boolean) => ({
      resourceType: 'CapabilityStatement',
      rest: [
        {
          mode: 'server',
          resource: TYPES.map((type, i) => ({
            type,
            searchParam: [{ name: 'patient', type: 'reference' }, { name: 'patient.identifier' }],
            ...(includes || i > 0 ? { searchInclude: [`${type}:patient`] } : {}),
          })),
        },
      ],
    });
    assert.equal(offersChainedSearch(statement(true), TYPES), true);
    assert.equal(offersChainedSearch(statement(false), TYPES), false);
    assert.equal(offersChainedSearch(statement(true), [...TYPES, 'Procedure']), false);
    assert.equal(offersChainedSearch({ resourceType: 'Bundle' }, TYPES), false);
  });
});
