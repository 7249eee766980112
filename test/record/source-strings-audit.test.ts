/**
 * @module No string a source sends can fail an audit write: random codes and texts (unicode,
 * control characters, very long) in every field a GP Connect practice or a FHIR R4 server can
 * answer with, through the real connectors against a loopback stub source and the real audit log
 * on SQLite. The audit never refuses, the view completes, and the other sources' data still shows.
 * Consent, the national trace and the role filter are in-process stand-ins: they are not under test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import type { User } from '../../src/access/user.ts';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log.ts';
import type { AuditEventOf } from '../../src/audit/audit-event.ts';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import type { Permission } from '../../src/consent/permission.ts';
import { createRecordViews, type RecordViews } from '../../src/record/record-view.ts';
import { SECTION_NAMES } from '../../src/shared/sections.ts';
import { createFhirR4Connector } from '../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../../src/sources/gp-connect/gp-connect-connector.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import type { Store } from '../../src/store/store.ts';
import { startLoopback, type Loopback } from '../sources/loopback.ts';
import { testStores } from '../support/test-database.ts';

const NHS = '9990000018';
const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const SPINE_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';
const SSP_SYSTEM = 'http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0';

const user: User = {
  id: 'u1',
  username: 'dr-who',
  displayName: 'Dr Who',
  role: 'hospital-clinician',
  organisation: 'RXX01',
  isDemo: false,
  disabled: false,
};

const permission: Permission = {
  id: '0b7c8f0e-5a0e-4a5e-9a7e-1f1f1f1f1f1f',
  nhsNumber: NHS,
  basis: 'consent',
  method: 'verbal',
  givenBy: 'patient',
  scope: 'user',
  userId: 'u1',
  organisation: 'RXX01',
  createdAt: '2026-11-26T10:00:00.000Z',
  expiresAt: '2099-11-27T10:00:00.000Z',
};

const patient = (id: string): fhir4.Patient => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: NHS_SYSTEM, value: NHS }],
  name: [{ use: 'official', family: 'Hardy', given: ['Ada'] }],
  birthDate: '1950-03-04',
});

/** One HTTP answer the stub source gives. */
interface Answer {
  readonly status: number;
  readonly reason?: string | undefined;
  readonly contentType?: string | undefined;
  readonly body: unknown;
}

const fhirJson = 'application/fhir+json; charset=utf-8';
const searchset = (resources: unknown[], extra: Record<string, unknown> = {}): unknown => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  ...extra,
});

/** What the stub answers now: the practice's one call, the hospital's patient search and its Condition search. */
const answers: { gp: Answer; patientSearch: Answer; conditions: Answer } = {
  gp: { status: 200, body: {} },
  patientSearch: { status: 200, body: searchset([patient('pat-1')]) },
  conditions: { status: 200, body: searchset([]) },
};

function send(res: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  try {
    res.writeHead(answer.status, answer.reason, {
      'content-type': answer.contentType ?? fhirJson,
      'content-length': Buffer.byteLength(text),
    });
  } catch {
    // A reason or content type Node itself will not send: send the answer without them.
    res.writeHead(answer.status, {
      'content-type': fhirJson,
      'content-length': Buffer.byteLength(text),
    });
  }
  res.end(text);
}

function route(req: IncomingMessage, res: ServerResponse): void {
  send(res, answerFor(new URL(req.url ?? '/', 'http://loopback').pathname));
}

function answerFor(path: string): Answer {
  if (path.startsWith('/gpc/')) return answers.gp;
  if (path === '/fhir/Patient') return answers.patientSearch;
  if (path.startsWith('/fhir/')) return answers.conditions;
  // The steady hospital: always one problem for the patient.
  if (path === '/steady/Patient') return { status: 200, body: searchset([patient('s-1')]) };
  return {
    status: 200,
    body: searchset([
      {
        resourceType: 'Condition',
        id: 'steady-1',
        code: { text: 'a problem' },
        subject: { reference: 'Patient/s-1' },
      },
    ]),
  };
}

function config(id: string, kind: SourceConfig['kind'], url: string): SourceConfig {
  return {
    id,
    name: `Source ${id}`,
    organisation: 'RXX01',
    kind,
    url,
    timeoutMs: 3000,
    maxResponseBytes: 1024 * 1024,
    setting: kind === 'gp-connect' ? 'gp' : 'hospital',
    ...(kind === 'gp-connect' ? { asid: '918999198738' } : { resourceTypes: ['Condition'] }),
    pageSize: 50,
    maxPages: 3,
  };
}

let server: Loopback;
let store: Store;
let audit: AuditLog;
let views: RecordViews;

