/** @module Each named persona's story holds at the population level, as the demo and the other suites rely on. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidNhsNumber } from '../../src/identity/nhs-number.ts';
import { createPopulation } from '../../sim/population/create-population.ts';
import { curatedConcepts, LEGALLY_RESTRICTED_CODES } from '../../sim/population/data/code-list.ts';
import { PERSONAS, listPersonas } from '../../sim/population/personas.ts';
import type { PersonaKey } from '../../sim/population/personas.ts';
import type { GpcRecordOutcome } from '../../sim/population/population.ts';
import { snomedCodings, wholeRecord } from './population-helpers.ts';

const population = createPopulation({ size: 100 });
const nhsOf = (key: PersonaKey): string => PERSONAS.find((p) => p.key === key)?.nhsNumber ?? '';

function bundleResources(outcome: GpcRecordOutcome): fhir3.Resource[] {
  if (outcome.outcome !== 'record') assert.fail(`expected a record, got ${outcome.spineCode}`);
  return (outcome.bundle.entry ?? []).map((e) => e.resource as fhir3.Resource);
}

function gpRecord(key: PersonaKey): fhir3.Resource[] {
  const nhs = nhsOf(key);
  const ods = population.pdsPatient(nhs)?.generalPractitioner?.[0]?.identifier?.value ?? '';
  return bundleResources(population.gpConnectRecord(wholeRecord(ods, nhs)));
}

function codesOf(resources: readonly unknown[]): Set<string> {
  return new Set(snomedCodings(resources).map((c) => c.code));
}

void describe('personas', () => {
  void test('the persona list has fixed, valid NHS numbers with a name and a story, typical first', () => {
    const listed = listPersonas();
    assert.equal(listed[0]?.key, 'typical');
    assert.equal(listed.length, 11);
    assert.equal(new Set(listed.map((p) => p.nhsNumber)).size, listed.length);
    for (const persona of listed) {
      assert.ok(
        isValidNhsNumber(persona.nhsNumber) && persona.nhsNumber.startsWith('999'),
        persona.nhsNumber,
      );
      assert.ok(persona.name.length > 0 && persona.story.length > 20);
      const pds = population.pdsPatient(persona.nhsNumber);
      assert.equal(
        `${pds?.name?.[0]?.given?.join(' ') ?? ''} ${pds?.name?.[0]?.family ?? ''}`,
        persona.name,
      );
    }
  });

  void test('the typical patient has records everywhere, an end-of-life plan and a named social worker', () => {
    const nhs = nhsOf('typical');
    assert.ok(gpRecord('typical').some((r) => r.resourceType === 'MedicationStatement'));
    const hospital = population.r4Record('hospital', nhs) ?? [];
    assert.ok(hospital.some((r) => r.resourceType === 'DocumentReference'));
    const community = population.r4Record('community', nhs) ?? [];
    assert.ok(
      community.some((r) => r.resourceType === 'CarePlan' && r.title === 'End of life care plan'),
    );
    const social = population.r4Record('social-care', nhs) ?? [];
    const team = social.find((r): r is fhir4.CareTeam => r.resourceType === 'CareTeam');
    assert.match(team?.participant?.[0]?.member?.display ?? '', /^\S+ \S+/);
    assert.ok(social.some((r) => r.resourceType === 'Flag'));
    assert.ok(social.some((r) => r.resourceType === 'EpisodeOfCare'));
  });

  void test('the GP-only patient is unknown to hospital, community and social care', () => {
    const nhs = nhsOf('gp-only');
    assert.ok(gpRecord('gp-only').length > 5);
    assert.equal(population.r4Record('hospital', nhs), undefined);
    assert.equal(population.r4Record('community', nhs), undefined);
    assert.equal(population.r4Record('social-care', nhs), undefined);
  });

  void test('hospital discharge medicines differ from the GP medicines list', () => {
    const gpMedicines = gpRecord('discharge-medicines-differ').filter(
      (r): r is fhir3.Medication => r.resourceType === 'Medication',
    );
    const gpCodes = new Set(gpMedicines.map((m) => m.code?.coding?.[0]?.code));
    const discharge = (
      population.r4Record('hospital', nhsOf('discharge-medicines-differ')) ?? []
    ).filter(
      (r): r is fhir4.MedicationRequest =>
        r.resourceType === 'MedicationRequest' &&
        r.category?.[0]?.coding?.[0]?.code === 'discharge',
    );
    const dischargeCodes = new Set(
      discharge.map((m) => m.medicationCodeableConcept?.coding?.[0]?.code),
    );
    assert.ok(dischargeCodes.size >= 3);
    assert.ok(
      [...dischargeCodes].some((c) => !gpCodes.has(c)),
      'a new medicine on discharge',
    );
    assert.ok(
      [...gpCodes].some((c) => !dischargeCodes.has(c)),
      'a GP medicine stopped in hospital',
    );
    const summary = (
      population.r4Record('hospital', nhsOf('discharge-medicines-differ')) ?? []
    ).find((r): r is fhir4.DocumentReference => r.resourceType === 'DocumentReference');
    assert.match(
      Buffer.from(summary?.content[0]?.attachment.data ?? '', 'base64').toString('utf8'),
      /STOPPED/,
    );
  });

  void test('the hospital holds legally restricted items, coded so they can be withheld', () => {
    const hospital = population.r4Record('hospital', nhsOf('restricted-hospital-items')) ?? [];
    const codes = codesOf(hospital);
    for (const code of LEGALLY_RESTRICTED_CODES)
      if (code !== '15628003') assert.ok(codes.has(code), `missing restricted ${code}`);
    assert.ok(hospital.some((r) => r.resourceType === 'Procedure'));
    assert.ok(
      hospital.some(
        (r) => r.resourceType === 'Encounter' && r.serviceType?.text === 'Sexual health clinic',
      ),
    );
  });

  void test('confidential GP items are left out and the Lists say so', () => {
    const resources = gpRecord('gp-confidential-items');
    const lists = resources.filter((r): r is fhir3.List => r.resourceType === 'List');
    const warned = lists.filter((l) =>
      l.extension?.some(
        (e) =>
          e.url ===
            'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1' &&
          e.valueCode === 'confidential-items',
      ),
    );
    const warnedCodes = new Set(warned.map((l) => l.code?.coding?.[0]?.code));
    for (const code of ['717711000000103', '933361000000108', '1149501000000101'])
      assert.ok(warnedCodes.has(code), `List ${code} lacks the warning`);
    for (const list of warned)
      assert.ok(
        list.note?.some(
          (n) => n.text === 'Items excluded due to confidentiality and/or patient preferences.',
        ),
      );
    assert.equal(
      codesOf(resources).has('35489007'),
      false,
      'the confidential depression problem leaked',
    );
    assert.equal(
      codesOf(resources).has('9751511000001104'),
      false,
      'the confidential sertraline leaked',
    );
  });

  void test('the dissenting patient gets NO_PATIENT_CONSENT from the practice', () => {
    const nhs = nhsOf('gp-dissent');
    const ods = population.pdsPatient(nhs)?.generalPractitioner?.[0]?.identifier?.value ?? '';
    assert.deepEqual(population.gpConnectRecord(wholeRecord(ods, nhs)), {
      outcome: 'error',
      spineCode: 'NO_PATIENT_CONSENT',
    });
  });

  void test("the hospital's date of birth disagrees with PDS", () => {
    const nhs = nhsOf('dob-mismatch');
    const hospitalPatient = population.r4Record('hospital', nhs)?.[0];
    assert.equal(hospitalPatient?.resourceType, 'Patient');
    const pdsBirthDate = population.pdsPatient(nhs)?.birthDate;
    assert.ok(
      hospitalPatient?.resourceType === 'Patient' && hospitalPatient.birthDate !== pdsBirthDate,
    );
    assert.equal(hospitalPatient.identifier?.[0]?.value, nhs);
  });

  void test('the sensitive patient is restricted at PDS and not found at any practice', () => {
    const nhs = nhsOf('sensitive-patient');
    const pds = population.pdsPatient(nhs);
    assert.deepEqual(pds?.meta?.security?.[0], {
      system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
      code: 'R',
      display: 'restricted',
    });
    assert.equal(pds?.address, undefined);
    assert.equal(pds?.telecom, undefined);
    assert.equal(pds?.generalPractitioner, undefined);
    for (const practice of population.practices) {
      assert.deepEqual(population.gpConnectRecord(wholeRecord(practice.ods, nhs)), {
        outcome: 'error',
        spineCode: 'PATIENT_NOT_FOUND',
      });
    }
  });

  void test('the deceased patient has a date of death and no GP Connect record', () => {
    const nhs = nhsOf('deceased');
    const pds = population.pdsPatient(nhs);
    assert.match(pds?.deceasedDateTime ?? '', /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(
      population.gpConnectRecord(
        wholeRecord(pds?.generalPractitioner?.[0]?.identifier?.value ?? '', nhs),
      ).outcome,
      'error',
    );
    assert.ok(population.r4Record('hospital', nhs));
  });

  void test('the child has health visitor visits, growth measurements and immunisations', () => {
    const community = population.r4Record('community', nhsOf('child-health-visitor')) ?? [];
    const codes = codesOf(community);
    for (const code of ['27113001', '50373000', '363812007'])
      assert.ok(codes.has(code), `growth ${code}`);
    assert.ok(community.filter((r) => r.resourceType === 'Immunization').length >= 3);
    assert.ok(
      community.some(
        (r) => r.resourceType === 'Encounter' && r.serviceType?.text === 'Health visiting team',
      ),
    );
    assert.equal(population.r4Record('hospital', nhsOf('child-health-visitor')), undefined);
  });

  void test('the large GP record is several megabytes, generated on demand and still from curated codes', () => {
    const started = performance.now();
    const resources = gpRecord('large-gp-record');
    const bytes = JSON.stringify(resources).length;
    assert.ok(bytes > 2 * 1024 * 1024, `only ${bytes} bytes`);
    assert.ok(resources.filter((r) => r.resourceType === 'Encounter').length >= 300);
    assert.ok(resources.filter((r) => r.resourceType === 'Observation').length >= 1000);
    assert.ok(performance.now() - started < 5000);
    const curated = curatedConcepts();
    for (const code of codesOf(resources)) assert.ok(curated.has(code), code);
  });
});
