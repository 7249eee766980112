/** @module The synthetic population: deterministic, valid NHS numbers, scales without generating everyone, and GP Connect Bundles shaped like real suppliers'. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidNhsNumber } from '../../src/identity/nhs-number.ts';
import { createPopulation } from '../../sim/population/create-population.ts';
import { curatedConcepts } from '../../sim/population/data/code-list.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import type { SimPopulation } from '../../sim/population/population.ts';
import { ALL_AREAS, snomedCodings, wholeRecord } from './population-helpers.ts';

function practiceOf(population: SimPopulation, nhsNumber: string): string {
  return population.pdsPatient(nhsNumber)?.generalPractitioner?.[0]?.identifier?.value ?? 'A81001';
}

function everything(population: SimPopulation, nhsNumber: string): string {
  return JSON.stringify({
    pds: population.pdsPatient(nhsNumber),
    gp: population.gpConnectRecord(wholeRecord(practiceOf(population, nhsNumber), nhsNumber)),
    hospital: population.r4Record('hospital', nhsNumber),
    community: population.r4Record('community', nhsNumber),
    social: population.r4Record('social-care', nhsNumber),
  });
}

const SAMPLE = [0, 1, 2, 9, 11, 12, 40, 77, 150, 199];

void describe('synthetic population', () => {
  void test('the same seed gives byte-identical records from every source', () => {
    const a = createPopulation({ seed: 7, size: 200 });
    const b = createPopulation({ seed: 7, size: 200 });
    for (const i of SAMPLE) {
      const nhs = a.nhsNumberAt(i);
      assert.equal(nhs, b.nhsNumberAt(i));
      assert.equal(
        everything(a, nhs),
        everything(b, nhs),
        `patient ${i} differs between identical seeds`,
      );
    }
  });

  void test('a different seed gives different patients', () => {
    const a = createPopulation({ seed: 1, size: 200 });
    const b = createPopulation({ seed: 2, size: 200 });
    const differing = SAMPLE.filter(
      (i) => everything(a, a.nhsNumberAt(i)) !== everything(b, b.nhsNumberAt(i)),
    );
    assert.ok(
      differing.length >= SAMPLE.length - 1,
      'almost every patient should differ with another seed',
    );
  });

  void test('defaults are seed 1 and 500 patients, personas first', () => {
    const population = createPopulation({});
    assert.equal(population.seed, 1);
    assert.equal(population.size, 500);
    PERSONAS.forEach((persona, i) => {
      assert.equal(population.nhsNumberAt(i), persona.nhsNumber);
    });
    assert.deepEqual(
      population.practices.map((p) => p.ods),
      ['A81001', 'B82002'],
    );
  });

  void test('NHS numbers are valid test numbers in the 999 range and unique over the first 10,000', () => {
    const population = createPopulation({ size: 10_000 });
    const seen = new Set<string>();
    for (let i = 0; i < population.size; i++) {
      const nhs = population.nhsNumberAt(i);
      assert.ok(isValidNhsNumber(nhs), `${nhs} fails Modulus 11`);
      assert.ok(nhs.startsWith('999'), `${nhs} is outside the test range`);
      assert.ok(population.has(nhs));
      seen.add(nhs);
    }
    assert.equal(seen.size, 10_000);
    assert.throws(() => population.nhsNumberAt(10_000), RangeError);
    assert.equal(population.has('9990000000'), false);
    assert.equal(population.has('9000000009'), false);
  });

  void test('a population of 100,000 answers for its last patient without generating everyone', () => {
    const population = createPopulation({ size: 100_000 });
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const last = population.nhsNumberAt(99_999);
    assert.ok(population.has(last));
    const pds = population.pdsPatient(last);
    const elapsed = performance.now() - started;
    assert.equal(pds?.identifier?.[0]?.value, last);
    assert.ok(elapsed < 500, `took ${elapsed} ms`);
    assert.ok(
      process.memoryUsage().heapUsed - before < 50 * 1024 * 1024,
      'memory grew as if everyone was generated',
    );
    assert.equal(
      createPopulation({ size: 99_999 }).has(last),
      false,
      'a smaller population does not hold the number',
    );
  });

  void test('an NHS number outside the population is unknown everywhere', () => {
    const population = createPopulation({ size: 50 });
    const stranger = '9449306222';
    assert.equal(population.pdsPatient(stranger), undefined);
    assert.equal(population.r4Record('hospital', stranger), undefined);
    assert.deepEqual(population.gpConnectRecord(wholeRecord('A81001', stranger)), {
      outcome: 'error',
      spineCode: 'PATIENT_NOT_FOUND',
    });
  });

  void test('a practice the patient is not registered at answers PATIENT_NOT_FOUND', () => {
    const population = createPopulation({ size: 50 });
    const nhs = population.nhsNumberAt(20);
    const registered = practiceOf(population, nhs);
    const other = population.practices.find((p) => p.ods !== registered)?.ods ?? '';
    assert.equal(population.gpConnectRecord(wholeRecord(registered, nhs)).outcome, 'record');
    assert.deepEqual(population.gpConnectRecord(wholeRecord(other, nhs)), {
      outcome: 'error',
      spineCode: 'PATIENT_NOT_FOUND',
    });
  });

  void test('every code in every payload comes from the curated list', () => {
    const population = createPopulation({ size: 120 });
    const curated = curatedConcepts();
    for (let i = 0; i < population.size; i += 3) {
      if (i === 10) continue; // the large record is checked in the persona suite
      const nhs = population.nhsNumberAt(i);
      for (const coding of snomedCodings(JSON.parse(everything(population, nhs)))) {
        assert.ok(
          curated.has(coding.code),
          `patient ${i}: ${coding.code} ${coding.display} is not curated`,
        );
        assert.equal(
          coding.display,
          curated.get(coding.code),
          `patient ${i}: display of ${coding.code}`,
        );
      }
    }
  });

  void test('GP Connect Bundles are shaped like real supplier records', () => {
    const population = createPopulation({ size: 60 });
    for (let i = 11; i < 60; i += 4) {
      const nhs = population.nhsNumberAt(i);
      const outcome = population.gpConnectRecord(wholeRecord(practiceOf(population, nhs), nhs));
      assert.equal(outcome.outcome, 'record');
      const bundle = outcome.bundle;
      assert.equal(bundle.id, 'e1a2b3c4-0000-4000-8000-000000000001');
      assert.equal(bundle.type, 'collection');
      assert.deepEqual(bundle.meta?.profile, [
        'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1',
      ]);
      const resources = (bundle.entry ?? []).map((e) => {
        assert.equal(e.fullUrl, undefined);
        return e.resource as fhir3.Resource;
      });
      const ids = new Set(resources.map((r) => `${r.resourceType}/${r.id ?? ''}`));
      const patient = resources.find((r): r is fhir3.Patient => r.resourceType === 'Patient');
      const nhsIdentifier = patient?.identifier?.find(
        (x) => x.system === 'https://fhir.nhs.uk/Id/nhs-number',
      );
      assert.equal(nhsIdentifier?.value, nhs);
      assert.equal(nhsIdentifier?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code, '01');
      for (const type of ['Organization', 'Practitioner', 'PractitionerRole'])
        assert.ok(
          resources.some((r) => r.resourceType === type),
          `no ${type}`,
        );
      const lists = resources.filter((r): r is fhir3.List => r.resourceType === 'List');
      for (const list of lists) {
        assert.equal(list.status, 'current');
        assert.equal(list.mode, 'snapshot');
        const contained = new Set((list.contained ?? []).map((c) => `#${c.id ?? ''}`));
        for (const entry of list.entry ?? []) {
          const reference = entry.item.reference ?? '';
          assert.ok(
            ids.has(reference) || contained.has(reference),
            `List ${list.title ?? ''} references missing ${reference}`,
          );
        }
        if ((list.entry ?? []).length === 0) {
          assert.equal(list.emptyReason?.coding?.[0]?.code, 'no-content-recorded');
          assert.ok(list.note?.some((n) => n.text === 'Information not available'));
        }
      }
      const primaryCodes = new Set(lists.map((l) => l.code?.coding?.[0]?.code));
      for (const code of [
        '886921000000105',
        '1103671000000101',
        '933361000000108',
        '717711000000103',
        '1149501000000101',
        '1102181000000102',
        '887191000000108',
        '792931000000107',
        '826501000000100',
      ]) {
        assert.ok(primaryCodes.has(code), `patient ${i} lacks primary List ${code}`);
      }
    }
  });

  void test('only the requested clinical areas are returned', () => {
    const population = createPopulation({ size: 20 });
    const nhs = population.nhsNumberAt(0);
    const outcome = population.gpConnectRecord({
      ...wholeRecord('A81001', nhs, new Set(['includeAllergies'])),
      includeResolvedAllergies: false,
    });
    assert.equal(outcome.outcome, 'record');
    const resources = (outcome.bundle.entry ?? []).map((e) => e.resource as fhir3.Resource);
    const listCodes = resources
      .filter((r): r is fhir3.List => r.resourceType === 'List')
      .map((l) => l.code?.coding?.[0]?.code);
    assert.deepEqual(listCodes, ['886921000000105']);
    assert.equal(resources.filter((r) => r.resourceType === 'MedicationStatement').length, 0);
    assert.ok(ALL_AREAS.size === 9);
  });

  void test('blood results repeat over time with units, reference ranges and interpretation', () => {
    const population = createPopulation({ size: 20 });
    const outcome = population.gpConnectRecord(wholeRecord('A81001', population.nhsNumberAt(0)));
    assert.equal(outcome.outcome, 'record');
    const observations = (outcome.bundle.entry ?? [])
      .map((e) => e.resource as fhir3.Resource)
      .filter((r): r is fhir3.Observation => r.resourceType === 'Observation');
    const hba1c = observations.filter((o) => o.code.coding?.[0]?.code === '999791000000106');
    assert.ok(hba1c.length >= 3, 'HbA1c should trend over several results');
    for (const o of hba1c) {
      assert.equal(typeof o.valueQuantity?.value, 'number');
      assert.equal(o.valueQuantity?.unit, 'mmol/mol');
      assert.equal(o.referenceRange?.[0]?.high?.value, 41);
      assert.ok(['H', 'L', 'N'].includes(o.interpretation?.coding?.[0]?.code ?? ''));
    }
    assert.ok(
      observations.some((o) => o.component?.some((c) => c.code.coding?.[0]?.code === '72313002')),
      'a blood pressure reading',
    );
    assert.ok(
      observations.some(
        (o) =>
          o.code.coding?.[0]?.code === '37331000000100' &&
          o.comment?.startsWith('Result indicator'),
      ),
      'a filing comment',
    );
  });

  void test('PDS search matches family name prefixes, birth date and postcode', () => {
    const population = createPopulation({ size: 300 });
    const found = population.searchPds({ family: 'oak', birthdate: 'eq1943-03-14' }, 10);
    assert.deepEqual(
      found.map((p) => p.id),
      ['9990000107'],
    );
    const someone = population.pdsPatient(population.nhsNumberAt(123));
    const postcode = someone?.address?.[0]?.postalCode ?? '';
    const byPostcode = population.searchPds(
      { family: someone?.name?.[0]?.family ?? '', postcode: postcode.toLowerCase() },
      10,
    );
    assert.ok(byPostcode.some((p) => p.id === population.nhsNumberAt(123)));
    assert.equal(population.searchPds({ family: 'Smith' }, 2).length <= 2, true);
    assert.deepEqual(population.searchPds({}, 10), []);
  });
});
