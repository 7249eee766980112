/**
 * Calls to a practice go through the Spine Secure Proxy (`gpConnect.sspUrl`) while the JWT
 * `aud` stays the practice's own address from SDS; a listed `url` that already carries the
 * proxy prefix is not prefixed twice. The proxy here is a loopback server recording what it got.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import { createGpConnectConnector } from '../../src/sources/gp-connect/gp-connect-connector.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import type { SourceRequest } from '../../src/sources/source-result.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from '../sources/loopback.ts';

const notFound = readFixtureJson('gp-connect/errors/gpc-error-PATIENT_NOT_FOUND.json');
const PRACTICE = 'https://a20047.gp.example/STU3/1/gpconnect/structured/fhir';

let ssp: Loopback;
before(async () => {
  ssp = await startLoopback((_req, res) => {
    sendJson(res, 404, notFound);
  });
});
after(() => ssp.close());

function practiceSource(url: string): SourceConfig {
  return {
    id: 'gp-a20047',
    name: 'Registered GP practice (A20047)',
    organisation: 'A20047',
    kind: 'gp-connect',
    url,
    asid: '200000000985',
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    setting: 'gp',
    pageSize: 100,
    maxPages: 20,
  };
}

const request: SourceRequest = {
  patient: { nhsNumber: '9000000009' },
  user: { id: 'u1', username: 'dr', displayName: 'Dr Ann Lee', role: 'gp', organisation: 'RXX01' },
  requestId: 'r1',
};

function audienceOf(authorization: string | undefined): unknown {
  const payload = (authorization ?? '').replace(/^Bearer /, '').split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud: unknown }).aud;
}

describe('GP Connect through the Spine Secure Proxy', () => {
  for (const [label, url] of [
    ['an SDS endpoint address', PRACTICE],
    ['a listed url that already has the proxy prefix', `SSP/${PRACTICE}`],
  ] as const) {
    test(`${label}: the proxy is called with the address after it, and aud is the address`, async () => {
      const connector = createGpConnectConnector({
        source: practiceSource(url.replace('SSP', ssp.url)),
        consumer: { asid: '200000000359', url: 'https://mcr.example', organisationName: 'MCR' },
        fetchSource,
        sspUrl: `${ssp.url}/`,
        organisationName: (ods) =>
          ods === 'RXX01' ? 'Northgate Teaching Hospitals NHS Trust' : undefined,
      });
      const result = await connector.fetchRecord(request);
      assert.equal(result.status, 'patient-not-found');
      const received = ssp.requests.at(-1);
      assert.equal(received?.url, `/${PRACTICE}/Patient/$gpc.getstructuredrecord`);
      assert.equal(audienceOf(received?.headers.authorization), PRACTICE);
      assert.equal(received?.headers['ssp-to'], '200000000985');
    });
  }
});
