/**
 * The registered practice as PDS gives it, read from the real PDS examples (`pds/`, `pds-gp/`):
 * only a current registration is a GP to ask; a restricted patient's practice is never revealed.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDemographicsClient,
  summarisePatient,
} from '../../src/identity/demographics-client.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from '../sources/loopback.ts';

const gpSearch = readFixtureJson('pds-gp/pds-r4-searchset-gp-A20047.json') as fhir4.Bundle;
const registered = gpSearch.entry?.[0]?.resource as fhir4.Patient;
const minimal = readFixtureJson(
  'pds-gp/pds-r4-patient_9000000033-minimal-no-gp.json',
) as fhir4.Patient;
const deceased = readFixtureJson('pds/pds-r4-patient_9000000009.json') as fhir4.Patient;
const sensitive = (readFixtureJson('pds/pds-r4-searchset-sensitive-patient.json') as fhir4.Bundle)
  .entry?.[0]?.resource as fhir4.Patient;
const tooMany = readFixtureJson('pds-gp/pds-r4-operationoutcome-TOO_MANY_MATCHES.json');
const today = new Date('2026-12-02T09:00:00Z');

describe('the registered practice from PDS', () => {
  test('a patient registered at A20047 since 2019 has that practice to ask', () => {
    const summary = summarisePatient(registered, today);
    assert.deepEqual(summary.registeredPractice, { kind: 'registered', odsCode: 'A20047' });
    assert.equal(summary.gpOdsCode, 'A20047');
  });

  test('a registration that ended on 2021-12-31 is no GP to ask', () => {
    const summary = summarisePatient(deceased, today);
    assert.deepEqual(summary.registeredPractice, { kind: 'none' });
    assert.equal(summary.gpOdsCode, undefined);
  });

  test('a registration is still current on the day it ends', () => {
    const summary = summarisePatient(deceased, new Date('2021-12-31T18:00:00Z'));
    assert.deepEqual(summary.registeredPractice, { kind: 'registered', odsCode: 'Y12345' });
  });

  test('a patient with no generalPractitioner has no GP to ask', () => {
    assert.deepEqual(summarisePatient(minimal, today).registeredPractice, { kind: 'none' });
  });

  test("a restricted patient's practice is withheld, even when the Patient names one", () => {
    const labelled: fhir4.Patient = {
      ...registered,
      meta: {
        security: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
        ],
      },
    };
    assert.deepEqual(summarisePatient(labelled, today).registeredPractice, { kind: 'withheld' });
    assert.deepEqual(summarisePatient(sensitive, today).registeredPractice, { kind: 'withheld' });
  });
});

describe('the demographics client passes the registration through', () => {
  let pds: Loopback;
  before(async () => {
    pds = await startLoopback((req, res) => {
      const url = new URL(req.url ?? '/', 'http://pds');
      if (url.pathname === '/Patient/9733162337') sendJson(res, 200, registered);
      else if (url.pathname === '/Patient') sendJson(res, 200, tooMany);
      else sendJson(res, 200, minimal);
    });
  });
  after(() => pds.close());

  test('a read gives the current practice, and a too-many search says so', async () => {
    const client = createDemographicsClient({
      url: pds.url,
      timeoutMs: 2000,
      fetchSource,
      now: () => today,
    });
    const found = await client.getPatient('9733162337');
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' && found.patient.registeredPractice, {
      kind: 'registered',
      odsCode: 'A20047',
    });
    const none = await client.getPatient('9000000033');
    assert.deepEqual(none.kind === 'found' && none.patient.registeredPractice, { kind: 'none' });
    const search = await client.search({ family: 'Smith' });
    assert.equal(search.kind, 'too-many');
  });
});
