import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDemographicsClient,
  type DemographicsClient,
} from '../../src/identity/demographics-client.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { readFixtureJson, listFixtures } from '../support/fixtures.ts';
import { startLoopback, sendJson, closedPortUrl, type Loopback } from '../sources/loopback.ts';

const richPatient = readFixtureJson('pds/pds-r4-patient_9000000009.json') as fhir4.Patient;
const sensitiveSearch = readFixtureJson(
  'pds/pds-r4-searchset-sensitive-patient.json',
) as fhir4.Bundle;
const invalidId = readFixtureJson('pds/pds-r4-operationoutcome-INVALID_RESOURCE_ID.json');
const sensitivePatient = sensitiveSearch.entry?.[0]?.resource as fhir4.Patient;

function spineError(code: string): fhir4.OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'value',
        details: {
          coding: [{ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code }],
        },
      },
    ],
  };
}

let pds: Loopback;
let client: DemographicsClient;

before(async () => {
  pds = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pds');
    switch (url.pathname) {
      case '/personal-demographics/FHIR/R4/Patient/9000000009': {
        sendJson(res, 200, richPatient);
        return;
      }
      case '/personal-demographics/FHIR/R4/Patient/9000000025': {
        sendJson(res, 200, sensitivePatient);
        return;
      }
      case '/personal-demographics/FHIR/R4/Patient/9000000001': {
        sendJson(res, 400, invalidId);
        return;
      }
      case '/personal-demographics/FHIR/R4/Patient/9999999999': {
        sendJson(res, 404, spineError('RESOURCE_NOT_FOUND'));
        return;
      }
      case '/personal-demographics/FHIR/R4/Patient/9999999468':
        return; // never answers
      case '/personal-demographics/FHIR/R4/Patient/9999999484':
        res.writeHead(503, { 'content-type': 'text/html' });
        return res.end('<h1>Service Unavailable</h1>');
      case '/personal-demographics/FHIR/R4/Patient': {
        const family = url.searchParams.get('family');
        if (family === 'Smythe') {
          sendJson(res, 200, sensitiveSearch);
          return;
        }
        if (family === 'Smith') {
          sendJson(res, 200, spineError('TOO_MANY_MATCHES'));
          return;
        }
        if (url.searchParams.get('gender') === 'banana') {
          sendJson(res, 400, spineError('INVALID_SEARCH_DATA'));
          return;
        }
        sendJson(res, 200, { resourceType: 'Bundle', type: 'searchset', total: 0 });
        return;
      }
      default: {
        sendJson(res, 400, spineError('UNSUPPORTED_SERVICE'));
        return;
      }
    }
  });
  client = createDemographicsClient({
    url: `${pds.url}/personal-demographics/FHIR/R4/`,
    timeoutMs: 2000,
    fetchSource,
  });
});
after(() => pds.close());

