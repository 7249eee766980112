/**
 * @module Every item shown belongs to the patient the view traced: items naming another patient,
 * or none, or of a kind not asked for, and second patient records, are left out and counted — from
 * a FHIR R4 source (through the real connector on loopback) and from a GP Connect practice.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import { assembleRecord, type AssembledRecord } from '../../src/record/assemble-record.ts';
import { SECTION_NAMES } from '../../src/shared/sections.ts';
import { createFhirR4Connector } from '../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../../src/sources/gp-connect/gp-connect-connector.ts';
import { readStructuredRecord } from '../../src/sources/gp-connect/read-structured-record.ts';
import { fetchSource } from '../../src/http/fetch-source.ts';
import type { TracedPatient } from '../../src/identity/traced-patient.ts';
import type { SourceResult } from '../../src/sources/source-result.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import { sendJson, startLoopback, type Loopback } from './loopback.ts';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const TRACED: TracedPatient = { nhsNumber: '9990000018', family: 'Hardy', birthDate: '1950-03-04' };
const OTHER_NHS = '9990000026';
const user = {
  id: 'u1',
  username: 'dr.who',
  displayName: 'Dr Who',
  role: 'clinician',
  organisation: 'RXX01',
};

function patient(id: string, nhsNumber: string | undefined = TRACED.nhsNumber): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id,
    ...(nhsNumber === undefined ? {} : { identifier: [{ system: NHS_SYSTEM, value: nhsNumber }] }),
    name: [{ use: 'official', family: 'Hardy', given: ['Ada'] }],
    birthDate: '1950-03-04',
  };
}

function r4Source(url: string): SourceConfig {
  return {
    id: 'city-hospital',
    name: 'City Hospital',
    organisation: 'RXX01',
    kind: 'fhir-r4',
    url,
    timeoutMs: 3000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    resourceTypes: ['Condition', 'Observation'],
    pageSize: 50,
    maxPages: 5,
  };
}

const gpSource: SourceConfig = {
  id: 'gp',
  name: 'Coxwold Surgery',
  organisation: 'A12345',
  kind: 'gp-connect',
  url: 'http://127.0.0.1:1/gpc',
  timeoutMs: 3000,
  maxResponseBytes: 10 * 1024 * 1024,
  asid: '918999198738',
  setting: 'gp',
  pageSize: 100,
  maxPages: 20,
};

function assemble(result: SourceResult, source: SourceConfig, traced = TRACED): AssembledRecord {
  return assembleRecord({ traced, results: [result], sources: [source], retrievedAt: new Date() });
}

function shownIds(record: AssembledRecord): string[] {
  return SECTION_NAMES.flatMap((name) =>
    record.sections[name].map((item) => item.resource.id ?? ''),
  )
    .filter((id) => id !== '')
    .sort();
}

function searchset(entries: { resource: unknown; fullUrl?: string }[]): unknown {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: entries.map((entry) => ({ ...entry, search: { mode: 'match' } })),
  };
}

const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

type Entry = { resource: unknown; fullUrl?: string };

/**
 * A FHIR R4 server on loopback: the patient search finds `found`; each type's search answers with
 * its page (built knowing the base URL). With `batch`, its CapabilityStatement offers a batch of
 * searches and `POST {base}` answers one with the same pages, in a batch-response.
 */
async function r4Server(
  found: Entry[],
  pages: (base: string) => Record<string, Entry[]>,
  batch = false,
): Promise<SourceConfig> {
  let base = '';
  const answerFor = (type: string): unknown =>
    searchset(type === 'Patient' ? found : (pages(base)[type] ?? []));
  const server = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const type = url.pathname.replace(/^\/fhir\/?/, '');
    if (batch && type === 'metadata') {
      sendJson(res, 200, batchStatement(['Condition', 'Observation']));
      return;
    }
    if (batch && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          entry: { request: { url: string } }[];
        };
        sendJson(res, 200, {
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: body.entry.map((entry) => ({
            resource: answerFor(entry.request.url.split('?')[0] ?? ''),
            response: { status: '200 OK' },
          })),
        });
      });
      return;
    }
    sendJson(res, 200, answerFor(type));
  });
  servers.push(server);
  base = `${server.url}/fhir`;
  if (batch) batchServers.set(base, server);
  return r4Source(base);
}

