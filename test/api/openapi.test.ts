/**
 * @module One contract: the OpenAPI document at `/api/openapi.json` is generated from the routes'
 * own schemas (src/api/), lists every route the server registers under /api with its methods, and
 * is a valid OpenAPI 3.1 document; and what the server really sends a clinician matches the
 * contract, items' FHIR resources whole.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator, type SpecData } from '@seriousme/openapi-schema-validator';
import { Value } from '@sinclair/typebox/value';
import type { RouteOptions } from 'fastify';
import { ALERT_OUTCOMES } from '../../src/api/alerts.ts';
import { REVIEW_OUTCOMES } from '../../src/api/emergency-reviews.ts';
import { CONCERN_REASONS } from '../../src/api/patient-portal.ts';
import { PatientSearchResult } from '../../src/api/patients.ts';
import { PermissionRecorded } from '../../src/api/permissions.ts';
import {
  RECORD_STREAM_EVENTS,
  RecordView,
  SECTION_NAMES,
  SOURCE_STATUSES,
} from '../../src/api/record.ts';
import { Session } from '../../src/api/session.ts';
import { ALERT_OUTCOMES as SERVER_ALERT_OUTCOMES } from '../../src/audit/monitoring/privacy-alerts.ts';
import { CONCERN_REASONS as SERVER_CONCERN_REASONS } from '../../src/audit/monitoring/patient-concerns.ts';
import { REVIEW_OUTCOMES as SERVER_REVIEW_OUTCOMES } from '../../src/consent/emergency-reviews.ts';
import { SECTION_NAMES as SERVER_SECTION_NAMES } from '../../src/shared/sections.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  NHS_LOGIN_SCOPES,
  startNhsLoginSim,
  type RunningNhsLoginSim,
} from '../../sim/servers/nhs-login-server.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

const persona = (key: string): string => {
  const found = PERSONAS.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`no persona ${key}`);
  return found.nhsNumber;
};

interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** `/api/patients/:nhsNumber/record` as OpenAPI writes it: `/api/patients/{nhsNumber}/record`. */
const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the API contract', () => {
  let nhsLogin: RunningNhsLoginSim;
  let system: RunningSystem;
  let clinician: ApiClient;
  const registered: { url: string; methods: string[] }[] = [];

  before(async () => {
    // With NHS login configured, so the patient's own routes are there too.
    nhsLogin = await startNhsLoginSim();
    system = await startSystem({
      sims: { size: 10 },
      config: {
        nhsLogin: {
          issuer: nhsLogin.issuer,
          clientId: nhsLogin.clientId,
          clientSecret: nhsLogin.clientSecret,
          scopes: NHS_LOGIN_SCOPES,
        },
      },
      observeRoute: (route: RouteOptions) => {
        const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(
          (method) => method !== 'HEAD',
        );
        if (route.url.startsWith('/api/') && methods.length > 0) {
          registered.push({ url: route.url, methods });
        }
      },
    });
    const account = await system.createUser('hospital-clinician');
    clinician = system.client();
    const signIn = await clinician.signIn(account.username, account.password);
    assert.equal(signIn.status, 200, signIn.text);
    assert.ok(Value.Check(Session, signIn.body), 'the sign-in answer is the contract’s Session');
  });
  after(async () => {
    await system.close();
    await nhsLogin.close();
  });

  async function openApi(): Promise<OpenApiDocument> {
    // Public: a calling system's developer reads it before holding any credential.
    const response = await system.client().get('/api/openapi.json');
    assert.equal(response.status, 200, response.text);
    return response.body as OpenApiDocument;
  }

  test('every route under /api is in the OpenAPI document, with each of its methods', async () => {
    const document = await openApi();
    assert.ok(
      registered.length >= 30,
      `expected the whole API, saw ${String(registered.length)} routes`,
    );
    const urls = registered.map((route) => route.url);
    for (const expected of [
      '/api/patients/:nhsNumber/record',
      '/api/patient/concerns',
      '/api/audit',
    ]) {
      assert.ok(urls.includes(expected), `${expected} was registered`);
    }
    for (const route of registered) {
      const path = document.paths[openApiPath(route.url)];
      assert.ok(path !== undefined, `${route.url} is in the document`);
      for (const method of route.methods) {
        assert.ok(
          path[method.toLowerCase()] !== undefined,
          `${method} ${route.url} is in the document`,
        );
      }
    }
  });

  test('the document is OpenAPI 3.1 by its published schema', async () => {
    const document = await openApi();
    assert.match(document.openapi, /^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(document as unknown as SpecData);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
  });

  test('the record is described to its items, not as anything at all', async () => {
    const document = await openApi();
    const answer = document.paths['/api/patients/{nhsNumber}/record']?.['get']?.responses?.['200'];
    const text = JSON.stringify(answer);
    for (const field of [
      'informationWithheld',
      'reconciliation',
      'alsoFrom',
      'duplicateOf',
      'resourceType',
      'warnings',
      'counts',
      'nhsNumberFormatted',
    ]) {
      assert.ok(text.includes(`"${field}"`), `the record's schema describes ${field}`);
    }
    const stream = JSON.stringify(
      document.paths['/api/patients/{nhsNumber}/record/stream']?.['get']?.responses?.['200'],
    );
    assert.ok(
      stream.includes('text/event-stream'),
      'the stream is described as Server-Sent Events',
    );
  });

  test('the contract’s lists are the server’s', () => {
    assert.deepEqual(SECTION_NAMES, SERVER_SECTION_NAMES);
    assert.deepEqual(REVIEW_OUTCOMES, SERVER_REVIEW_OUTCOMES);
    assert.deepEqual(ALERT_OUTCOMES, SERVER_ALERT_OUTCOMES);
    assert.deepEqual(CONCERN_REASONS, SERVER_CONCERN_REASONS);
    assert.ok(SOURCE_STATUSES.includes('answered'));
  });

  test('a clinician’s search, permission, record and stream are what the contract says, resources whole', async () => {
    const nhsNumber = persona('discharge-medicines-differ');
    const found = await clinician.get(`/api/patients?nhsNumber=${nhsNumber}`);
    assert.equal(found.status, 200, found.text);
    assert.deepEqual([...Value.Errors(PatientSearchResult, found.body)], []);

    const granted = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    assert.deepEqual([...Value.Errors(PermissionRecorded, granted.body)], []);

    const response = await clinician.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual([...Value.Errors(RecordView, response.body)], []);
    const record = response.body as typeof RecordView.static;
    const medicine = record.sections.medications[0];
    assert.ok(medicine !== undefined, 'the GP and hospital medicines are listed');
    // The serialiser keeps the resource whole: its coded medicine and status, not just its type.
    assert.equal(medicine.resource.resourceType, 'MedicationStatement');
    assert.ok('status' in medicine.resource, 'the medicine’s status reached the client');
    assert.ok(record.reconciliation.length > 0, 'the reconciliation reached the client');

    const streamed = await clinician.get(`/api/patients/${nhsNumber}/record/stream`);
    assert.equal(streamed.status, 200);
    const events = streamed.text
      .split('\n\n')
      .filter((block) => block.trim() !== '')
      .map((block) => {
        const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
        const data = /^data: (.+)$/m.exec(block)?.[1] ?? 'null';
        return { event, data: JSON.parse(data) as unknown };
      });
    assert.deepEqual(
      [events[0]?.event, events.at(-1)?.event],
      ['started', 'complete'],
      'the stream starts and completes',
    );
    for (const { event, data } of events) {
      const schema = RECORD_STREAM_EVENTS[event as keyof typeof RECORD_STREAM_EVENTS];
      assert.ok(schema !== undefined, `${event} is a named stream event`);
      assert.deepEqual(
        [...Value.Errors(schema, data)],
        [],
        `the ${event} event matches the contract`,
      );
    }
  });
});
