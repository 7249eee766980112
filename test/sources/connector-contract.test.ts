/**
 * @module One contract, every connector: the GP Connect connector, the FHIR R4 connector, and each
 * behind the resilience decorator, asked by a clinician's record view of real loopback servers
 * that answer well or misbehave (garbage, 50 MB, a hang, a reset, a 500, the wrong content type,
 * another patient's record). Whatever the source does, the call answers a value (it never
 * throws), within the source's deadline or as soon as the view is closed, with the status that
 * names what happened, and counts the items it got.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import { createFhirR4Connector } from '../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../../src/sources/gp-connect/gp-connect-connector.ts';
import { INTERNAL_ERROR_MESSAGE } from '../../src/sources/never-throws.ts';
import { resilienceOptionsFor } from '../../src/sources/resilience/resilience-options.ts';
import { withResilience } from '../../src/sources/resilience/with-resilience.ts';
import type {
  Connector,
  SourceRequest,
  SourceResult,
  SourceStatus,
} from '../../src/sources/source-result.ts';
import { assembleRecord } from '../../src/record/assemble-record.ts';
import type { TracedPatient } from '../../src/identity/traced-patient.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { closedPortUrl, sendJson, startLoopback, type Loopback } from './loopback.ts';

/** The GP Connect specification's example record is about this patient. */
const GP_PATIENT = '9999999999';
/** The hospital's patient. */
const R4_PATIENT = '9990000018';
const GP_TRACED = { nhsNumber: GP_PATIENT, family: 'Jackson', birthDate: '1952-05-31' };
const R4_TRACED = {
  nhsNumber: R4_PATIENT,
  family: 'Hardy',
  given: ['Ada'],
  birthDate: '1950-03-04',
};
/** Someone else. */
const OTHER_PATIENT = '9690937286';

const DEADLINE_MS = 400;
const MAX_BYTES = 1024 * 1024;

type Protocol = 'gp-connect' | 'fhir-r4';

/** How a source behaves, for one protocol: it answers every request so. */
type Behaviour = (req: IncomingMessage, res: ServerResponse, protocol: Protocol) => void;

/** An honest source: the patient's record, as each protocol speaks it. */
const honest: Behaviour = (req, res, protocol) => {
  if (protocol === 'gp-connect') {
    sendJson(res, 200, readFixtureJson('gp-connect/spec/gpc-spec-meds_response.json'));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://loopback');
  const type = url.pathname.replace(/^\/fhir\//, '');
  const entry = (resource: fhir4.FhirResource) => ({ resource, search: { mode: 'match' } });
  if (type === 'Patient') {
    const nhs = (url.searchParams.get('identifier') ?? '').split('|')[1];
    sendJson(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      entry:
        nhs === R4_PATIENT
          ? [
              entry({
                resourceType: 'Patient',
                id: 'pat-1',
                identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: R4_PATIENT }],
                name: [{ family: 'Hardy', given: ['Ada'] }],
                birthDate: '1950-03-04',
              }),
            ]
          : [],
    });
    return;
  }
  const items =
    type === 'AllergyIntolerance'
      ? [
          entry({
            resourceType: 'AllergyIntolerance',
            id: 'allergy-1',
            patient: { reference: 'Patient/pat-1' },
            code: { text: 'Penicillin' },
          }),
        ]
      : [];
  sendJson(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: items });
};

const garbage: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/fhir+json' });
  res.end('{"resourceType": "Bundle", "entry": [ this is not JSON');
};

/** Fifty megabytes of JSON, sent as fast as the client takes it. */
const fiftyMegabytes: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/fhir+json' });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const more = (): void => {
    while (sent < 50) {
      sent += 1;
      if (!res.write(chunk)) {
        res.once('drain', more);
        return;
      }
    }
    res.end();
  };
  res.on('error', () => undefined);
  res.write('{"resourceType":"Bundle","type":"collection","entry":[],"pad":"');
  more();
};

/** Accepts the request and never answers. */
const hang: Behaviour = () => undefined;

const reset: Behaviour = (req) => {
  req.socket.destroy();
};

const serverError: Behaviour = (_req, res) => {
  sendJson(res, 500, { resourceType: 'OperationOutcome', issue: [] });
};

const html: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<html><body>Service maintenance</body></html>');
};

const notFound: Behaviour = (_req, res, protocol) => {
  if (protocol === 'gp-connect') {
    sendJson(res, 404, readFixtureJson('gp-connect/errors/gpc-error-PATIENT_NOT_FOUND.json'));
    return;
  }
  sendJson(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [] });
};

const forbidden: Behaviour = (_req, res, protocol) => {
  sendJson(
    res,
    403,
    protocol === 'gp-connect'
      ? readFixtureJson('gp-connect/errors/gpc-error-NO_PATIENT_CONSENT.json')
      : {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'forbidden' }],
        },
  );
};