/** A CapabilityStatement offering a batch of searches by patient identifier for `types`. */
function batchStatement(types: readonly string[]): unknown {
  return {
    resourceType: 'CapabilityStatement',
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'batch' }],
        resource: [
          { type: 'Patient', searchParam: [{ name: 'identifier' }] },
          ...types.map((type) => ({ type, searchParam: [{ name: 'patient.identifier' }] })),
        ],
      },
    ],
  };
}

const batchServers = new Map<string, Loopback>();

async function viewOf(source: SourceConfig): Promise<AssembledRecord> {
  const batchServer = batchServers.get(source.url);
  const connector = createFhirR4Connector({
    source,
    fetchSource,
    chainedSearch: batchServer !== undefined,
  });
  if (batchServer !== undefined) {
    // The first view reads the CapabilityStatement in the background; the second is the batch.
    await connector.fetchRecord({ patient: TRACED, user, requestId: 'req-0' });
    const read = () => batchServer.requests.some((req) => req.url === '/fhir/metadata');
    for (let i = 0; i < 200 && !read(); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
  }
  const posts = batchServer?.requests.filter((req) => req.method === 'POST').length ?? 0;
  const result = await connector.fetchRecord({ patient: TRACED, user, requestId: 'req-1' });
  if (batchServer !== undefined) {
    assert.equal(
      batchServer.requests.filter((req) => req.method === 'POST').length,
      posts + 1,
      'the view was one batch',
    );
  }
  return assemble(result, source);
}

const condition = (id: string, subject: unknown, extra: Record<string, unknown> = {}): unknown => ({
  resourceType: 'Condition',
  id,
  code: { text: 'a problem' },
  ...(subject === undefined ? {} : { subject }),
  ...extra,
});

const observation = (id: string, subject: unknown): unknown => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { text: 'a reading' },
  subject,
});