before(async () => {
  server = await startLoopback(route);
  const sqlite = testStores().find((factory) => factory.name === 'sqlite');
  assert.ok(sqlite);
  store = await sqlite.open();
  audit = createAuditLog({ store });
  const consumer = { asid: '200000000359', url: 'https://mcr.example', organisationName: 'MCR' };
  views = createRecordViews({
    mayViewRecords: () => true,
    consent: { hasDissent: async () => false, findLive: async () => permission },
    audit,
    trace: async () => ({
      kind: 'found',
      traced: { nhsNumber: NHS, family: 'Hardy', birthDate: '1950-03-04' },
      summary: {
        nhsNumber: NHS,
        nhsNumberFormatted: '999 000 0018',
        name: { given: ['Ada'], family: 'Hardy' },
        restricted: false,
      },
      registeredPractice: { kind: 'none' },
    }),
    connectors: [
      createGpConnectConnector({
        source: config('gp', 'gp-connect', `${server.url}/gpc`),
        consumer,
        fetchSource,
      }),
      createFhirR4Connector({
        source: config('hospital', 'fhir-r4', `${server.url}/fhir`),
        fetchSource,
      }),
      createFhirR4Connector({
        source: config('steady', 'fhir-r4', `${server.url}/steady`),
        fetchSource,
      }),
    ],
    filter: ({ sections }) => ({
      sections,
      withheld: {},
      withheldCategories: [],
      informationWithheld: false,
    }),
    now: () => new Date(),
  });
});

after(async () => {
  await server.close();
  await store.close();
});

let requests = 0;

/** A record view that must complete, with the steady hospital's problem shown and both audit entries written. */
async function viewCompletes(): Promise<AuditEventOf<'record-view-completed'>> {
  const requestId = `fuzz-${++requests}`;
  const before = (await audit.head())?.seq ?? 0;
  const view = await views.view({ user, nhsNumber: NHS, requestId });
  const steady = view.sources.find((source) => source.id === 'steady');
  assert.equal(steady?.status, 'answered');
  const shown = SECTION_NAMES.flatMap((name) => view.sections[name]).map(
    (item) => item.resource.id,
  );
  assert.ok(shown.includes('steady-1'), 'the other sources’ data still shows');
  const written = await audit.list({ afterSeq: before, limit: 10 });
  const actions = written
    .filter((record) => record.entry.event.requestId === requestId)
    .map((record) => record.entry.event);
  // The start, one entry per source, then the end.
  assert.deepEqual(
    actions.map((event) => event.action),
    [
      'record-view-started',
      ...view.sources.map(() => 'record-view-source'),
      'record-view-completed',
    ],
  );
  const completed = actions.at(-1) as AuditEventOf<'record-view-completed'>;
  assert.equal(completed.outcome, 'success');
  return completed;
}

/** An OperationOutcome carrying `code` everywhere a code can go. */
function outcome(code: string, system = SPINE_SYSTEM): unknown {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code,
        details: { coding: [{ system, code, display: code }], text: code },
        diagnostics: code,
      },
    ],
  };
}

void describe('codes that used to fail the audit', () => {
  for (const code of [' NO_PATIENT_CONSENT', '-PATIENT_NOT_FOUND', '_X', 'é', ' exception']) {
    void test(`a source answering with the code ${JSON.stringify(code)} cannot blank the record`, async () => {
      answers.gp = { status: 403, body: outcome(code) };
      answers.patientSearch = { status: 500, body: outcome(code) };
      answers.conditions = { status: 200, body: searchset([]) };
      const completed = await viewCompletes();
      const gp = completed.sources.find((source) => source.id === 'gp');
      assert.ok(gp?.errorCode !== undefined);
      assert.match(gp.errorCode, /^[A-Za-z0-9]/);
      // The streamed view audits each source on its own: that entry must be written too.
      answers.patientSearch = { status: 200, body: searchset([patient('pat-1')]) };
      answers.conditions = { status: 404, body: outcome(code) };
      const stream = await views.stream({
        user,
        nhsNumber: NHS,
        requestId: `stream-${++requests}`,
      });
      const events = [];
      for await (const event of stream.events) events.push(event.type);
      assert.deepEqual(events, ['source', 'source', 'source', 'complete']);
    });
  }

  void test('a leading space no longer hides a known code: the practice’s dissent is still read as dissent', async () => {
    answers.gp = { status: 403, body: outcome(' no_patient_consent ') };
    const completed = await viewCompletes();
    const gp = completed.sources.find((source) => source.id === 'gp');
    assert.equal(gp?.status, 'dissent');
    assert.equal(gp.errorCode, 'NO_PATIENT_CONSENT');
  });

  void test('an unknown code is kept as unknown, its raw value dropped', async () => {
    answers.gp = { status: 403, body: outcome('Left leg amputation') };
    const completed = await viewCompletes();
    assert.equal(completed.sources.find((source) => source.id === 'gp')?.errorCode, 'unknown');
  });

  void test('the audit entry of a source records how many items were left out as not this patient’s', async () => {
    answers.gp = { status: 403, body: outcome('NO_PATIENT_CONSENT') };
    answers.patientSearch = { status: 200, body: searchset([patient('pat-1')]) };
    answers.conditions = {
      status: 200,
      body: searchset([
        { resourceType: 'Condition', id: 'c1', code: {}, subject: { reference: 'Patient/pat-1' } },
        { resourceType: 'Condition', id: 'c2', code: {}, subject: { reference: 'Patient/pat-2' } },
        { resourceType: 'Condition', id: 'c3', code: {} },
      ]),
    };
    const completed = await viewCompletes();
    const hospital = completed.sources.find((source) => source.id === 'hospital');
    assert.equal(hospital?.dropped, 2);
    assert.equal(hospital.counts.problems, 1);
    assert.ok(hospital.warnings.includes('other-patient-items'));
  });
});

