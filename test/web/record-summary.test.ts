/** @module What the Summary a record opens on says: alerts, allergies told apart, the rest, each line's source. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem, RecordView, SourceSummary } from '../../src/api/record.ts';
import { SECTION_NAMES } from '../../src/api/record.ts';
import { emptyBlockText, summariseRecord } from '../../src/web/record-summary.ts';

const GP: SourceSummary = {
  id: 'gp',
  name: 'Riverside Medical Practice',
  organisation: 'A81001',
  status: 'answered',
  elapsedMs: 200,
  message: 'Answered.',
  counts: {},
  warnings: [],
};
const HOSPITAL: SourceSummary = { ...GP, id: 'hospital', name: 'Northgate Hospital' };
const NRL: SourceSummary = {
  ...GP,
  id: 'nrl',
  name: 'National Record Locator',
  warnings: [
    {
      code: 'crisis-document',
      area: 'carePlans',
      message: 'Mental health crisis plan available from RXX01: see Documents.',
    },
  ],
};

function item(sourceId: string, resource: Record<string, unknown>): RecordItem {
  const system = sourceId === 'gp' ? GP.name : HOSPITAL.name;
  return {
    source: { sourceId, system, organisation: 'X', retrievedAt: '2026-01-01T00:00:00Z' },
    resource: { resourceType: 'Unknown', ...resource },
  };
}

function record(
  sections: Partial<RecordView['sections']>,
  extra: Partial<RecordView> = {},
): RecordView {
  const all = Object.fromEntries(SECTION_NAMES.map((name) => [name, sections[name] ?? []]));
  return {
    patient: {
      nhsNumber: '9990000247',
      nhsNumberFormatted: '999 000 0247',
      name: { given: ['Arthur'], family: 'Pennington' },
      restricted: false,
    },
    permission: { id: 'p', basis: 'consent', expiresAt: '2030-01-01T00:00:00Z' },
    sources: [GP, HOSPITAL],
    informationWithheld: false,
    hiddenSections: [],
    reconciliation: [],
    sections: all as RecordView['sections'],
    ...extra,
  };
}

const WARFARIN = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  clinicalStatus: { coding: [{ code: 'active' }] },
  code: { text: 'Warfarin' },
  reaction: [{ manifestation: [{ text: 'Bleeding' }] }],
  recordedDate: '2024-03-12',
};
const NO_KNOWN_ALLERGY = {
  resourceType: 'AllergyIntolerance',
  id: 'nka',
  code: {
    coding: [{ system: 'http://snomed.info/sct', code: '716186003', display: 'No known allergy' }],
  },
  recordedDate: '2025-06-01',
};

describe('allergies on the summary: what their absence means', () => {
  test('an allergy is listed with its reaction and the system it came from', () => {
    const summary = summariseRecord(record({ allergies: [item('gp', WARFARIN)] }));
    assert.equal(summary.allergies.statement.kind, 'allergies');
    assert.deepEqual(summary.allergies.lines, [
      {
        title: 'Warfarin',
        detail: 'Bleeding',
        date: '12-Mar-2024',
        from: 'Riverside Medical Practice',
      },
    ]);
  });

  test('"no known allergies" recorded by the GP is an answer, with its date and source', () => {
    const summary = summariseRecord(record({ allergies: [item('gp', NO_KNOWN_ALLERGY)] }));
    assert.deepEqual(summary.allergies.statement, {
      kind: 'no-known-allergies',
      from: 'Riverside Medical Practice',
      date: '01-Jun-2025',
    });
    assert.equal(summary.allergies.lines.length, 0);
    assert.equal(summary.allergies.state, 'shown');
  });

  test('a List whose empty reason is "nil known" also records no known allergies', () => {
    const list = {
      resourceType: 'List',
      id: 'l',
      emptyReason: { coding: [{ code: 'nilknown' }] },
      date: '2025-02-03',
    };
    const summary = summariseRecord(record({ allergies: [item('hospital', list)] }));
    assert.equal(summary.allergies.statement.kind, 'no-known-allergies');
  });

  test('nothing from any system that answered is "no allergy information returned", not NKA', () => {
    const summary = summariseRecord(record({}));
    assert.deepEqual(summary.allergies.statement, { kind: 'none-returned' });
    assert.deepEqual(summary.allergies.notAnswered, []);
  });

  test('a system that did not answer is named: its allergies are not known', () => {
    const summary = summariseRecord(
      record({}, { sources: [GP, { ...HOSPITAL, status: 'timed-out' }] }),
    );
    assert.deepEqual(summary.allergies.notAnswered, ['Northgate Hospital']);
    assert.deepEqual(summary.completeness.notAnswered, [
      { name: 'Northgate Hospital', reason: 'Did not answer in time' },
    ]);
  });

  test('while systems are still answering, nothing is claimed about allergies', () => {
    const summary = summariseRecord(record({}), { waiting: 1 });
    assert.deepEqual(summary.allergies.statement, { kind: 'unknown' });
    assert.equal(summary.allergies.state, 'waiting');
    assert.equal(summary.completeness.waiting, 1);
  });
});

describe('the rest of the summary', () => {
  test('a safeguarding flag, a DNACPR care plan and an NRL crisis plan are alerts', () => {
    const flag = {
      resourceType: 'Flag',
      status: 'active',
      code: { text: 'Child protection plan' },
      period: { start: '2025-08-01' },
    };
    const plan = {
      resourceType: 'CarePlan',
      status: 'active',
      title: 'End of life care plan',
      description: 'Do not attempt CPR form completed.',
      created: '2025-09-10',
    };
    const ordinary = { resourceType: 'CarePlan', status: 'active', title: 'Self care plan' };
    const summary = summariseRecord(
      record(
        {
          socialCare: [item('gp', flag)],
          carePlans: [item('hospital', plan), item('gp', ordinary)],
        },
        { sources: [GP, HOSPITAL, NRL] },
      ),
    );
    assert.deepEqual(
      summary.alerts.map((alert) => [alert.title, alert.from]),
      [
        ['Child protection plan', 'Riverside Medical Practice'],
        ['End of life care plan', 'Northgate Hospital'],
        [
          'Mental health crisis plan available from RXX01: see Documents.',
          'National Record Locator',
        ],
      ],
    );
  });

  test('current medicines only, each once, naming every system that holds it', () => {
    const current = item('gp', {
      resourceType: 'MedicationStatement',
      id: 'm1',
      status: 'active',
      medicationCodeableConcept: { text: 'Apixaban 5mg tablets' },
    });
    const copy = {
      ...item('hospital', { resourceType: 'MedicationStatement', id: 'm2', status: 'active' }),
      duplicateOf: { sourceId: 'gp', id: 'm1' },
    };
    const stopped = item('gp', {
      resourceType: 'MedicationStatement',
      id: 'm3',
      status: 'stopped',
      medicationCodeableConcept: { text: 'Simvastatin 40mg tablets' },
    });
    const summary = summariseRecord(
      record({
        medications: [
          { ...current, alsoFrom: [{ sourceId: 'hospital', id: 'm2' }] },
          copy,
          stopped,
        ],
      }),
    );
    assert.deepEqual(
      summary.medicines.lines.map((line) => [line.title, line.from]),
      [['Apixaban 5mg tablets', 'Riverside Medical Practice and Northgate Hospital']],
    );
  });

  test('recent encounters newest first, an inpatient stay called an admission, the rest counted', () => {
    const encounters = Array.from({ length: 7 }, (_, n) =>
      item('hospital', {
        resourceType: 'Encounter',
        id: `e${n}`,
        status: 'finished',
        class: { code: n === 6 ? 'IMP' : 'AMB' },
        type: [{ text: n === 6 ? 'Emergency admission' : `Clinic ${n}` }],
        period: { start: `2025-0${n + 1}-01` },
      }),
    );
    const summary = summariseRecord(record({ encounters }));
    assert.deepEqual(summary.encounters.lines[0], {
      title: 'Emergency admission',
      detail: 'Admission',
      date: '01-Jul-2025',
      from: 'Northgate Hospital',
    });
    assert.equal(summary.encounters.lines.length, 5);
    assert.equal(summary.encounters.more, 2);
  });

  test('a section the role may not see says so, not "nothing returned"', () => {
    const summary = summariseRecord(record({}, { hiddenSections: ['encounters'] }));
    assert.equal(summary.encounters.state, 'hidden');
    assert.equal(emptyBlockText(summary.encounters), 'Encounters: not available to your role.');
    assert.equal(summary.problems.state, 'none-returned');
    assert.equal(
      emptyBlockText(summary.problems),
      'No problems were returned by the systems that answered.',
    );
  });
});