void describe('a FHIR R4 source’s results, through the real connector', () => {
  for (const batch of [false, true])
    void test(`only items naming the matched patient are shown; the rest are counted and the source says why${batch ? ' (the whole view asked in one batch)' : ''}`, async () => {
      const source = await r4Server(
        [{ resource: patient('pat-1'), fullUrl: 'urn:uuid:aaaa-1' }],
        (base) => ({
          Condition: [
            { resource: condition('own-relative', { reference: 'Patient/pat-1' }) },
            { resource: condition('own-history', { reference: 'Patient/pat-1/_history/3' }) },
            { resource: condition('own-uuid', { reference: 'urn:uuid:aaaa-1' }) },
            {
              resource: condition('own-identifier', {
                identifier: { system: NHS_SYSTEM, value: TRACED.nhsNumber },
              }),
            },
            {
              resource: condition(
                'own-contained',
                { reference: '#p' },
                { contained: [patient('p')] },
              ),
            },
            { resource: condition('foreign-relative', { reference: 'Patient/pat-2' }) },
            { resource: condition('foreign-uuid', { reference: 'urn:uuid:bbbb-2' }) },
            {
              resource: condition('foreign-host', {
                reference: 'https://elsewhere.example/fhir/Patient/pat-1',
              }),
            },
            {
              resource: condition('foreign-identifier', {
                identifier: { system: NHS_SYSTEM, value: OTHER_NHS },
              }),
            },
            {
              resource: condition(
                'foreign-contained',
                { reference: '#p' },
                { contained: [patient('p', OTHER_NHS)] },
              ),
            },
            {
              resource: condition('foreign-disagreeing', {
                reference: 'Patient/pat-1',
                identifier: { system: NHS_SYSTEM, value: OTHER_NHS },
              }),
            },
            { resource: condition('foreign-group', { reference: 'Group/g1', type: 'Group' }) },
            { resource: condition('foreign-odd', 'Patient/pat-1') },
            { resource: condition('unnamed', undefined) },
            { resource: condition('unnamed-empty', {}) },
          ],
          Observation: [
            // A Procedure was not asked for, even though it names the patient.
            {
              resource: {
                resourceType: 'Procedure',
                id: 'unasked',
                subject: { reference: 'Patient/pat-1' },
              },
            },
            // The matched patient again (an _include), under a fullUrl of its own in this page.
            { resource: patient('pat-1'), fullUrl: 'urn:uuid:aaaa-3' },
            { resource: observation('own-included-uuid', { reference: 'urn:uuid:aaaa-3' }) },
            { resource: observation('own-absolute', { reference: `${base}/Patient/pat-1` }) },
            // A second record for the same NHS number: left out, with what names it.
            { resource: patient('pat-9'), fullUrl: 'urn:uuid:cccc-9' },
            { resource: observation('foreign-second', { reference: 'urn:uuid:cccc-9' }) },
          ],
        }),
        batch,
      );
      const record = await viewOf(source);
      const [summary] = record.sources;
      assert.equal(summary?.status, 'answered');
      assert.deepEqual(shownIds(record), [
        'own-absolute',
        'own-contained',
        'own-history',
        'own-identifier',
        'own-included-uuid',
        'own-relative',
        'own-uuid',
      ]);
      // 9 name someone else, 2 name nobody, 1 was not asked for, 1 is a second patient record.
      assert.equal(summary.dropped, 13);
      assert.deepEqual(summary.warnings.map((warning) => warning.code).sort(), [
        'no-patient-reference',
        'other-patient-items',
        'second-patient-record',
        'unrequested-items',
      ]);
      const words = summary.warnings.map((warning) => warning.message).join(' ');
      assert.match(words, /9 items from this source named a different patient/);
      assert.match(words, /2 items from this source did not say which patient/);
      assert.doesNotMatch(words, /a problem|a reading/, 'counts only, no clinical content');
      assert.equal(summary.counts.problems, 5);
      assert.equal(summary.counts.investigations, 2);
    });

  for (const batch of [false, true])
    void test(`a second patient with another NHS number in the answer withholds the whole source${batch ? ' (the whole view asked in one batch)' : ''}`, async () => {
      const source = await r4Server(
        [{ resource: patient('pat-1') }],
        () => ({
          Condition: [
            { resource: condition('own', { reference: 'Patient/pat-1' }) },
            { resource: patient('pat-2', OTHER_NHS) },
            { resource: condition('theirs', { reference: 'Patient/pat-2' }) },
          ],
        }),
        batch,
      );
      const record = await viewOf(source);
      const [summary] = record.sources;
      assert.equal(summary?.status, 'demographics-mismatch');
      assert.deepEqual(shownIds(record), []);
      assert.match(
        summary.message,
        /a patient with a different NHS number, so nothing from it is shown/,
      );
      assert.ok(summary.warnings.some((warning) => warning.code === 'other-nhs-number'));
    });

  void test('an answer that names no patient at all is malformed, not answered', () => {
    const source = r4Source('http://127.0.0.1:1/fhir');
    const record = assemble(
      {
        sourceId: source.id,
        status: 'answered',
        elapsedMs: 1,
        warnings: [],
        payload: {
          format: 'fhir-r4',
          resources: [condition('c1', { reference: 'Patient/pat-1' }) as fhir4.Condition],
        },
      },
      source,
    );
    assert.equal(record.sources[0]?.status, 'malformed');
    assert.deepEqual(shownIds(record), []);
  });
});

/** A GP Connect Bundle: the patient, and problems listed in the primary problems List. */
function gpBundle(patients: unknown[], conditions: unknown[]): unknown {
  const listed = conditions.filter(
    (item): item is { id: string } =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as { id?: unknown }).id === 'string',
  );
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      ...patients.map((resource) => ({ resource })),
      {
        resource: {
          resourceType: 'List',
          id: 'problems',
          status: 'current',
          mode: 'snapshot',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '717711000000103' }] },
          subject: { reference: 'Patient/gp-pat' },
          entry: listed.map((item) => ({ item: { reference: `Condition/${item.id}` } })),
        },
      },
      ...conditions.map((resource) => ({ resource })),
    ],
  };
}

/** What the GP Connect connector hands over for this Bundle: it reads it once, for the traced patient. */
function gpResult(bundle: unknown, traced = TRACED): SourceResult {
  const read = readStructuredRecord(bundle, traced.nhsNumber);
  if (!read.ok)
    return {
      sourceId: gpSource.id,
      status: 'malformed',
      message: read.message,
      elapsedMs: 1,
      warnings: [],
    };
  return {
    sourceId: gpSource.id,
    status: 'answered',
    elapsedMs: 1,
    warnings: read.record.warnings,
    payload: { format: 'gp-connect-stu3', record: read.record },
  };
}

