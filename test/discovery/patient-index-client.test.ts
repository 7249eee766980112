/**
 * Asking the regional patient index (IHE PIXm `$ihe-pix`) which domains know the patient,
 * against a loopback index answering with the published PIXm examples (`pixm/`).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { createPatientIndexClient } from '../../src/sources/patient-index-client.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from '../sources/loopback.ts';

const found = readFixtureJson('pixm/pixm-response-mohralice-red-to-blue.json');
const wrappedNotFound = readFixtureJson(
  'pixm/pixm-3.0.3-error-not-found-wrapped-in-parameters.json',
);
const bareNotFound = {
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'not-found',
      details: { text: 'sourceIdentifier Patient Identifier not found' },
    },
  ],
};
const unknownDomain = {
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'code-invalid',
      diagnostics: 'sourceIdentifier Assigning Authority not found',
    },
  ],
};

let index: Loopback;
before(async () => {
  index = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://index');
    const nhs = url.searchParams.get('sourceIdentifier')?.split('|')[1];
    if (nhs === '9000000009') sendJson(res, 200, found);
    else if (nhs === '9000000017') sendJson(res, 404, wrappedNotFound);
    else if (nhs === '9000000025') sendJson(res, 404, bareNotFound);
    else sendJson(res, 400, unknownDomain);
  });
});
after(() => index.close());

const client = () => createPatientIndexClient({ url: index.url, timeoutMs: 2000, fetchSource });

describe('the patient index client', () => {
  test('a known patient gives each domain and its local identifier', async () => {
    const answer = await client().lookup('9000000009');
    assert.deepEqual(answer, {
      kind: 'found',
      identifiers: [{ system: 'urn:oid:1.3.6.1.4.1.21367.13.20.3000', value: 'IHEBLUE-994' }],
    });
    const request = index.requests.at(-1);
    const url = new URL(request?.url ?? '', 'http://index');
    assert.equal(url.pathname, '/Patient/$ihe-pix');
    assert.equal(
      url.searchParams.get('sourceIdentifier'),
      'https://fhir.nhs.uk/Id/nhs-number|9000000009',
    );
    assert.equal(request?.method, 'GET');
  });

  test("PIXm 3.0.3's not-found, wrapped in Parameters, is not-found", async () => {
    assert.deepEqual(await client().lookup('9000000017'), { kind: 'not-found' });
  });

  test('the current bare OperationOutcome not-found is not-found too', async () => {
    assert.deepEqual(await client().lookup('9000000025'), { kind: 'not-found' });
  });

  test('a refusal is "unavailable", not "not known"', async () => {
    const answer = await client().lookup('9000000033');
    assert.equal(answer.kind, 'unavailable');
  });
});
