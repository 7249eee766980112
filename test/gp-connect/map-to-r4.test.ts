/** @module GP Connect STU3 → FHIR R4: what a clinician relies on survives the mapping, with provenance. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixtureJson } from '../support/fixtures.ts';
import { mapStructuredRecord, type MappedItem } from '../../src/record/gp-connect/map-to-r4.ts';
import { readConsultationTopics } from '../../src/record/gp-connect/consultation-structure.ts';
import { extractDemographics } from '../../src/record/gp-connect/patient-demographics.ts';

const provenance = {
  sourceId: 'gp-a',
  system: 'Coxwold Surgery',
  organisation: 'A12345',
  retrievedAt: '2025-01-01T00:00:00Z',
};
const fullRecord = mapStructuredRecord(
  readFixtureJson('gp-connect/suppliers/full_record.json'),
  provenance,
);

function find<T extends fhir4.FhirResource>(
  items: readonly MappedItem[],
  type: T['resourceType'],
  id: string,
): MappedItem & { resource: T } {
  const found = items.find(
    (item) => item.resource.resourceType === type && item.resource.id === id,
  );
  assert.ok(found, `${type}/${id} should be mapped`);
  return found as MappedItem & { resource: T };
}

void describe('GP Connect record mapped to FHIR R4', () => {
  void test('a repeat medication keeps its authorisation, issues, last issue date, prescriber, quantity and dosage', () => {
    const { section, resource } = find<fhir4.MedicationStatement>(
      fullRecord.items,
      'MedicationStatement',
      '1',
    );
    assert.equal(section, 'medications');
    assert.equal(resource.medicationReference?.display, 'Sertraline 100mg tablets');
    assert.equal(resource.dosage?.[0]?.text, '1 tablet once a day');
    assert.equal(
      resource.extension?.find((e) =>
        e.url.endsWith('Extension-UKCore-MedicationStatementLastIssueDate'),
      )?.valueDateTime,
      '2018-08-17',
    );
    assert.equal(
      resource.extension.find((e) => e.url.endsWith('gpc-number-of-issues'))?.valueUnsignedInt,
      11,
    );
    const contained = resource.contained ?? [];
    const plan = contained.find(
      (c) => `#${c.id ?? ''}` === resource.basedOn?.[0]?.reference,
    ) as fhir4.MedicationRequest;
    assert.equal(plan.intent, 'plan');
    assert.equal(plan.requester?.display, 'Miss Nichole Gilbert');
    assert.equal(plan.dispenseRequest?.quantity?.extension?.[0]?.valueString, '28');
    const issues = contained.filter(
      (c): c is fhir4.MedicationRequest =>
        c.resourceType === 'MedicationRequest' && (c as fhir4.MedicationRequest).intent === 'order',
    );
    assert.equal(issues.length, 11);
    for (const issue of issues) assert.equal(issue.basedOn?.[0]?.reference, `#${plan.id ?? ''}`);
    assert.equal(resource.derivedFrom?.length, 11);
  });

  void test('every item keeps its original id and names the practice it came from', () => {
    for (const { resource } of fullRecord.items) {
      assert.ok(resource.id !== undefined && resource.id !== '');
      assert.equal(resource.meta?.source, 'urn:mcr:source:gp-a');
      assert.ok(
        resource.meta.tag?.some(
          (tag) =>
            tag.system === 'https://fhir.nhs.uk/Id/ods-organization-code' && tag.code === 'A12345',
        ),
      );
    }
  });

  void test('an ended allergy is resolved, tagged as ended and comes after the active ones', () => {
    const allergies = fullRecord.items
      .filter((item) => item.section === 'allergies')
      .map((item) => item.resource as fhir4.AllergyIntolerance);
    const ended = allergies.filter((allergy) =>
      allergy.meta?.tag?.some((tag) => tag.code === 'ended-allergy'),
    );
    assert.equal(ended.length, 1);
    assert.equal(ended[0]?.clinicalStatus?.coding?.[0]?.code, 'resolved');
    assert.equal(allergies.at(-1), ended[0]);
    assert.equal(allergies[0]?.clinicalStatus?.coding?.[0]?.code, 'active');
  });

  void test('a problem keeps its significance, status and linked items', () => {
    const { resource } = find<fhir4.Condition>(fullRecord.items, 'Condition', 'AllergiesProblem');
    assert.equal(resource.clinicalStatus?.coding?.[0]?.code, 'active');
    assert.equal(
      resource.extension?.find((e) => e.url.endsWith('Extension-UKCore-ProblemSignificance'))
        ?.valueCode,
      'major',
    );
    assert.equal(
      resource.extension.find((e) => e.url.endsWith('Extension-UKCore-RelatedClinicalContent'))
        ?.valueReference?.reference,
      'AllergyIntolerance/29',
    );
  });

  void test('a consultation keeps its topics, the problem each was about, its categories and entries', () => {
    const { resource } = find<fhir4.Encounter>(fullRecord.items, 'Encounter', 'Encounter1');
    const topics = readConsultationTopics(resource);
    assert.equal(topics.length, 5);
    assert.equal(topics[0]?.title, 'Anxiety with Depression');
    assert.equal(topics[0].problem?.reference, 'Condition/Problem-A-Anxiety-With-Depression');
    assert.deepEqual(
      topics[0].categories.map((category) => category.title),
      ['History', 'Examination', 'Social', 'Plan'],
    );
    const entries = topics.flatMap((topic) => [
      ...topic.entries,
      ...topic.categories.flatMap((category) => category.entries),
    ]);
    const shown = new Set(
      fullRecord.items.map((item) => `${item.resource.resourceType}/${item.resource.id ?? ''}`),
    );
    // The one entry the practice sent without naming a patient is left out (see patient-ownership).
    const unnamed = 'Observation/Consultation1-Topic1-Category-Plan-Observation-2';
    assert.equal(fullRecord.notThisPatient['no-subject'], 1);
    assert.ok(!shown.has(unnamed));
    for (const entry of entries.filter(
      (candidate) => candidate.reference !== undefined && candidate.reference !== unnamed,
    )) {
      assert.ok(shown.has(entry.reference ?? ''), `${entry.reference ?? ''} is shown somewhere`);
    }
    // The practice's own placeholder text for what it cannot send is kept for the clinician to read.
    assert.ok(
      entries.some(
        (entry) => entry.reference === undefined && /not supported/.test(entry.display ?? ''),
      ),
    );
  });

  void test('a blood pressure keeps its systolic and diastolic components', () => {
    const { section, resource } = find<fhir4.Observation>(
      fullRecord.items,
      'Observation',
      'Consultation1-Topic3-flat-Observation-2',
    );
    assert.equal(section, 'investigations');
    assert.equal(resource.component?.length, 2);
    assert.equal(resource.component[0]?.valueQuantity?.value, 130);
    assert.equal(resource.encounter?.reference, 'Encounter/Encounter1');
  });

  void test('a test report is followed by its results, and a document carries metadata only', () => {
    const index = fullRecord.items.findIndex(
      (item) => item.resource.resourceType === 'DiagnosticReport',
    );
    const report = fullRecord.items[index]?.resource as fhir4.DiagnosticReport;
    const following = fullRecord.items.slice(index + 1, index + 1 + (report.result?.length ?? 0));
    assert.deepEqual(
      following.map((item) => `Observation/${item.resource.id ?? ''}`),
      report.result?.map((ref) => ref.reference),
    );
    assert.equal(report.basedOn?.[0]?.reference?.startsWith('ServiceRequest/'), true);
    const document = fullRecord.items.find((item) => item.section === 'documents')
      ?.resource as fhir4.DocumentReference;
    for (const content of document.content) assert.equal(content.attachment.url, undefined);
  });

  void test('immunisations, referrals and diary entries land in their sections', () => {
    const sections = (type: string): string[] => [
      ...new Set(
        fullRecord.items
          .filter((item) => item.resource.resourceType === type)
          .map((item) => item.section),
      ),
    ];
    assert.deepEqual(sections('Immunization'), ['immunisations']);
    const diary = mapStructuredRecord(
      readFixtureJson('gp-connect/suppliers/DiaryEntries_ConsumerData_v0_2.json'),
      provenance,
    );
    assert.equal(diary.items.filter((item) => item.section === 'carePlans').length, 6);
    const referrals = mapStructuredRecord(
      readFixtureJson('gp-connect/suppliers/Referrals_ConsumerData_v0_3.json'),
      provenance,
    );
    const referral = referrals.items.filter((item) => item.section === 'referrals');
    assert.equal(referral.length, 7);
    assert.ok(referral.every((item) => item.resource.resourceType === 'ServiceRequest'));
  });

  void test('the patient is mapped and their demographics can be extracted for the identity check', () => {
    assert.equal(fullRecord.patient?.resourceType, 'Patient');
    const demographics = extractDemographics(
      readFixtureJson('gp-connect/spec/gpc-spec-meds_response.json'),
    );
    assert.equal(demographics?.nhsNumber, '9999999999');
    assert.equal(demographics.family, 'Jackson');
    assert.deepEqual(demographics.given, ['Jane']);
    assert.equal(demographics.birthDate, '1952-05-31');
    assert.equal(demographics.gender, 'female');
    assert.equal(extractDemographics({ resourceType: 'Bundle', entry: [] }), undefined);
  });
});