void describe('a GP Connect structured record', () => {
  void test('a Bundle without a Patient is malformed, and the connector says so', async () => {
    const bundle = gpBundle([], [condition('c1', { reference: 'Patient/gp-pat' })]);
    assert.equal(assemble(gpResult(bundle), gpSource).sources[0]?.status, 'malformed');
    const server = await startLoopback((_req, res) => {
      sendJson(res, 200, bundle);
    });
    servers.push(server);
    const connector = createGpConnectConnector({
      source: { ...gpSource, url: `${server.url}/gpc` },
      consumer: { asid: '200000000359', url: 'https://mcr.example', organisationName: 'MCR' },
      fetchSource,
    });
    const result = await connector.fetchRecord({ patient: TRACED, user, requestId: 'req-1' });
    assert.equal(result.status, 'malformed');
    assert.equal(result.payload, undefined);
  });

  void test('items naming another patient, or none, are left out and counted; the rest are shown', () => {
    const bundle = gpBundle(
      [patient('gp-pat')],
      [
        condition('own', { reference: 'Patient/gp-pat' }),
        condition('theirs', { reference: 'Patient/someone-else' }),
        condition('unnamed', undefined),
      ],
    );
    const [summary] = assemble(gpResult(bundle), gpSource).sources;
    assert.equal(summary?.status, 'answered');
    assert.equal(summary.counts.problems, 1);
    assert.equal(summary.dropped, 2);
    assert.ok(summary.warnings.some((warning) => warning.code === 'other-patient-items'));
    assert.ok(summary.warnings.some((warning) => warning.code === 'no-patient-reference'));
    assert.ok(!summary.warnings.some((warning) => warning.code === 'items-missing'));
  });

  void test('a second Patient with another NHS number withholds the whole practice record', () => {
    const bundle = gpBundle(
      [patient('gp-pat'), patient('gp-other', OTHER_NHS)],
      [condition('own', { reference: 'Patient/gp-pat' })],
    );
    const record = assemble(gpResult(bundle), gpSource);
    assert.equal(record.sources[0]?.status, 'demographics-mismatch');
    assert.deepEqual(shownIds(record), []);
  });

  void test('a real supplier record with one problem repointed at another patient loses exactly that problem', () => {
    const bundle = readFixtureJson('gp-connect/suppliers/TPP_9465701998_full.json') as {
      entry: { resource: Record<string, unknown> }[];
    };
    const nhsNumber = '9465701998';
    const patientResource = bundle.entry.find(
      (entry) => entry.resource['resourceType'] === 'Patient',
    )?.resource as unknown as fhir4.Patient;
    const traced: TracedPatient = {
      nhsNumber,
      family: patientResource.name?.[0]?.family,
      birthDate: patientResource.birthDate,
    };
    const before = assemble(gpResult(bundle, traced), gpSource, traced).sources[0];
    const problem = bundle.entry.find((entry) => entry.resource['resourceType'] === 'Condition');
    assert.ok(problem !== undefined);
    const moved = structuredClone(bundle);
    const target = moved.entry.find((entry) => entry.resource['id'] === problem.resource['id']);
    assert.ok(target !== undefined);
    target.resource['subject'] = { reference: 'Patient/another-patient' };
    const record = assemble(gpResult(moved, traced), gpSource, traced);
    const after = record.sources[0];
    assert.equal(after?.status, 'answered');
    assert.equal(after.dropped, 1);
    assert.equal(after.counts.problems, (before?.counts.problems ?? 0) - 1);
    assert.ok(!shownIds(record).includes(String(problem.resource['id'])));
  });
});

/** How a generated item names its patient, and whether that names the traced patient's record. */
interface Subject {
  readonly own: boolean;
  readonly value: unknown;
  readonly contained?: unknown[];
}

const BASE = 'http://127.0.0.1:1/fhir';
const OWN_STRINGS = new Set(['Patient/pat-1', `${BASE}/Patient/pat-1`, 'urn:uuid:own-1']);
const comparable = (text: string): string =>
  text
    .trim()
    .replace(/\/_history\/[^/]*$/, '')
    .replace(/\/+$/, '');

