/** @module Unit tests for what the record page shows for each kind of FHIR R4 resource. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixtureJson } from '../support/fixtures.ts';
import {
  compareNewestFirst,
  summariseResource,
  triageResource,
  type ItemSummary,
} from '../../src/web/resource-summary.ts';

function detail(summary: ItemSummary, label: string): string | undefined {
  return summary.details.find((d) => d.label === label)?.value;
}

function flags(summary: ItemSummary): string[] {
  return summary.flags.map((f) => f.text);
}

void describe('medications', () => {
  void test('a medication held in a contained Medication is named from it, with dosage and dates', () => {
    const summary = summariseResource({
      resourceType: 'MedicationStatement',
      id: 'm1',
      status: 'active',
      contained: [
        { resourceType: 'Medication', id: 'med', code: { text: 'Ramipril 5mg capsules' } },
      ],
      medicationReference: { reference: '#med' },
      dosage: [{ text: 'One capsule daily' }],
      effectivePeriod: { start: '2023-01-10' },
    });
    assert.equal(summary.title, 'Ramipril 5mg capsules');
    assert.equal(detail(summary, 'Dose'), 'One capsule daily');
    assert.equal(summary.date, 'From 10-Jan-2023');
    assert.deepEqual(flags(summary), ['Active']);
    assert.equal(summary.inactive, false);
  });

  void test('a medication referenced elsewhere in the record is named through the resolver', () => {
    const medication = {
      resourceType: 'Medication',
      id: '7',
      code: { coding: [{ display: 'Amoxicillin 500mg' }] },
    };
    const summary = summariseResource(
      {
        resourceType: 'MedicationRequest',
        intent: 'order',
        status: 'completed',
        medicationReference: { reference: 'Medication/7' },
        authoredOn: '2024-02-01',
      },
      (reference) => (reference === 'Medication/7' ? medication : undefined),
    );
    assert.equal(summary.title, 'Amoxicillin 500mg');
    assert.equal(detail(summary, 'Prescribed'), '01-Feb-2024');
    assert.equal(summary.inactive, true, 'a completed issue is kept apart from current medication');
    assert.equal(summary.date, '01-Feb-2024');
  });

  void test('a structured dose without text is spelled out', () => {
    const summary = summariseResource({
      resourceType: 'MedicationStatement',
      medicationCodeableConcept: { text: 'Paracetamol 500mg tablets' },
      dosage: [
        {
          doseAndRate: [{ doseQuantity: { value: 2, unit: 'tablet' } }],
          timing: { repeat: { frequency: 4, period: 1, periodUnit: 'd' } },
        },
      ],
    });
    assert.equal(detail(summary, 'Dose'), '2 tablet, 4 times every 1 d');
  });
});

void describe('allergies', () => {
  void test('an allergy shows substance, reaction, severity and is flagged when severe', () => {
    const summary = summariseResource({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ code: 'active' }] },
      code: { text: 'Penicillin' },
      criticality: 'high',
      reaction: [{ manifestation: [{ text: 'Anaphylaxis' }], severity: 'severe' }],
      recordedDate: '2019-05-01',
    });
    assert.equal(summary.title, 'Penicillin');
    assert.equal(detail(summary, 'Reaction'), 'Anaphylaxis');
    assert.equal(detail(summary, 'Severity'), 'Severe');
    assert.ok(flags(summary).includes('Severe reaction'));
    assert.equal(summary.inactive, false);
  });

  void test('a resolved allergy is marked inactive so it is shown apart from active ones', () => {
    const summary = summariseResource({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ code: 'resolved' }] },
      code: { coding: [{ display: 'Peanuts' }] },
    });
    assert.equal(summary.inactive, true);
    assert.ok(flags(summary).includes('Resolved'));
  });
});

void describe('problems, results and events', () => {
  void test('a condition shows its code, status and onset', () => {
    const summary = summariseResource({
      resourceType: 'Condition',
      code: { text: 'Type 2 diabetes' },
      clinicalStatus: { coding: [{ code: 'active' }] },
      onsetDateTime: '2015-06-01',
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1',
          valueCode: 'major',
        },
      ],
    });
    assert.equal(summary.title, 'Type 2 diabetes');
    assert.equal(detail(summary, 'Onset'), '01-Jun-2015');
    assert.ok(flags(summary).includes('Major'));
  });

  void test('an abnormal result shows value, unit, reference range and an alert flag', () => {
    const summary = summariseResource({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Serum potassium' },
      valueQuantity: { value: 6.1, unit: 'mmol/L' },
      referenceRange: [
        { low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.3, unit: 'mmol/L' } },
      ],
      interpretation: [{ coding: [{ code: 'H' }] }],
      effectiveDateTime: '2024-07-01T09:30:00+01:00',
    });
    assert.equal(summary.value, '6.1 mmol/L');
    assert.equal(detail(summary, 'Reference range'), '3.5 to 5.3 mmol/L');
    assert.deepEqual(summary.flags, [{ text: 'High', tone: 'alert' }]);
    assert.equal(summary.date, '01-Jul-2024 09:30');
  });

  void test('a blood pressure shows both components', () => {
    const summary = summariseResource({
      resourceType: 'Observation',
      code: { text: 'Blood pressure' },
      component: [
        { code: { text: 'Systolic' }, valueQuantity: { value: 120, unit: 'mmHg' } },
        { code: { text: 'Diastolic' }, valueQuantity: { value: 80, unit: 'mmHg' } },
      ],
    });
    assert.equal(summary.value, 'Systolic 120 mmHg, Diastolic 80 mmHg');
  });

  void test('an encounter shows its type, class in words and when it happened', () => {
    const summary = summariseResource({
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'EMER' },
      type: [{ text: 'A&E attendance' }],
      period: { start: '2024-01-02T10:00:00Z', end: '2024-01-02T14:00:00Z' },
    });
    assert.equal(summary.title, 'A&E attendance');
    assert.equal(detail(summary, 'Class'), 'Emergency');
    assert.equal(detail(summary, 'When'), '02-Jan-2024 10:00 to 02-Jan-2024 14:00');
  });

  void test('an immunisation not given says so', () => {
    const summary = summariseResource({
      resourceType: 'Immunization',
      status: 'not-done',
      vaccineCode: { text: 'Influenza vaccine' },
      statusReason: { text: 'Patient declined' },
      occurrenceDateTime: '2023-10-01',
    });
    assert.equal(summary.title, 'Influenza vaccine');
    assert.ok(flags(summary).includes('Not given'));
    assert.equal(detail(summary, 'Why not given'), 'Patient declined');
  });

  void test('documents, care plans and referrals have a title and date', () => {
    const doc = summariseResource({
      resourceType: 'DocumentReference',
      status: 'current',
      type: { text: 'Discharge summary' },
      date: '2024-02-03T10:00:00Z',
    });
    assert.equal(doc.title, 'Discharge summary');
    assert.equal(doc.date, '03-Feb-2024');
    const plan = summariseResource({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      title: 'Falls prevention',
    });
    assert.equal(plan.title, 'Falls prevention');
    const referral = summariseResource({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      code: { text: 'Cardiology referral' },
      authoredOn: '2024-05-06',
    });
    assert.equal(referral.title, 'Cardiology referral');
    assert.ok(flags(referral).includes('Urgent'));
  });
});

void describe('unknown and broken resources', () => {
  void test('an unknown resource type falls back to its type and id', () => {
    const summary = summariseResource({ resourceType: 'Banana', id: 'b1' });
    assert.equal(summary.title, 'Banana b1');
    assert.equal(summary.kind, 'Banana');
  });

  void test('wrongly typed fields do not crash and still give a title', () => {
    const odd = [
      { resourceType: 'Condition', code: 42, onsetDateTime: { nope: true } },
      { resourceType: 'Observation', valueQuantity: 'six', referenceRange: 'x', component: 'y' },
      {
        resourceType: 'MedicationStatement',
        dosage: 'daily',
        contained: 'x',
        medicationReference: { reference: '#none' },
      },
      { resourceType: 'AllergyIntolerance', reaction: [null, 3, { manifestation: 'x' }] },
      { resourceType: 'Encounter', class: 'AMB', period: [] },
      null,
      'text',
      [],
    ];
    for (const resource of odd) {
      const summary = summariseResource(resource);
      assert.ok(summary.title.length > 0, `no title for ${JSON.stringify(resource)}`);
    }
    assert.equal(summariseResource(null).title, 'Unreadable entry');
    assert.equal(summariseResource({ resourceType: 'Condition', id: 'c9' }).title, 'Condition c9');
  });

  void test('every resource in a real Synthea patient record is summarised with a title', () => {
    const bundle = readFixtureJson('fhir-r4/synthea-r4-Kermit_Trantow.json') as {
      entry: { resource: unknown }[];
    };
    assert.ok(bundle.entry.length > 50);
    for (const { resource } of bundle.entry) {
      const summary = summariseResource(resource);
      assert.ok(summary.title.trim().length > 0);
      assert.doesNotMatch(summary.title, /undefined|\[object Object\]/);
      for (const d of summary.details) assert.doesNotMatch(d.value, /undefined|\[object Object\]/);
    }
  });
});

void describe('ordering and splitting large sections', () => {
  void test('items are newest first, undated last', () => {
    const resources = [
      { resourceType: 'Condition', id: 'old', onsetDateTime: '2001-01-01' },
      { resourceType: 'Condition', id: 'undated' },
      { resourceType: 'Condition', id: 'new', onsetDateTime: '2024-01-01T10:00:00Z' },
      { resourceType: 'Condition', id: 'garbled', onsetDateTime: 'yesterday' },
    ];
    const sorted = resources
      .map((resource) => ({ resource, ...triageResource(resource) }))
      .sort(compareNewestFirst)
      .map((item) => item.resource.id);
    assert.deepEqual(sorted, ['new', 'old', 'undated', 'garbled']);
  });

  void test('triage and the full summary agree on what is current', () => {
    const resources = [
      { resourceType: 'AllergyIntolerance', clinicalStatus: { coding: [{ code: 'resolved' }] } },
      {
        resourceType: 'AllergyIntolerance',
        clinicalStatus: { coding: [{ code: 'active' }] },
        verificationStatus: { coding: [{ code: 'entered-in-error' }] },
      },
      { resourceType: 'Condition', clinicalStatus: { coding: [{ code: 'active' }] } },
      { resourceType: 'MedicationStatement', status: 'stopped' },
      { resourceType: 'MedicationRequest', status: 'active' },
      { resourceType: 'Immunization', status: 'completed' },
      { resourceType: 'Observation', status: 'entered-in-error' },
      { resourceType: 'Encounter', status: 'finished' },
    ];
    const expected = [true, true, false, true, false, false, true, false];
    for (const [i, resource] of resources.entries()) {
      assert.equal(triageResource(resource).inactive, expected[i], JSON.stringify(resource));
      assert.equal(summariseResource(resource).inactive, expected[i], JSON.stringify(resource));
    }
  });

  void test('triaging five thousand results is quick enough for the page to stay responsive', () => {
    const many = Array.from({ length: 5000 }, (_, k) => ({
      resourceType: 'Observation',
      status: 'final',
      effectiveDateTime: new Date(Date.UTC(2000, 0, 1) + k * 86_400_000).toISOString(),
    }));
    const started = performance.now();
    const sorted = many.map((r) => triageResource(r)).sort(compareNewestFirst);
    const elapsed = performance.now() - started;
    assert.equal(sorted[0]?.sortDate, many[4999]?.effectiveDateTime);
    assert.ok(elapsed < 250, `took ${elapsed.toFixed(0)} ms`);
  });
});

void describe('referral titles in words', () => {
  void test('a referral with only a code for what is requested is titled by its category’s words', () => {
    const summary = summariseResource({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '183524004' }] },
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
    });
    assert.equal(summary.title, 'Referral');
  });

  void test('a referral whose request has words is titled by them', () => {
    const summary = summariseResource({
      resourceType: 'ServiceRequest',
      code: { coding: [{ code: '183524004', display: 'Referral to psychiatry service' }] },
      category: [{ coding: [{ code: '3457005' }] }],
    });
    assert.equal(summary.title, 'Referral to psychiatry service');
  });
});
