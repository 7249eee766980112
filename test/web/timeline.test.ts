/**
 * @module The timeline: encounters, admissions, results, documents and referrals from every source
 * in one list, newest first, each line with its source and UK date; filtered by source and type.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem, RecordView, SectionName } from '../../src/api/record.ts';
import { SECTION_NAMES } from '../../src/api/record.ts';
import {
  buildTimeline,
  filterTimeline,
  timelineChoices,
  timelineTitle,
} from '../../src/web/timeline.ts';

const SYSTEMS: Record<string, string> = {
  gp: 'Riverside Medical Practice',
  hospital: 'Northgate Hospital',
  community: 'Dales Community Health',
};

function item(
  sourceId: string,
  resource: RecordItem['resource'],
  duplicateOf?: RecordItem['duplicateOf'],
): RecordItem {
  return {
    source: {
      sourceId,
      system: SYSTEMS[sourceId] ?? sourceId,
      organisation: 'X1',
      retrievedAt: '2026-01-01T00:00:00Z',
    },
    resource,
    ...(duplicateOf === undefined ? {} : { duplicateOf }),
  };
}

function record(
  sections: Partial<Record<SectionName, RecordItem[]>>,
): Pick<RecordView, 'sections' | 'sources'> {
  const all = Object.fromEntries(SECTION_NAMES.map((name) => [name, sections[name] ?? []]));
  return {
    sections: all as RecordView['sections'],
    sources: Object.entries(SYSTEMS).map(([id, name]) => ({
      id,
      name,
      organisation: 'X1',
      status: 'answered',
      elapsedMs: 10,
      message: '',
      counts: {},
      warnings: [],
    })),
  };
}

const surgery = item('gp', {
  resourceType: 'Encounter',
  id: 'enc-1',
  status: 'finished',
  class: { code: 'AMB' },
  type: [{ text: 'Surgery consultation' }],
  period: { start: '2025-03-10T09:30:00Z' },
});
const admission = item('hospital', {
  resourceType: 'Encounter',
  id: 'adm-1',
  status: 'finished',
  class: { code: 'IMP', display: 'inpatient encounter' },
  type: [{ text: 'Emergency admission' }],
  period: { start: '2025-06-02T14:00:00Z', end: '2025-06-09T11:00:00Z' },
});
const potassium = item('hospital', {
  resourceType: 'Observation',
  id: 'obs-k',
  status: 'final',
  code: { text: 'Serum potassium' },
  effectiveDateTime: '2025-06-03T08:00:00Z',
  valueQuantity: { value: 4.1, unit: 'mmol/L' },
});
const report = item('hospital', {
  resourceType: 'DiagnosticReport',
  id: 'rep-1',
  status: 'final',
  code: { text: 'Urea and electrolytes' },
  effectiveDateTime: '2025-06-03T08:00:00Z',
  result: [{ reference: 'Observation/obs-k' }],
});
const discharge = item('hospital', {
  resourceType: 'DocumentReference',
  id: 'doc-1',
  status: 'current',
  type: { text: 'Discharge summary' },
  date: '2025-06-09T12:00:00Z',
});
const referral = item('gp', {
  resourceType: 'ServiceRequest',
  id: 'ref-1',
  status: 'active',
  intent: 'order',
  code: { text: 'Referral to heart failure nurse' },
  authoredOn: '2025-07-01',
});
const visit = item('community', {
  resourceType: 'Encounter',
  id: 'visit-1',
  status: 'finished',
  class: { code: 'HH' },
  type: [{ text: 'Home visit' }],
  period: { start: '2025-08-15T10:00:00Z' },
});
const visitCopy = item(
  'gp',
  { ...visit.resource, id: 'gp-visit-1' },
  { sourceId: 'community', id: 'visit-1' },
);
const finding = item('gp', {
  resourceType: 'Observation',
  id: 'obs-oe',
  status: 'final',
  code: { text: 'O/E - heart sounds normal' },
  effectiveDateTime: '2025-03-10T09:30:00Z',
});
const comment = item('gp', {
  resourceType: 'Observation',
  id: 'obs-comment',
  status: 'final',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '37331000000100' }] },
  effectiveDateTime: '2025-03-10T09:30:00Z',
  valueString: 'Filed.',
});
const undated = item('gp', { resourceType: 'Encounter', id: 'enc-x', status: 'unknown' });

const margaret = record({
  encounters: [surgery, admission, visit, visitCopy, undated],
  investigations: [potassium, report, finding, comment],
  documents: [discharge],
  referrals: [referral],
});

describe('the timeline across every source', () => {
  test('newest first, each line with its type, title, UK date and source; undated last', () => {
    const lines = buildTimeline(margaret);
    assert.deepEqual(
      lines.map((line) => [line.dateText, line.type, line.source]),
      [
        ['15-Aug-2025', 'encounter', 'Dales Community Health'],
        ['01-Jul-2025', 'referral', 'Riverside Medical Practice'],
        ['09-Jun-2025', 'document', 'Northgate Hospital'],
        ['03-Jun-2025', 'result', 'Northgate Hospital'],
        ['02-Jun-2025', 'admission', 'Northgate Hospital'],
        ['10-Mar-2025', 'encounter', 'Riverside Medical Practice'],
        ['', 'encounter', 'Riverside Medical Practice'],
      ],
    );
    assert.match(lines[1] === undefined ? '' : timelineTitle(lines[1]), /heart failure nurse/);
    assert.match(
      lines[3] === undefined ? '' : timelineTitle(lines[3]),
      /Urea and electrolytes/,
      'the report, not its result',
    );
    assert.ok(
      lines.every((line) => !/heart sounds|Comment/.test(timelineTitle(line))),
      'a finding without a value and a filing comment are not results',
    );
  });

  test('an entry two sources reported is one line naming both', () => {
    const [visitLine] = buildTimeline(margaret);
    assert.deepEqual(visitLine?.sourceIds, ['community', 'gp']);
    assert.equal(visitLine?.sources, 'Dales Community Health and Riverside Medical Practice');
  });

  test('filtering by a source keeps only what that source reported; by type only that type', () => {
    const lines = buildTimeline(margaret);
    const hospital = filterTimeline(lines, { source: 'hospital', type: 'all' });
    assert.equal(hospital.length, 3);
    assert.ok(hospital.every((line) => line.sourceIds.includes('hospital')));
    const gp = filterTimeline(lines, { source: 'gp', type: 'all' });
    assert.equal(
      gp.length,
      4,
      'the surgery visit, the referral, the undated entry and the shared home visit',
    );
    assert.deepEqual(
      filterTimeline(lines, { source: 'all', type: 'admission' }).map((line) => line.key),
      ['hospital|Encounter/adm-1'],
    );
    assert.deepEqual(filterTimeline(lines, { source: 'community', type: 'referral' }), []);
  });

  test('the filters offer the sources and types present', () => {
    const lines = buildTimeline(margaret);
    const choices = timelineChoices(lines, margaret.sources);
    assert.deepEqual(
      choices.sources.map((source) => source.id),
      ['gp', 'hospital', 'community'],
    );
    assert.deepEqual(choices.types, ['encounter', 'admission', 'result', 'document', 'referral']);
  });

  test('an empty record has an empty timeline', () => {
    assert.deepEqual(buildTimeline(record({})), []);
  });
});