function subjects(ownReference: string, absolute: boolean): fc.Arbitrary<Subject> {
  const ownForms: fc.Arbitrary<Subject>[] = [
    fc.constant({ own: true, value: { reference: ownReference } }),
    fc.constant({
      own: true,
      value: { identifier: { system: NHS_SYSTEM, value: TRACED.nhsNumber } },
    }),
    fc.constant({ own: true, value: { reference: '#p' }, contained: [patient('p')] }),
  ];
  if (absolute) {
    ownForms.push(
      fc.constant({ own: true, value: { reference: `${BASE}/Patient/pat-1` } }),
      fc.constant({ own: true, value: { reference: 'urn:uuid:own-1' } }),
    );
  }
  const otherNumber = fc
    .stringMatching(/^[0-9]{10}$/)
    .filter((number) => number !== TRACED.nhsNumber);
  const foreignText = fc
    .oneof(
      fc.string(),
      fc.string().map((id) => `Patient/${id}`),
      fc.uuid().map((id) => `urn:uuid:${id}`),
      fc.webUrl(),
      fc.constantFrom(
        '#p',
        '#',
        'Patient/',
        'Patient/pat-1/extra',
        'patient/pat-1',
        'Patient/PAT-1',
      ),
    )
    .filter((text) => !OWN_STRINGS.has(comparable(text)) && comparable(text) !== ownReference);
  const foreignForms: fc.Arbitrary<Subject>[] = [
    foreignText.map((reference) => ({ own: false, value: { reference } })),
    otherNumber.map((value) => ({
      own: false,
      value: { identifier: { system: NHS_SYSTEM, value } },
    })),
    otherNumber.map((value) => ({
      own: false,
      value: { reference: '#p' },
      contained: [patient('p', value)],
    })),
    fc.constant({
      own: false,
      value: {
        reference: ownReference,
        identifier: { system: NHS_SYSTEM, value: OTHER_NHS },
      },
    }),
    fc.constant({ own: false, value: { reference: ownReference, type: 'Group' } }),
    fc
      .oneof(fc.constant(undefined), fc.constant(null), fc.constant({}), fc.string(), fc.integer())
      .map((value) => ({ own: false, value })),
    foreignText.map((reference) => ({
      own: false,
      value: [{ reference: ownReference }, { reference }],
    })),
  ];
  return fc.oneof(...ownForms, ...foreignForms);
}

interface Generated {
  readonly resource: Record<string, unknown>;
  readonly own: boolean;
}

/** Items of the given types, each with a subject from `subjects`, ids telling owned from not. */
function items(
  types: readonly { type: string; element: string; requested: boolean }[],
  subject: fc.Arbitrary<Subject>,
): fc.Arbitrary<Generated[]> {
  return fc.array(fc.tuple(fc.constantFrom(...types), subject), { maxLength: 25 }).map((pairs) =>
    pairs.map(([kind, chosen], n) => {
      const own = chosen.own && kind.requested;
      const resource: Record<string, unknown> = {
        resourceType: kind.type,
        id: `${own ? 'own' : 'not'}-${n}`,
        status: 'final',
        code: { text: 'generated' },
        ...(chosen.value === undefined ? {} : { [kind.element]: chosen.value }),
        ...(chosen.contained === undefined ? {} : { contained: chosen.contained }),
      };
      return { resource, own };
    }),
  );
}

/** Extra Patient records: another one for the traced NHS number, one without, or one for another number. */
const extraPatients = fc.array(
  fc.constantFrom(
    { kind: 'same-number', resource: patient('pat-2') },
    { kind: 'no-number', resource: patient('pat-3', undefined) },
    { kind: 'other-number', resource: patient('pat-4', OTHER_NHS) },
    { kind: 'again', resource: patient('pat-1') },
  ),
  { maxLength: 2 },
);

