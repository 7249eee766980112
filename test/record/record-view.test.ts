/**
 * The order of a record view's steps, pinned with in-process stand-ins for the audit trail and
 * the sources (the journey and resilience suites run the same flow against the real ones).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '../../src/access/user.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import { PatientDissented, PermissionRequired } from '../../src/consent/consent-errors.ts';
import type { Permission } from '../../src/consent/permission.ts';
import {
  createRecordViews,
  RoleMayNotViewRecords,
  type RecordViewDeps,
} from '../../src/record/record-view.ts';
import type { Connector, SourceResult } from '../../src/sources/source-result.ts';

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
  nhsNumber: '9990000107',
  basis: 'consent',
  method: 'verbal',
  givenBy: 'patient',
  scope: 'user',
  userId: 'u1',
  organisation: 'RXX01',
  createdAt: '2026-11-26T10:00:00.000Z',
  expiresAt: '2026-11-27T10:00:00.000Z',
};

/** The patient as each source holds them: every answer names its patient first. */
const sourcePatient: fhir4.Patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000107' }],
};

function source(id: string): SourceConfig {
  return {
    id,
    name: `Source ${id}`,
    organisation: 'RXX01',
    kind: 'fhir-r4',
    url: 'http://127.0.0.1:1',
    timeoutMs: 3000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    pageSize: 100,
    maxPages: 20,
  };
}

function harness(overrides: Partial<RecordViewDeps> = {}) {
  const steps: string[] = [];
  const connector = (id: string, result: Partial<SourceResult> = {}): Connector => ({
    source: source(id),
    async fetchRecord() {
      steps.push(`source:${id}`);
      return {
        sourceId: id,
        status: 'answered',
        elapsedMs: 5,
        warnings: [],
        payload: { format: 'fhir-r4', resources: [sourcePatient] },
        ...result,
      };
    },
  });
  const deps: RecordViewDeps = {
    mayViewRecords: () => true,
    consent: {
      hasDissent: async () => false,
      findLive: async () => permission,
    },
    audit: {
      async append(event: AuditEvent) {
        steps.push(`audit:${event.action}`);
      },
    },
    trace: async () => {
      steps.push('trace');
      return {
        kind: 'found',
        traced: { nhsNumber: '9990000107' },
        registeredPractice: { kind: 'none' },
        summary: {
          nhsNumber: '9990000107',
          nhsNumberFormatted: '999 000 0107',
          name: { given: [], family: 'Oakley' },
          restricted: false,
        },
      };
    },
    connectors: [connector('hospital'), connector('community')],
    filter: ({ sections }) => ({
      sections,
      withheld: {},
      withheldCategories: [],
      informationWithheld: false,
    }),
    now: () => new Date('2026-11-26T12:00:00Z'),
    ...overrides,
  };
  return { steps, views: createRecordViews(deps), connector };
}

const request = { user, nhsNumber: '9990000107', requestId: 'r1' };