/** Strings a source might send: the cases seen, unicode, control characters, very long ones. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ' NO_PATIENT_CONSENT',
    '-PATIENT_NOT_FOUND',
    '_X',
    'é',
    ' exception',
    'ACCESS DENIED',
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ud800',
    'confidential-items',
    'has been disabled',
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u0007', '\n', '\r', '\u001b', '\u007f', '\u2028', 'A'),
  }),
  fc.string({ unit: 'grapheme-ascii', minLength: 500, maxLength: 5000 }),
);

/** Header-safe text (Node refuses to send anything else), for reasons and content types. */
const headerText = fc
  .string({ unit: 'binary-ascii', maxLength: 60 })
  .filter((text) => /^[\x20-\x7e]*$/.test(text));

const httpStatus = fc.constantFrom(
  200,
  201,
  299,
  400,
  401,
  403,
  404,
  409,
  422,
  429,
  500,
  501,
  502,
  503,
  599,
  600,
  999,
);

const anyOutcome: fc.Arbitrary<unknown> = fc
  .record({
    severity: anyText,
    code: anyText,
    system: fc.oneof(anyText, fc.constantFrom(SPINE_SYSTEM, SSP_SYSTEM)),
    codingCode: anyText,
    display: anyText,
    text: anyText,
    diagnostics: anyText,
  })
  .map((issue) => ({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: issue.severity,
        code: issue.code,
        details: {
          coding: [{ system: issue.system, code: issue.codingCode, display: issue.display }],
          text: issue.text,
        },
        diagnostics: issue.diagnostics,
      },
    ],
  }));

const errorAnswer: fc.Arbitrary<Answer> = fc.record({
  status: httpStatus,
  reason: fc.option(headerText, { nil: undefined }),
  contentType: fc.option(
    fc.oneof(fc.constantFrom(fhirJson, 'application/json', 'text/html'), headerText),
    { nil: undefined },
  ),
  body: anyOutcome,
});

/** A structured record whose warnings, notes and ids carry random text. */
const gpBundle: fc.Arbitrary<unknown> = fc
  .record({ warningCode: anyText, outcome: anyOutcome, id: anyText, title: anyText })
  .map((random) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: patient('gp-pat') },
      {
        resource: {
          resourceType: 'List',
          id: 'problems',
          title: random.title,
          code: { coding: [{ system: 'http://snomed.info/sct', code: '717711000000103' }] },
          subject: { reference: 'Patient/gp-pat' },
          extension: [
            {
              url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1',
              valueCode: random.warningCode,
            },
          ],
          entry: [{ item: { reference: `Condition/${random.id}` } }],
        },
      },
      {
        resource: {
          resourceType: 'Condition',
          id: random.id,
          code: { text: 'a problem' },
          subject: { reference: 'Patient/gp-pat' },
        },
      },
      { resource: random.outcome },
    ],
  }));

/** A search page whose note, next link and entries carry random text. */
const conditionsPage: fc.Arbitrary<Answer> = fc
  .record({ outcome: anyOutcome, next: anyText, id: anyText, type: anyText })
  .map((random) => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: random.outcome, search: { mode: 'outcome' } },
        {
          resource: {
            resourceType: random.type,
            id: random.id,
            subject: { reference: 'Patient/pat-1' },
          },
          fullUrl: random.next,
        },
      ],
      link: [{ relation: 'next', url: random.next }],
    },
  }));

void test('random strings in every code and text field a source returns never make the audit refuse', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        errorAnswer,
        gpBundle.map((body): Answer => ({ status: 200, body })),
      ),
      fc.oneof(
        errorAnswer,
        anyText.map((id): Answer => ({
          status: 200,
          body: searchset([{ ...patient('pat-1'), id }]),
        })),
        fc.constant<Answer>({ status: 200, body: searchset([patient('pat-1')]) }),
      ),
      fc.oneof(errorAnswer, conditionsPage),
      async (gp, patientSearch, conditions) => {
        answers.gp = gp;
        answers.patientSearch = patientSearch;
        answers.conditions = conditions;
        await viewCompletes();
      },
    ),
    { numRuns: 120 },
  );
});
