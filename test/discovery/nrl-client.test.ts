/**
 * The National Record Locator's pointers, read from the real NRL examples (`nrl/`) served by a
 * loopback NRL: the patient's own pointers become Documents items, crisis plans are flagged,
 * a pointer for anyone else is never shown, and the required headers are sent.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { createNrlConnector } from '../../src/sources/nrl-client.ts';
import type { SourceRequest } from '../../src/sources/source-result.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from '../sources/loopback.ts';

const spec = readFixtureJson('nrl/nrl-consumer-spec-search-searchset.json') as fhir4.Bundle;
const mhcp = readFixtureJson('nrl/nrlf-pointer-mental-health-crisis-plan-ssp-url.json');
const bars = readFixtureJson('nrl/nrlf-pointer-bars-appointment.json');
const noPointers = readFixtureJson('nrl/nrl-proxy-error-403-no-pointers.json');
const missingOds = readFixtureJson('nrl/nrl-proxy-error-400-missing-ods-header.json');

let nrl: Loopback;
before(async () => {
  nrl = await startLoopback((req, res) => {
    if (typeof req.headers['nhsd-end-user-organisation-ods'] !== 'string') {
      sendJson(res, 400, missingOds);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://nrl');
    const nhs = url.searchParams.get('subject:identifier')?.split('|')[1];
    if (nhs === '9000000017') {
      // The spec's pointer, plus two real NRLF pointers that are about other patients.
      sendJson(res, 200, {
        ...spec,
        entry: [...(spec.entry ?? []), { resource: mhcp }, { resource: bars }],
      });
    } else if (nhs === '9000000025') sendJson(res, 403, noPointers);
    else sendJson(res, 200, { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] });
  });
});
after(() => nrl.close());

const connector = () =>
  createNrlConnector({ url: nrl.url, timeoutMs: 2000, maxResponseBytes: 1024 * 1024, fetchSource });

function requestFor(nhsNumber: string): SourceRequest {
  return {
    patient: { nhsNumber },
    user: { id: 'u1', username: 'dr', displayName: 'Dr A', role: 'gp', organisation: 'A81001' },
    requestId: 'req-1',
  };
}

describe('the NRL client', () => {
  test("the patient's crisis plan pointer is a Documents item, flagged; other patients' pointers are dropped", async () => {
    const result = await connector().fetchRecord(requestFor('9000000017'));
    assert.equal(result.status, 'answered');
    const resources = result.payload?.format === 'fhir-r4' ? result.payload.resources : [];
    assert.deepEqual(
      resources.map((r) => r.id),
      ['nrl-subject', 'X26-1634567890'],
    );
    const crisis = result.warnings.find((w) => w.code === 'crisis-document');
    assert.match(crisis?.message ?? '', /Mental health crisis plan available/);
    assert.ok(result.warnings.some((w) => w.code === 'items-dropped'));

    const sent = nrl.requests.at(-1);
    assert.equal(sent?.headers['nhsd-end-user-organisation-ods'], 'A81001');
    assert.match(String(sent?.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(
      new URL(sent?.url ?? '', 'http://nrl').searchParams.get('subject:identifier'),
      'https://fhir.nhs.uk/Id/nhs-number|9000000017',
    );
  });

  test('no pointers is an answer with nothing in it', async () => {
    const result = await connector().fetchRecord(requestFor('9000000033'));
    assert.equal(result.status, 'answered');
    assert.deepEqual(
      result.payload?.format === 'fhir-r4' && result.payload.resources.map((r) => r.resourceType),
      ['Patient'],
    );
  });

  test("the gateway's 403 for an organisation with no pointer types is access denied", async () => {
    const result = await connector().fetchRecord(requestFor('9000000025'));
    assert.equal(result.status, 'access-denied');
    assert.equal(result.errorCode, 'ACCESS_DENIED');
  });
});
