/** @module The simulated PDS demographics service answers reads and searches as PDS does. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPdsServer } from '../../sim/servers/pds-server.ts';
import type { RunningSimServer } from '../../sim/servers/sim-server.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { BUILT_PATIENTS, buildSimPopulation } from '../support/sim-population-builder.ts';

interface Outcome {
  resourceType: string;
  issue: {
    severity: string;
    code: string;
    details: { coding: { system: string; code: string; display: string }[] };
  }[];
}

void describe('simulated PDS', () => {
  let pds: RunningSimServer;
  const alice = BUILT_PATIENTS[0];
  before(async () => {
    pds = await startPdsServer({ population: buildSimPopulation() });
  });
  after(() => pds.close());

  void test('reading a patient by NHS number returns the population’s Patient', async () => {
    assert.ok(alice);
    const response = await fetch(`${pds.url}/Patient/${alice.nhsNumber}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    const patient = (await response.json()) as fhir4.Patient;
    assert.deepEqual(patient, buildSimPopulation().pdsPatient(alice.nhsNumber));
  });

  void test('an NHS number failing Modulus 11 gets 400 INVALID_RESOURCE_ID shaped like real PDS', async () => {
    const response = await fetch(`${pds.url}/Patient/9990000019`);
    assert.equal(response.status, 400);
    const outcome = (await response.json()) as Outcome;
    const fixture = readFixtureJson(
      'pds/pds-r4-operationoutcome-INVALID_RESOURCE_ID.json',
    ) as Outcome;
    assert.deepEqual(outcome, fixture);
  });

  void test('a valid NHS number nobody holds gets 404 RESOURCE_NOT_FOUND', async () => {
    const response = await fetch(`${pds.url}/Patient/9999999999`);
    assert.equal(response.status, 404);
    const outcome = (await response.json()) as Outcome;
    assert.equal(outcome.issue[0]?.code, 'not-found');
    assert.equal(outcome.issue[0].details.coding[0]?.code, 'RESOURCE_NOT_FOUND');
  });

  void test('a demographic search returns a scored searchset of the matching patients', async () => {
    const response = await fetch(
      `${pds.url}/Patient?family=smith&given=alice&birthdate=eq1950-03-01&gender=female`,
    );
    assert.equal(response.status, 200);
    const bundle = (await response.json()) as fhir4.Bundle;
    assert.equal(bundle.type, 'searchset');
    assert.equal(bundle.total, 1);
    const entry = bundle.entry?.[0];
    assert.ok(entry && alice);
    assert.equal(entry.resource?.id, alice.nhsNumber);
    assert.equal(entry.search?.score, 1);
    assert.equal(entry.fullUrl, `${pds.url}/Patient/${alice.nhsNumber}`);
  });

  void test('a search matching more patients than allowed gets TOO_MANY_MATCHES', async () => {
    const response = await fetch(`${pds.url}/Patient?family=smith&_max-results=1`);
    const outcome = (await response.json()) as Outcome;
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0]?.details.coding[0]?.code, 'TOO_MANY_MATCHES');
    const both = (await (
      await fetch(`${pds.url}/Patient?family=smith&_max-results=2`)
    ).json()) as fhir4.Bundle;
    assert.equal(both.total, 2);
  });

  void test('a search with no family name and no birth date is refused', async () => {
    const response = await fetch(`${pds.url}/Patient?gender=female`);
    assert.equal(response.status, 400);
    assert.equal(
      ((await response.json()) as Outcome).issue[0]?.details.coding[0]?.code,
      'INVALID_SEARCH_DATA',
    );
  });

  void test('the capability statement names Patient read and search', async () => {
    const statement = (await (
      await fetch(`${pds.url}/metadata`)
    ).json()) as fhir4.CapabilityStatement;
    assert.equal(statement.fhirVersion, '4.0.1');
    assert.deepEqual(
      statement.rest?.[0]?.resource?.[0]?.interaction?.map((i) => i.code),
      ['read', 'search-type'],
    );
  });

  void test('the demographics service refuses every write with 405', async () => {
    for (const method of ['PUT', 'POST', 'PATCH', 'DELETE']) {
      const response = await fetch(`${pds.url}/Patient/${alice?.nhsNumber ?? ''}`, {
        method,
        body: '{}',
      });
      assert.equal(response.status, 405, method);
      assert.equal(((await response.json()) as Outcome).resourceType, 'OperationOutcome');
    }
  });
});
