/** @module The simulated hospital, community and social care FHIR R4 sources answer searches, pages and reads. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startR4Server } from '../../sim/servers/r4-server.ts';
import type { RunningSimServer } from '../../sim/servers/sim-server.ts';
import { BUILT_PATIENTS, buildSimPopulation } from '../support/sim-population-builder.ts';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the FHIR type it expects
async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  const body = (await response.json()) as T;
  return { status: response.status, body };
}

void describe('simulated hospital FHIR R4 source', () => {
  let hospital: RunningSimServer;
  const population = buildSimPopulation();
  const alice = BUILT_PATIENTS.find((p) => p.hospitalConditions >= 5);
  before(async () => {
    hospital = await startR4Server({ population, setting: 'hospital' });
  });
  after(() => hospital.close());

  async function findPatientId(nhsNumber: string): Promise<string> {
    const { body } = await getJson<fhir4.Bundle>(
      `${hospital.url}/Patient?identifier=${encodeURIComponent(`${NHS_SYSTEM}|${nhsNumber}`)}`,
    );
    const id = body.entry?.[0]?.resource?.id;
    assert.ok(id);
    return id;
  }

  void test('a patient is found by NHS number and returned as a searchset', async () => {
    assert.ok(alice);
    const { status, body } = await getJson<fhir4.Bundle>(
      `${hospital.url}/Patient?identifier=${encodeURIComponent(`${NHS_SYSTEM}|${alice.nhsNumber}`)}`,
    );
    assert.equal(status, 200);
    assert.equal(body.type, 'searchset');
    assert.equal(body.total, 1);
    assert.deepEqual(
      body.entry?.[0]?.resource,
      population.r4Record('hospital', alice.nhsNumber)?.[0],
    );
  });

  void test('an NHS number the hospital does not hold gives an empty searchset', async () => {
    const { body } = await getJson<fhir4.Bundle>(
      `${hospital.url}/Patient?identifier=${encodeURIComponent(`${NHS_SYSTEM}|9999999999`)}`,
    );
    assert.equal(body.total, 0);
    assert.deepEqual(body.entry, []);
  });

  void test('paging through Bundle.link next returns every condition exactly once', async () => {
    assert.ok(alice);
    const patientId = await findPatientId(alice.nhsNumber);
    const expected = population
      .r4Record('hospital', alice.nhsNumber)
      ?.filter((r) => r.resourceType === 'Condition')
      .map((r) => r.id);
    const seen: (string | undefined)[] = [];
    let url: string | undefined = `${hospital.url}/Condition?patient=${patientId}&_count=3`;
    let pages = 0;
    while (url !== undefined) {
      const { body }: { body: fhir4.Bundle } = await getJson<fhir4.Bundle>(url);
      assert.equal(body.total, expected?.length);
      assert.ok((body.entry?.length ?? 0) <= 3);
      seen.push(...(body.entry ?? []).map((e) => e.resource?.id));
      url = body.link?.find((l) => l.relation === 'next')?.url;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected);
  });

  void test('a patient may be given as Patient/{id} or as subject', async () => {
    assert.ok(alice);
    const patientId = await findPatientId(alice.nhsNumber);
    const plain = await getJson<fhir4.Bundle>(`${hospital.url}/Encounter?patient=${patientId}`);
    const asReference = await getJson<fhir4.Bundle>(
      `${hospital.url}/Encounter?patient=Patient/${patientId}`,
    );
    const asSubject = await getJson<fhir4.Bundle>(
      `${hospital.url}/Encounter?subject=Patient/${patientId}`,
    );
    assert.equal(plain.body.total, 1);
    assert.deepEqual(asReference.body.entry, plain.body.entry);
    assert.deepEqual(asSubject.body.entry, plain.body.entry);
  });

  void test('a resource is read by its id', async () => {
    assert.ok(alice);
    await findPatientId(alice.nhsNumber);
    const condition = population
      .r4Record('hospital', alice.nhsNumber)
      ?.find((r) => r.resourceType === 'Condition');
    const { status, body } = await getJson<fhir4.Condition>(
      `${hospital.url}/Condition/${condition?.id ?? ''}`,
    );
    assert.equal(status, 200);
    assert.deepEqual(body, condition);
    assert.equal((await getJson(`${hospital.url}/Condition/nope`)).status, 404);
  });

  void test('an unsupported resource type gets 404 with an OperationOutcome', async () => {
    const { status, body } = await getJson<fhir4.OperationOutcome>(
      `${hospital.url}/EpisodeOfCare?patient=x`,
    );
    assert.equal(status, 404);
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.issue[0]?.code, 'not-found');
  });

  void test('the capability statement lists every searchable type', async () => {
    const { body } = await getJson<fhir4.CapabilityStatement>(`${hospital.url}/metadata`);
    const types = body.rest?.[0]?.resource?.map((r) => r.type);
    assert.ok(types);
    assert.ok(types.includes('Patient'));
    assert.ok(types.includes('DiagnosticReport'));
    assert.ok(types.includes('ServiceRequest'));
  });

  /** POSTs `bundle` to the hospital's base. */
  async function postBatch(bundle: unknown): Promise<{ status: number; body: fhir4.Bundle }> {
    const response = await fetch(`${hospital.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(bundle),
    });
    return { status: response.status, body: (await response.json()) as fhir4.Bundle };
  }

  void test('the capability statement offers a batch, and a batch of reads is answered entry by entry, in order, as each GET alone would be', async () => {
    assert.ok(alice);
    const { body: statement } = await getJson<fhir4.CapabilityStatement>(
      `${hospital.url}/metadata`,
    );
    assert.deepEqual(statement.rest?.[0]?.interaction, [{ code: 'batch' }]);
    const token = encodeURIComponent(`${NHS_SYSTEM}|${alice.nhsNumber}`);
    const urls = [
      `Patient?identifier=${token}`,
      `Condition?patient.identifier=${token}&_count=2`,
      'EpisodeOfCare?patient=x',
    ];
    const { status, body } = await postBatch({
      resourceType: 'Bundle',
      type: 'batch',
      entry: urls.map((url) => ({ request: { method: 'GET', url } })),
    });
    assert.equal(status, 200);
    assert.equal(body.type, 'batch-response');
    assert.deepEqual(
      body.entry?.map((entry) => entry.response?.status),
      ['200 OK', '200 OK', '404 Not Found'],
    );
    for (const [i, url] of urls.slice(0, 2).entries()) {
      const alone = await getJson<fhir4.Bundle>(`${hospital.url}/${url}`);
      assert.deepEqual(body.entry?.[i]?.resource, alone.body, url);
    }
    assert.equal(body.entry?.[2]?.response?.outcome?.resourceType, 'OperationOutcome');
  });

  void test('a transaction, or a batch entry that is not a GET, is refused and never carried out', async () => {
    const { status } = await postBatch({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'GET', url: 'metadata' } }],
    });
    assert.equal(status, 400);
    const before = { ...hospital.stats.bundleEntriesByMethod };
    const { body } = await postBatch({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'DELETE', url: 'Condition/x' } },
        { request: { method: 'POST', url: 'Condition' }, resource: { resourceType: 'Condition' } },
      ],
    });
    assert.deepEqual(
      body.entry?.map((entry) => entry.response?.status),
      ['405 Method Not Allowed', '405 Method Not Allowed'],
    );
    assert.equal(
      hospital.stats.bundleEntriesByMethod['DELETE'],
      (before['DELETE'] ?? 0) + 1,
      'entries are counted by method',
    );
  });

  void test('a source started without batch does not offer it and refuses the POST as a write', async () => {
    const plain = await startR4Server({ population, setting: 'hospital', batch: false });
    try {
      const { body } = await getJson<fhir4.CapabilityStatement>(`${plain.url}/metadata`);
      assert.equal(body.rest?.[0]?.interaction, undefined);
      const response = await fetch(`${plain.url}/`, {
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [] }),
      });
      assert.equal(response.status, 405);
    } finally {
      await plain.close();
    }
  });

  void test('the hospital refuses every write with 405 and an OperationOutcome', async () => {
    for (const method of ['PUT', 'POST', 'PATCH', 'DELETE']) {
      const response = await fetch(`${hospital.url}/Condition`, { method, body: '{}' });
      assert.equal(response.status, 405, method);
      const outcome = (await response.json()) as fhir4.OperationOutcome;
      assert.equal(outcome.issue[0]?.code, 'not-supported');
    }
  });
});

void describe('simulated social care source', () => {
  void test('social care holds episodes of care and flags, not clinical resources', async () => {
    const population = buildSimPopulation();
    const social = await startR4Server({ population, setting: 'social-care' });
    try {
      const held = BUILT_PATIENTS.find((p) => p.inSocialCare);
      assert.ok(held);
      const search = await getJson<fhir4.Bundle>(
        `${social.url}/Patient?identifier=${NHS_SYSTEM}|${held.nhsNumber}`,
      );
      const patientId = search.body.entry?.[0]?.resource?.id ?? '';
      const flags = await getJson<fhir4.Bundle>(`${social.url}/Flag?patient=${patientId}`);
      assert.equal(flags.body.total, 1);
      assert.equal((await getJson(`${social.url}/Condition?patient=${patientId}`)).status, 404);
    } finally {
      await social.close();
    }
  });
});