void describe('demographics client (PDS-style)', () => {
  void test('the shared PDS fixtures are all here', () => {
    assert.deepEqual(listFixtures('pds'), [
      'pds-r4-operationoutcome-INVALID_RESOURCE_ID.json',
      'pds-r4-patient_9000000009.json',
      'pds-r4-searchset-sensitive-patient.json',
    ]);
  });

  void test('a traced patient comes back with name, birth date, address and date of death; a GP registration that ended is no registered GP', async () => {
    const result = await client.getPatient('900 000 0009');
    assert.equal(result.kind, 'found');
    const summary = result.patient;
    assert.equal(summary.nhsNumber, '9000000009');
    assert.deepEqual(summary.name, { prefix: ['Mrs'], given: ['Jane'], family: 'Smith' });
    assert.equal(summary.birthDate, '2010-10-22');
    assert.equal(summary.gender, 'female');
    assert.deepEqual(summary.address, {
      lines: ['1 Trevelyan Square', 'Boar Lane', 'City Centre', 'Leeds', 'West Yorkshire'],
      postcode: 'LS1 6AE',
    });
    // Y12345's registration ended on 2021-12-31: not a practice to show or to ask.
    assert.equal(summary.gpOdsCode, undefined);
    assert.deepEqual(summary.registeredPractice, { kind: 'none' });
    assert.equal(summary.deceasedDateTime, '2010-10-22T00:00:00+00:00');
    assert.equal(summary.restricted, false);
    assert.deepEqual(summary.patient, richPatient);
    assert.match(String(pds.requests.at(-1)?.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  void test('a restricted patient is found, but where they live is never part of the result', async () => {
    const result = await client.getPatient('9000000025');
    assert.equal(result.kind, 'found');
    assert.equal(result.patient.restricted, true);
    assert.equal(result.patient.address, undefined);
    assert.equal(result.patient.gpOdsCode, undefined);
    assert.deepEqual(result.patient.name, { prefix: ['Mrs'], given: ['Janet'], family: 'Smythe' });
    const withAddress = await createDemographicsClient({
      url: `${pds.url}/personal-demographics/FHIR/R4`,
      timeoutMs: 300,
      fetchSource: () =>
        Promise.resolve({
          kind: 'response',
          status: 200,
          headers: {},
          bytes: 1,
          elapsedMs: 1,
          json: {
            ...sensitivePatient,
            address: richPatient.address,
            telecom: richPatient.telecom,
            generalPractitioner: richPatient.generalPractitioner,
          },
        }),
    }).getPatient('9000000025');
    assert.equal(withAddress.kind, 'found');
    assert.equal(withAddress.patient.address, undefined);
    assert.equal(withAddress.patient.patient.address, undefined, 'not even in the raw Patient');
    assert.equal(withAddress.patient.patient.telecom, undefined);
    assert.equal(withAddress.patient.patient.generalPractitioner, undefined);
  });

  void test('a search finds the restricted patient without an address', async () => {
    const result = await client.search({
      family: 'Smythe',
      given: 'Janet',
      birthdate: '2005-06-16',
      gender: 'female',
      postcode: 'LS1 6AE',
    });
    assert.equal(result.kind, 'matches');
    assert.equal(result.patients.length, 1);
    assert.equal(result.patients[0]?.nhsNumber, '9000000025');
    assert.equal(result.patients[0].restricted, true);
    assert.equal(result.patients[0].address, undefined);
    const asked = new URL(pds.requests.at(-1)?.url ?? '', 'http://pds').searchParams;
    assert.equal(asked.get('address-postalcode'), 'LS1 6AE');
    assert.equal(asked.get('birthdate'), '2005-06-16');
    assert.equal(asked.get('given'), 'Janet');
  });

  void test('a search with no matches returns an empty list', async () => {
    const result = await client.search({ family: 'Nobody' });
    assert.deepEqual(result, { kind: 'matches', patients: [] });
  });

  void test('a search matching too many patients asks for more details', async () => {
    const result = await client.search({ family: 'Smith' });
    assert.equal(result.kind, 'too-many');
  });

  void test('a search needs a family name or a birth date, and is not sent without one', async () => {
    const before = pds.requests.length;
    const result = await client.search({ given: 'Jane', postcode: ' ' });
    assert.equal(result.kind, 'invalid');
    assert.equal(pds.requests.length, before);
  });

  void test('search details the service rejects are reported as invalid', async () => {
    const result = await client.search({ family: 'X', gender: 'banana' });
    assert.equal(result.kind, 'invalid');
    assert.equal(result.errorCode, 'INVALID_SEARCH_DATA');
  });

  void test('an NHS number the service rejects is reported as invalid with its code', async () => {
    const result = await client.getPatient('9000000001');
    assert.equal(result.kind, 'invalid');
    assert.equal(result.errorCode, 'INVALID_RESOURCE_ID');
  });

  void test('something that is not an NHS number is never sent to the service', async () => {
    const before = pds.requests.length;
    const result = await client.getPatient('../../admin');
    assert.equal(result.kind, 'invalid');
    assert.equal(pds.requests.length, before);
  });

  void test('an NHS number the service does not know is reported as not found', async () => {
    const result = await client.getPatient('9999999999');
    assert.equal(result.kind, 'not-found');
  });

  void test('a service that does not answer in time is reported as unavailable, in plain words', async () => {
    const impatient = createDemographicsClient({
      url: `${pds.url}/personal-demographics/FHIR/R4`,
      timeoutMs: 300,
      fetchSource,
    });
    const started = performance.now();
    const result = await impatient.getPatient('9999999468');
    assert.ok(performance.now() - started < 800);
    assert.deepEqual(result, {
      kind: 'unavailable',
      message: 'The demographics service did not answer within 0.3 s.',
    });
  });

  void test('a service that is down is reported as unavailable', async () => {
    const result = await client.getPatient('9999999484');
    assert.equal(result.kind, 'unavailable');
    const refused = await createDemographicsClient({
      url: await closedPortUrl(),
      timeoutMs: 300,
      fetchSource,
    }).getPatient('9000000009');
    assert.equal(refused.kind, 'unavailable');
    assert.match(refused.message, /refused the connection/);
  });
});
