/** @module The pure helpers behind the record page: warnings per area, results, order, the stream. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiClient } from '../../src/web/api-client.ts';
import type { SourceSummary } from '../../src/api/record.ts';
import { resultRow } from '../../src/web/investigation-groups.ts';
import { activeAlerts } from '../../src/web/record-alerts.ts';
import {
  applyCompleteEvent,
  applySourceEvent,
  applyStreamFailure,
  startStreamingRecord,
  streamErrorMessage,
} from '../../src/web/record-stream.ts';
import { compareNewestFirst, triageResource } from '../../src/web/resource-summary.ts';
import {
  generalWarnings,
  isInformationWithheld,
  warningsForSection,
} from '../../src/web/section-warnings.ts';

const GP: SourceSummary = {
  id: 'gp',
  name: 'Riverside Medical Practice',
  organisation: 'A81001',
  status: 'answered',
  elapsedMs: 200,
  message: 'Answered.',
  counts: { medications: 3 },
  warnings: [
    {
      code: 'confidential-items',
      area: 'medications',
      message: 'Some medications were withheld by the GP practice as confidential.',
    },
    { code: 'data-in-transit', message: 'The record is still being transferred.' },
  ],
};
const HOSPITAL: SourceSummary = {
  id: 'hospital',
  name: 'Northgate Teaching Hospitals',
  organisation: 'RXX01',
  status: 'answered',
  elapsedMs: 300,
  message: 'Answered.',
  counts: { investigations: 2 },
  warnings: [{ code: 'page-cap', area: 'Observation', message: 'Only the first 2000 results.' }],
};
const COUNCIL: SourceSummary = {
  id: 'council',
  name: 'City Council Social Care',
  organisation: 'SC003',
  status: 'answered',
  elapsedMs: 300,
  message: 'Answered.',
  counts: { socialCare: 2 },
  warnings: [{ code: 'page-cap', area: 'CarePlan', message: 'Some plans left out.' }],
};

describe('warnings beside each area', () => {
  void test('a GP warning about medications is shown with the medications, named by practice', () => {
    assert.deepEqual(
      warningsForSection([GP, HOSPITAL], 'medications').map((w) => w.text),
      [
        'Riverside Medical Practice: Some medications were withheld by the GP practice as confidential.',
      ],
    );
    assert.deepEqual(warningsForSection([GP], 'allergies'), []);
  });

  void test('a hospital warning about a FHIR resource type lands in that type’s section', () => {
    assert.equal(warningsForSection([HOSPITAL], 'investigations').length, 1);
  });

  void test('a social care system’s warning about care plans is shown in social care', () => {
    assert.equal(warningsForSection([COUNCIL], 'socialCare').length, 1);
    assert.equal(warningsForSection([COUNCIL], 'carePlans').length, 0);
  });

  void test('a warning without an area is shown for the whole record', () => {
    assert.deepEqual(
      generalWarnings([GP, HOSPITAL]).map((w) => w.code),
      ['data-in-transit'],
    );
  });

  void test('withheld information is flagged without a count', () => {
    assert.equal(isInformationWithheld({ informationWithheld: true }), true);
    assert.equal(isInformationWithheld({ informationWithheld: false }), false);
  });
});

describe('results', () => {
  void test('a high result is flagged in words, and its being above range is said too', () => {
    const row = resultRow({
      resourceType: 'Observation',
      code: { text: 'Serum cholesterol' },
      valueQuantity: { value: 5.4, unit: 'mmol/L' },
      interpretation: [{ coding: [{ code: 'H' }] }],
      referenceRange: [{ high: { value: 5, unit: 'mmol/L' } }],
    });
    assert.deepEqual(
      [row.value, row.unit, row.range, row.flag, row.abnormal],
      ['5.4', 'mmol/L', '≤ 5 mmol/L', 'High (above range)', true],
    );
  });

  void test('a value outside its range is flagged even when the source sent no interpretation', () => {
    const row = resultRow({
      resourceType: 'Observation',
      code: { text: 'Sodium' },
      valueQuantity: { value: 128, unit: 'mmol/L' },
      referenceRange: [{ low: { value: 133 }, high: { value: 146 } }],
    });
    assert.equal(row.flag, 'Below range');
    assert.equal(row.abnormal, true);
  });

  void test('blood pressure shows both components as systolic/diastolic', () => {
    const row = resultRow({
      resourceType: 'Observation',
      code: { text: 'Blood pressure' },
      component: [
        {
          code: { text: 'Systolic arterial pressure' },
          valueQuantity: { value: 144, unit: 'mmHg' },
        },
        {
          code: { text: 'Diastolic arterial pressure' },
          valueQuantity: { value: 88, unit: 'mmHg' },
        },
      ],
    });
    assert.deepEqual([row.value, row.unit, row.abnormal], ['144/88', 'mmHg', false]);
  });
});

describe('order within a section', () => {
  const problem = (significance: string, onset: string, status = 'active') => ({
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ code: status }] },
    extension: [
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1',
        valueCode: significance,
      },
    ],
    onsetDateTime: onset,
  });

  void test('active major problems come before minor ones, whatever their dates', () => {
    const items = [problem('minor', '2024-01-01'), problem('major', '1990-01-01')].map(
      (resource) => ({ resource, ...triageResource(resource) }),
    );
    items.sort(compareNewestFirst);
    assert.equal(items[0]?.resource.onsetDateTime, '1990-01-01');
    assert.equal(triageResource(problem('major', '2000-01-01', 'resolved')).inactive, true);
  });

  void test('an ended allergy is never current, even when its status was not sent', () => {
    const ended = {
      resourceType: 'AllergyIntolerance',
      meta: {
        tag: [
          {
            system: 'https://mycarerecord.nhs.uk/fhir/CodeSystem/gp-connect-item',
            code: 'ended-allergy',
          },
        ],
      },
    };
    assert.equal(triageResource(ended).inactive, true);
  });

  void test('an active safeguarding flag becomes an alert shown above the record', () => {
    const alerts = activeAlerts({
      socialCare: [
        {
          source: { sourceId: 'c', system: 'City Council', organisation: 'SC003', retrievedAt: '' },
          resource: {
            resourceType: 'Flag',
            status: 'active',
            code: { text: 'Safeguarding enquiry open' },
            period: { start: '2025-08-01' },
          },
        },
        {
          source: { sourceId: 'c', system: 'City Council', organisation: 'SC003', retrievedAt: '' },
          resource: { resourceType: 'Flag', status: 'inactive', code: { text: 'Old alert' } },
        },
      ],
    });
    assert.deepEqual(
      alerts.map((a) => [a.text, a.since, a.from]),
      [['Safeguarding enquiry open', '01-Aug-2025', 'City Council']],
    );
  });
});

describe('the record arriving over the stream', () => {
  const started = JSON.stringify({
    patient: {
      nhsNumber: '9990000107',
      nhsNumberFormatted: '999 000 0107',
      name: { given: ['Margaret'], family: 'Hughes' },
      restricted: false,
    },
    permission: { id: 'p', basis: 'consent', expiresAt: '2030-01-01T00:00:00Z' },
    sources: [
      { id: 'gp', name: 'Riverside Medical Practice', organisation: 'A81001' },
      { id: 'hospital', name: 'Northgate Teaching Hospitals', organisation: 'RXX01' },
    ],
    hiddenSections: [],
  });
  const item = (id: string) => ({
    source: { sourceId: 'gp', system: 'Riverside', organisation: 'A81001', retrievedAt: '' },
    resource: { resourceType: 'MedicationStatement', id },
  });

  void test('each source waits, then answers with its items added to the sections', () => {
    const first = startStreamingRecord(started);
    assert.ok(first !== undefined);
    assert.deepEqual(
      first.pending.map((s) => s.id),
      ['gp', 'hospital'],
    );
    const afterGp = applySourceEvent(
      first,
      JSON.stringify({ source: GP, sections: { medications: [item('1'), item('2')] } }),
    );
    assert.deepEqual(
      afterGp.pending.map((s) => s.id),
      ['hospital'],
    );
    assert.equal(afterGp.record.sections.medications?.length, 2);
    const afterHospital = applySourceEvent(
      afterGp,
      JSON.stringify({ source: { ...HOSPITAL, status: 'timed-out' }, sections: {} }),
    );
    assert.equal(afterHospital.pending.length, 0);
    const done = applyCompleteEvent(
      afterHospital,
      JSON.stringify({
        sources: [GP, { ...HOSPITAL, status: 'timed-out' }],
        elapsedMs: 3000,
        informationWithheld: true,
        reconciliation: [],
        duplicates: [
          {
            section: 'medications',
            item: { sourceId: 'gp', id: '2' },
            duplicateOf: { sourceId: 'gp', id: '1' },
          },
        ],
      }),
    );
    assert.equal(done.complete, true);
    assert.equal(done.record.informationWithheld, true, 'the "not shown" banner appears');
    assert.deepEqual(
      done.record.sections.medications.map((entry) => entry.duplicateOf?.id),
      [undefined, '1'],
      'the duplicate is marked as the JSON view marks it',
    );
    assert.deepEqual(
      done.record.sources.map((s) => s.status),
      ['answered', 'timed-out'],
    );
  });

  void test('a stream that stops part-way keeps what arrived and says why', () => {
    const first = startStreamingRecord(started);
    assert.ok(first !== undefined);
    const stopped = applyStreamFailure(
      first,
      streamErrorMessage(
        JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'transient',
              details: { text: 'The audit trail is not available.' },
            },
          ],
        }),
      ),
    );
    assert.equal(stopped.failure, 'The audit trail is not available.');
    assert.equal(stopped.pending.length, 2, 'the sources not heard from are still listed');
    assert.equal(startStreamingRecord('not json'), undefined);
    assert.equal(
      applySourceEvent(first, JSON.stringify({ source: { id: 'gp' } })).failure,
      'The record could not be read in full. Try again.',
      'an event of another shape than the contract is not shown, and the clinician is told',
    );
  });
});

describe('single sign-on providers', () => {
  void test('only same-origin sign-in links are offered', async () => {
    const api = createApiClient({
      fetch: () =>
        Promise.resolve(
          new Response(
            JSON.stringify({
              providers: [
                { id: 'oidc', name: 'NHS Care Identity', loginUrl: '/auth/oidc/login' },
                { id: 'evil', name: 'Elsewhere', loginUrl: 'https://evil.example/login' },
                { id: 'evil2', name: 'Elsewhere', loginUrl: '//evil.example/login' },
              ],
            }),
            { status: 200, headers: { 'content-type': 'application/json' } },
          ),
        ),
    });
    const result = await api.listSignInProviders();
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.map((p) => p.name),
      ['NHS Care Identity'],
    );
  });
});