void describe('property: random answers mixing patients never show a foreign item', () => {
  void test('FHIR R4 payloads', () => {
    const source = r4Source(BASE);
    const types = [
      { type: 'Condition', element: 'subject', requested: true },
      { type: 'Observation', element: 'subject', requested: true },
      { type: 'Procedure', element: 'subject', requested: false },
      { type: 'Flag', element: 'subject', requested: false },
    ];
    fc.assert(
      fc.property(
        items(types, subjects('Patient/pat-1', true)),
        extraPatients,
        fc.nat(),
        (generated, extras, seed) => {
          const mixed = [...generated.map((g) => g.resource), ...extras.map((e) => e.resource)];
          // The source's order is not ours to rely on: rotate the items around the patients.
          const rotated = mixed.map((_, i) => mixed[(i + seed) % mixed.length]);
          const record = assemble(
            {
              sourceId: source.id,
              status: 'answered',
              elapsedMs: 1,
              warnings: [],
              payload: {
                format: 'fhir-r4',
                resources: [patient('pat-1'), ...rotated] as fhir4.FhirResource[],
                patientAliases: ['urn:uuid:own-1'],
              },
            },
            source,
          );
          const shown = shownIds(record);
          assert.ok(
            shown.every((id) => id.startsWith('own-')),
            `nothing foreign is shown: ${shown.join(', ')}`,
          );
          const summary = record.sources[0];
          if (extras.some((extra) => extra.kind === 'other-number')) {
            assert.equal(summary?.status, 'demographics-mismatch');
            assert.deepEqual(shown, []);
            return;
          }
          const own = generated.filter((g) => g.own).map((g) => String(g.resource['id']));
          assert.deepEqual(shown, own.sort(), 'everything that is the patient’s is shown');
          const leftOut =
            generated.length - own.length + extras.filter((e) => e.kind !== 'again').length;
          assert.equal(summary?.dropped ?? 0, leftOut);
        },
      ),
      { numRuns: 300 },
    );
  });

  void test('GP Connect payloads', () => {
    const types = [
      { type: 'Condition', element: 'subject', requested: true },
      { type: 'AllergyIntolerance', element: 'patient', requested: true },
      { type: 'Observation', element: 'subject', requested: true },
      { type: 'Immunization', element: 'patient', requested: true },
      { type: 'Coverage', element: 'beneficiary', requested: false },
    ];
    fc.assert(
      fc.property(
        items(types, subjects('Patient/gp-pat', false)),
        extraPatients,
        fc.boolean(),
        (generated, extras, listed) => {
          const resources = generated.map((g) => ({
            ...g.resource,
            vaccineCode: { text: 'generated' },
          }));
          const bundle = gpBundle(
            [patient('gp-pat'), ...extras.map((e) => e.resource)],
            listed ? resources : [],
          );
          // Unlisted, the items arrive as loose entries, reached only through the Bundle.
          if (!listed)
            (bundle as { entry: unknown[] }).entry.push(
              ...resources.map((resource) => ({ resource })),
            );
          const record = assemble(gpResult(bundle), gpSource);
          const shown = shownIds(record);
          assert.ok(
            shown.every((id) => id.startsWith('own-')),
            `nothing foreign is shown: ${shown.join(', ')}`,
          );
          if (extras.some((extra) => extra.kind === 'other-number')) {
            assert.equal(record.sources[0]?.status, 'demographics-mismatch');
            assert.deepEqual(shown, []);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

void test('an index naming the patient only by NHS number shows only the items carrying the traced one', () => {
  const source = r4Source('http://127.0.0.1:1/nrl');
  const pointer = (id: string, subject: unknown): fhir4.DocumentReference =>
    ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      content: [],
      subject,
    }) as fhir4.DocumentReference;
  const record = assemble(
    {
      sourceId: source.id,
      status: 'answered',
      elapsedMs: 1,
      warnings: [],
      payload: {
        format: 'fhir-r4',
        patientBy: 'nhs-number',
        resources: [
          pointer('own', { identifier: { system: NHS_SYSTEM, value: TRACED.nhsNumber } }),
          pointer('theirs', { identifier: { system: NHS_SYSTEM, value: OTHER_NHS } }),
          pointer('by-reference', { reference: 'Patient/' }),
        ],
      },
    },
    { ...source, resourceTypes: ['DocumentReference'] },
  );
  assert.equal(record.sources[0]?.status, 'answered');
  assert.deepEqual(shownIds(record), ['own']);
  assert.equal(record.sources[0].dropped, 2);
});