/** A source that answers with someone else's record, whoever it is asked about. */
const anotherPatient: Behaviour = (req, res, protocol) => {
  if (protocol === 'gp-connect') {
    const text = JSON.stringify(readFixtureJson('gp-connect/spec/gpc-spec-meds_response.json'));
    sendJson(res, 200, JSON.parse(text.replaceAll(GP_PATIENT, OTHER_PATIENT)));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://loopback');
  const type = url.pathname.replace(/^\/fhir\//, '');
  const resource =
    type === 'Patient'
      ? {
          resourceType: 'Patient',
          id: 'pat-9',
          identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: OTHER_PATIENT }],
          name: [{ family: 'Other', given: ['Someone'] }],
          birthDate: '1980-01-01',
        }
      : type === 'AllergyIntolerance'
        ? {
            resourceType: 'AllergyIntolerance',
            id: 'allergy-9',
            patient: { reference: 'Patient/pat-9' },
            code: { text: 'Latex' },
          }
        : undefined;
  sendJson(res, 200, {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resource === undefined ? [] : [{ resource, search: { mode: 'match' } }],
  });
};

interface Implementation {
  readonly name: string;
  readonly protocol: Protocol;
  /** The patient this source holds (NHS number), as the national trace found them. */
  readonly nhsNumber: string;
  readonly traced: TracedPatient;
  readonly build: (source: SourceConfig, fetch?: typeof fetchSource) => Connector;
  /** How many clinical items the answer carried. */
  readonly items: (result: SourceResult) => number;
}

const consumer = {
  asid: '200000000359',
  url: 'https://mcr.example',
  organisationName: 'My Care Record',
};

function gpConnect(source: SourceConfig, fetch = fetchSource): Connector {
  return createGpConnectConnector({ source, consumer, fetchSource: fetch });
}
function fhirR4(source: SourceConfig, fetch = fetchSource): Connector {
  return createFhirR4Connector({ source, fetchSource: fetch, now: () => new Date() });
}
const resilient =
  (inner: (source: SourceConfig, fetch?: typeof fetchSource) => Connector) =>
  (source: SourceConfig, fetch?: typeof fetchSource): Connector =>
    withResilience(inner(source, fetch), resilienceOptionsFor(source));

function gpItems(result: SourceResult): number {
  const payload = result.payload;
  if (payload?.format !== 'gp-connect-stu3') return 0;
  return Object.values(payload.record.areas).reduce((sum, items) => sum + items.length, 0);
}
function r4Items(result: SourceResult): number {
  const payload = result.payload;
  if (payload?.format !== 'fhir-r4') return 0;
  return payload.resources.filter((resource) => resource.resourceType !== 'Patient').length;
}

const IMPLEMENTATIONS: readonly Implementation[] = [
  {
    name: 'GP Connect',
    protocol: 'gp-connect',
    nhsNumber: GP_PATIENT,
    traced: GP_TRACED,
    build: gpConnect,
    items: gpItems,
  },
  {
    name: 'FHIR R4',
    protocol: 'fhir-r4',
    nhsNumber: R4_PATIENT,
    traced: R4_TRACED,
    build: fhirR4,
    items: r4Items,
  },
  {
    name: 'GP Connect behind the resilience decorator',
    protocol: 'gp-connect',
    nhsNumber: GP_PATIENT,
    traced: GP_TRACED,
    build: resilient(gpConnect),
    items: gpItems,
  },
  {
    name: 'FHIR R4 behind the resilience decorator',
    protocol: 'fhir-r4',
    nhsNumber: R4_PATIENT,
    traced: R4_TRACED,
    build: resilient(fhirR4),
    items: r4Items,
  },
];

const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function sourceAt(url: string, protocol: Protocol): SourceConfig {
  return {
    id: protocol === 'gp-connect' ? 'gp-a' : 'hospital-a',
    name: protocol === 'gp-connect' ? 'Coxwold Surgery' : 'County Hospital',
    organisation: protocol === 'gp-connect' ? 'A12345' : 'RX1',
    kind: protocol,
    url: protocol === 'gp-connect' ? url : `${url}/fhir`,
    timeoutMs: DEADLINE_MS,
    maxResponseBytes: MAX_BYTES,
    asid: '918999198738',
    setting: protocol === 'gp-connect' ? 'gp' : 'hospital',
    pageSize: 100,
    maxPages: 20,
  };
}

function requestFor(nhsNumber: string, signal?: AbortSignal): SourceRequest {
  return {
    patient: { nhsNumber },
    user: {
      id: 'user-17',
      username: 'jsmith',
      displayName: 'Dr Jane Smith',
      role: 'gp',
      organisation: 'B82001',
      sdsUserId: '687227875014',
      sdsRoleProfileId: undefined,
    },
    requestId: 'req-1',
    ...(signal === undefined ? {} : { signal }),
  };
}

