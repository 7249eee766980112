import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSims, type RunningSims } from '../../../sim/start-sims.ts';
import { createFhirR4Connector } from '../../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createDemographicsClient } from '../../../src/identity/demographics-client.ts';
import { fetchSource } from '../../../src/http/fetch-source.ts';
import type { SourceConfig } from '../../../src/config/config-schema.ts';
import type { SourceRequest, SourceResult } from '../../../src/sources/source-result.ts';

let sims: RunningSims;
let nhsNumber = '';
let hospital: SourceConfig;

before(async () => {
  sims = await startSims({ seed: 7, size: 40 });
  const found = sims.population.nhsNumberAt.bind(sims.population);
  for (let i = 0; i < sims.population.size; i++) {
    const candidate = found(i);
    if ((sims.population.r4Record('hospital', candidate)?.length ?? 0) > 8) {
      nhsNumber = candidate;
      break;
    }
  }
  const config = sims.sourcesConfig().find((s) => s.id === 'hospital');
  assert.ok(config);
  hospital = config;
});
after(() => sims.close());

function request(): SourceRequest {
  return {
    patient: { nhsNumber },
    user: {
      id: 'u1',
      username: 'nurse',
      displayName: 'Nurse',
      role: 'nurse',
      organisation: 'RXX01',
    },
    requestId: 'req-sim',
  };
}

async function fetchHospital(overrides: Partial<SourceConfig> = {}): Promise<SourceResult> {
  return createFhirR4Connector({ source: { ...hospital, ...overrides }, fetchSource }).fetchRecord(
    request(),
  );
}

void describe('FHIR R4 connector against the simulated hospital', () => {
  void test('the whole hospital record arrives, page by page, exactly once', async () => {
    assert.notEqual(nhsNumber, '', 'the population has a patient known to the hospital');
    sims.servers['hospital']?.faults.set({ kind: 'none' });
    const result = await fetchHospital({ pageSize: 2 });
    assert.equal(result.status, 'answered');
    assert.ok(result.payload?.format === 'fhir-r4');
    const expected = sims.population.r4Record('hospital', nhsNumber) ?? [];
    const key = (r: fhir4.FhirResource): string => `${r.resourceType}/${r.id ?? ''}`;
    assert.equal(result.payload.resources[0]?.resourceType, 'Patient');
    assert.deepEqual(result.payload.resources.map(key).sort(), expected.map(key).sort());
    assert.equal(new Set(result.payload.resources.map(key)).size, result.payload.resources.length);
  });

  const faults = [
    [{ kind: 'hang' }, 'timed-out'],
    [{ kind: 'oversized-body' }, 'too-large'],
    [{ kind: 'truncated-body' }, 'malformed'],
    [{ kind: 'malformed-json' }, 'malformed'],
    [{ kind: 'wrong-content-type' }, 'wrong-content-type'],
    [{ kind: 'connection-refused' }, 'refused'],
  ] as const;
  for (const [fault, status] of faults) {
    void test(`a hospital showing the "${fault.kind}" fault is reported as ${status}, within the deadline`, async () => {
      sims.servers['hospital']?.faults.set(fault);
      try {
        const started = performance.now();
        const result = await fetchHospital({ timeoutMs: 600, maxResponseBytes: 1024 * 1024 });
        assert.ok(performance.now() - started < 600 + 300);
        assert.equal(result.status, status);
        assert.equal(result.payload, undefined);
      } finally {
        sims.servers['hospital']?.faults.set({ kind: 'none' });
      }
    });
  }

  void test('the simulated demographics service traces the same patient', async () => {
    const client = createDemographicsClient({
      url: sims.demographicsUrl,
      timeoutMs: 2000,
      fetchSource,
    });
    const result = await client.getPatient(nhsNumber);
    assert.equal(result.kind, 'found');
    assert.equal(result.patient.nhsNumber, nhsNumber);
    const family = result.patient.name?.family;
    assert.ok(family !== undefined);
    const search = await client.search({ family, birthdate: result.patient.birthDate });
    assert.equal(search.kind, 'matches');
    assert.ok(search.patients.some((p) => p.nhsNumber === nhsNumber));
  });
});