describe('one record view', () => {
  test('the audit start is written before the patient is traced or any source is asked, the end after', async () => {
    const { steps, views } = harness();
    await views.view(request);
    assert.equal(steps[0], 'audit:record-view-started');
    assert.equal(steps[1], 'trace');
    assert.deepEqual(steps.slice(2, 4).sort(), ['source:community', 'source:hospital']);
    assert.equal(steps.at(-1), 'audit:record-view-completed');
  });

  test('without a live permission no source is asked and the refusal is audited', async () => {
    const { steps, views } = harness({
      consent: { hasDissent: async () => false, findLive: async () => undefined },
    });
    await assert.rejects(views.view(request), PermissionRequired);
    assert.deepEqual(steps, ['audit:access-denied']);
  });

  test('a dissent stops the view even with a live permission', async () => {
    const { steps, views } = harness({
      consent: { hasDissent: async () => true, findLive: async () => permission },
    });
    await assert.rejects(views.view(request), PatientDissented);
    assert.deepEqual(steps, ['audit:access-denied']);
  });

  test('a role that may not view records is refused before consent is looked at', async () => {
    const { steps, views } = harness({ mayViewRecords: () => false });
    await assert.rejects(views.view(request), RoleMayNotViewRecords);
    assert.deepEqual(steps, ['audit:access-denied']);
  });

  test('if the audit start cannot be written, no source is asked (fail closed)', async () => {
    const failing = new Error('audit store full');
    const { steps, views } = harness({
      audit: {
        async append(event) {
          if (event.action === 'record-view-started') throw failing;
        },
      },
    });
    await assert.rejects(views.view(request), failing);
    assert.deepEqual(steps, []);
  });

  test('if the audit end cannot be written, the view returns no data', async () => {
    const failing = new Error('audit store full');
    const { views } = harness({
      audit: {
        async append(event) {
          if (event.action === 'record-view-completed') throw failing;
        },
      },
    });
    await assert.rejects(views.view(request), failing);
  });

  test('the sources’ entries reach the audit together, after every source has answered and before the end', async () => {
    const steps: string[] = [];
    const answering = (id: string, afterMs: number): Connector => ({
      source: source(id),
      async fetchRecord() {
        await new Promise((resolve) => setTimeout(resolve, afterMs));
        steps.push(`answered:${id}`);
        return {
          sourceId: id,
          status: 'answered',
          elapsedMs: afterMs,
          warnings: [],
          payload: { format: 'fhir-r4', resources: [sourcePatient] },
        };
      },
    });
    const { views } = harness({
      // The community answers well after the hospital.
      connectors: [answering('hospital', 1), answering('community', 30)],
      audit: {
        async append(event) {
          steps.push(`audit:${event.action}`);
        },
      },
    });
    await views.view(request);
    assert.deepEqual(steps, [
      'audit:record-view-started',
      'answered:hospital',
      'answered:community',
      'audit:record-view-source',
      'audit:record-view-source',
      'audit:record-view-completed',
    ]);
  });

  test('if a source’s entry cannot be written, the view returns no data and claims no end', async () => {
    const failing = new Error('audit store full');
    const actions: string[] = [];
    const { views } = harness({
      audit: {
        async append(event) {
          actions.push(event.action);
          if (event.action === 'record-view-source') throw failing;
        },
      },
    });
    await assert.rejects(views.view(request), failing);
    assert.equal(actions.includes('record-view-completed'), false);
  });

  test('with the audit log’s appendWith, the sources’ entries and the end are one transaction, in that order', async () => {
    const appends: string[][] = [];
    const { views } = harness({
      audit: {
        async append(event) {
          appends.push([event.action]);
        },
        async appendWith(change) {
          const { result, events } = await change(undefined as never);
          appends.push(events.map((event) => event.action));
          return result;
        },
      },
    });
    await views.view(request);
    assert.deepEqual(appends, [
      ['record-view-started'],
      ['record-view-source', 'record-view-source', 'record-view-completed'],
    ]);
  });

  test('if that transaction cannot be written, the view returns no data', async () => {
    const failing = new Error('audit store full');
    const { views } = harness({
      audit: {
        async append() {},
        async appendWith() {
          throw failing;
        },
      },
    });
    await assert.rejects(views.view(request), failing);
  });

  test('what the filter withholds is counted in the audit, never in what the clinician sees', async () => {
    const events: AuditEvent[] = [];
    const condition = (id: string): fhir4.Condition => ({
      resourceType: 'Condition',
      id,
      subject: { reference: 'Patient/p1' },
    });
    const withItems: Connector = {
      source: source('hospital'),
      fetchRecord: async () => ({
        sourceId: 'hospital',
        status: 'answered',
        elapsedMs: 5,
        warnings: [],
        payload: {
          format: 'fhir-r4',
          resources: [sourcePatient, condition('shown'), condition('restricted')],
        },
      }),
    };
    const { views } = harness({
      connectors: [withItems],
      audit: {
        async append(event) {
          events.push(event);
        },
      },
      filter: ({ sections }) => ({
        sections: {
          ...sections,
          problems: sections.problems.filter((item) => item.resource.id === 'shown'),
        },
        withheld: { problems: 1 },
        withheldCategories: ['ivf'],
        informationWithheld: true,
      }),
    });
    const view = await views.view(request);
    assert.deepEqual(
      view.sections.problems.map((item) => item.resource.id),
      ['shown'],
    );
    assert.equal(view.informationWithheld, true);
    assert.deepEqual(view.sources[0]?.counts, { problems: 1 });
    assert.match(view.sources[0]?.message ?? '', /1 item\b/);
    assert.doesNotMatch(JSON.stringify(view), /ivf/);
    assert.doesNotMatch(JSON.stringify(view.sections), /restricted/);
    const end = events.find((event) => event.action === 'record-view-completed');
    assert.ok(end?.action === 'record-view-completed');
    assert.deepEqual(end.withheld, { problems: 1 });
    assert.deepEqual(end.withheldCategories, ['ivf']);
  });

  test('a connector that throws is reported as an error without sinking the others', async () => {
    const { connector } = harness();
    const broken: Connector = {
      source: source('broken'),
      fetchRecord: () => Promise.reject(new Error('bug')),
    };
    const { views } = harness({ connectors: [broken, connector('hospital')] });
    const view = await views.view(request);
    assert.deepEqual(
      view.sources.map((s) => [s.id, s.status]),
      [
        ['broken', 'error'],
        ['hospital', 'answered'],
      ],
    );
  });
});