/** Asks a connector of a source that behaves so; never lets a throw pass for an answer. */
async function ask(
  implementation: Implementation,
  behaviour: Behaviour,
  options: { nhsNumber?: string; signal?: AbortSignal } = {},
): Promise<{ result: SourceResult; elapsedMs: number }> {
  const server = await startLoopback((req, res) => {
    behaviour(req, res, implementation.protocol);
  });
  servers.push(server);
  const connector = implementation.build(sourceAt(server.url, implementation.protocol));
  const started = performance.now();
  const result = await connector.fetchRecord(
    requestFor(options.nhsNumber ?? implementation.nhsNumber, options.signal),
  );
  return { result, elapsedMs: performance.now() - started };
}

/** What each protocol reports, where the two differ. */
const byProtocol = (gp: SourceStatus, r4: SourceStatus) => (protocol: Protocol) =>
  protocol === 'gp-connect' ? gp : r4;

/** Each misbehaviour, and the status it must be reported as. */
const MISBEHAVIOURS: readonly [string, Behaviour, (protocol: Protocol) => SourceStatus][] = [
  ['answers garbage', garbage, () => 'malformed'],
  ['sends 50 MB', fiftyMegabytes, () => 'too-large'],
  ['resets the connection', reset, () => 'unavailable'],
  ['fails with a 500', serverError, byProtocol('error', 'unavailable')],
  ['answers an HTML page', html, () => 'wrong-content-type'],
  ['does not know the patient', notFound, () => 'patient-not-found'],
  ['refuses (403)', forbidden, byProtocol('dissent', 'access-denied')],
];

for (const implementation of IMPLEMENTATIONS) {
  void describe(`the ${implementation.name} connector`, () => {
    void test('an honest source answers the record, its items counted', async () => {
      const { result } = await ask(implementation, honest);
      assert.equal(result.status, 'answered');
      assert.ok(implementation.items(result) > 0, 'the items are there');
      assert.deepEqual(await shown(implementation, result), implementation.items(result));
    });

    for (const [name, behaviour, status] of MISBEHAVIOURS) {
      void test(`a source that ${name} is reported as ${status(implementation.protocol)}, with no items and plain words`, async () => {
        const { result } = await ask(implementation, behaviour);
        assert.equal(result.status, status(implementation.protocol));
        assert.equal(implementation.items(result), 0);
        assert.equal(result.payload, undefined);
        assert.match(result.message ?? '', /^[A-Z].{10,}/);
      });
    }

    void test('a source that hangs is cut at its deadline and reported as timed-out', async () => {
      const { result, elapsedMs } = await ask(implementation, hang);
      assert.equal(result.status, 'timed-out');
      assert.ok(elapsedMs >= DEADLINE_MS - 20, `waited ${Math.round(elapsedMs)} ms`);
      assert.ok(elapsedMs < DEADLINE_MS + 300, `answered after ${Math.round(elapsedMs)} ms`);
    });

    void test('closing the view abandons a hanging call at once', async () => {
      const signal = AbortSignal.timeout(50);
      const { result, elapsedMs } = await ask(implementation, hang, { signal });
      assert.notEqual(result.status, 'answered');
      assert.ok(elapsedMs < DEADLINE_MS - 100, `answered after ${Math.round(elapsedMs)} ms`);
    });

    void test('a source nobody listens at is reported as refused', async () => {
      const connector = implementation.build(
        sourceAt(await closedPortUrl(), implementation.protocol),
      );
      const result = await connector.fetchRecord(requestFor(implementation.nhsNumber));
      assert.equal(result.status, 'refused');
    });

    void test('another patient’s record is never shown as this patient’s', async () => {
      const { result } = await ask(implementation, anotherPatient);
      assert.equal(await shown(implementation, result), 0);
    });

    void test('a bug of ours becomes an error with one plain message, never a throw', async () => {
      const connector = implementation.build(
        sourceAt('http://127.0.0.1:9', implementation.protocol),
        () => {
          throw new Error('a bug');
        },
      );
      const result = await connector.fetchRecord(requestFor(implementation.nhsNumber));
      assert.equal(result.status, 'error');
      assert.equal(result.message, INTERNAL_ERROR_MESSAGE);
    });
  });
}

/** How many of the answer's items the record would show, once checked against the traced patient. */
async function shown(implementation: Implementation, result: SourceResult): Promise<number> {
  const record = assembleRecord({
    traced: implementation.traced,
    results: [result],
    sources: [sourceAt('http://127.0.0.1:9', implementation.protocol)],
    retrievedAt: new Date(),
  });
  return Object.values(record.sections).reduce((sum, items) => sum + items.length, 0);
}
