/**
 * Finding a practice's GP Connect endpoint in the Spine Directory Service, against a loopback
 * server answering with the real SDS examples (`sds/`).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { createSdsClient } from '../../src/sources/sds-client.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from '../sources/loopback.ts';

const INTERACTION = 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';
const device = readFixtureJson('sds/sds-spec-device-A20047-gpconnect.json');
const deviceSearch = readFixtureJson('sds/sds-adaptor-device-searchset-single.json');
const endpointSearch = readFixtureJson(
  'sds/gpcc-sds-endpoint-searchset-gpconnect-documents.json',
) as { entry: { resource: Record<string, unknown> }[] };
const empty = readFixtureJson('sds/gpcc-sds-searchset-empty.json');
const platformError = readFixtureJson('sds/gpcc-sds-error-apim-UNKNOWN_ERROR.json');

function searchset(resource: unknown): unknown {
  return { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource }] };
}

let sds: Loopback;
before(async () => {
  sds = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sds');
    const ods = url.searchParams.get('organization')?.split('|')[1] ?? '';
    const isDevice = url.pathname === '/Device';
    switch (ods) {
      case 'A20047':
        sendJson(res, 200, isDevice ? searchset(device) : endpointSearch);
        return;
      case 'B00001':
        sendJson(res, 200, isDevice ? deviceSearch : endpointSearch);
        return;
      case 'C00001':
        sendJson(res, 200, empty);
        return;
      case 'D00001':
        sendJson(res, 500, platformError);
        return;
      case 'E00001': {
        const blank = { ...endpointSearch.entry[0]?.resource, address: ' ' };
        sendJson(res, 200, isDevice ? searchset(device) : searchset(blank));
        return;
      }
      default:
        sendJson(res, 404, platformError);
    }
  });
});
after(() => sds.close());

const client = () =>
  createSdsClient({
    url: sds.url,
    apiKey: 'key-123',
    interaction: INTERACTION,
    timeoutMs: 2000,
    fetchSource,
  });

describe('the SDS client', () => {
  test("A20047's endpoint address and ASID come from Endpoint and Device", async () => {
    const before = sds.requests.length;
    const found = await client().findEndpoint('A20047');
    assert.deepEqual(found, {
      kind: 'found',
      endpoint: {
        odsCode: 'A20047',
        address: 'http://test',
        asid: '200000000985',
        partyKey: 'ABC123-822104',
      },
    });
    const asked = sds.requests.slice(before);
    assert.deepEqual(asked.map((r) => new URL(r.url ?? '', 'http://sds').pathname).sort(), [
      '/Device',
      '/Endpoint',
    ]);
    for (const request of asked) {
      const query = new URL(request.url ?? '', 'http://sds').searchParams;
      assert.equal(
        query.get('organization'),
        'https://fhir.nhs.uk/Id/ods-organization-code|A20047',
      );
      assert.equal(
        query.get('identifier'),
        `https://fhir.nhs.uk/Id/nhsServiceInteractionId|${INTERACTION}`,
      );
      assert.equal(request.headers['apikey'], 'key-123');
      assert.match(String(request.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
    }
  });

  test('a whole Device search response gives its nhsSpineASID', async () => {
    const found = await client().findEndpoint('B00001');
    assert.equal(found.kind === 'found' && found.endpoint.asid, '928942012545');
  });

  test('asks again on every lookup: nothing is cached across encounters', async () => {
    const before = sds.requests.length;
    await client().findEndpoint('A20047');
    const sdsClient = client();
    await sdsClient.findEndpoint('A20047');
    await sdsClient.findEndpoint('A20047');
    assert.equal(sds.requests.length - before, 6);
  });

  test('no match is "endpoint not found", in plain words', async () => {
    const found = await client().findEndpoint('C00001');
    assert.equal(found.kind, 'not-found');
    assert.match(found.kind === 'not-found' ? found.message : '', /could not be found.*C00001/);
  });

  test('a blank address is not an endpoint', async () => {
    assert.equal((await client().findEndpoint('E00001')).kind, 'not-found');
  });

  test("the platform's UNKNOWN_ERROR makes SDS unavailable, with the code", async () => {
    const found = await client().findEndpoint('D00001');
    assert.equal(found.kind, 'unavailable');
    assert.equal(found.kind === 'unavailable' && found.errorCode, 'UNKNOWN_ERROR');
  });
});
