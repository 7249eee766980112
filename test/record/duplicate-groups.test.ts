/** The same entry from two sources is shown once, the other kept and pointing at it. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { markDuplicates } from '../../src/record/duplicate-groups.ts';
import { SECTION_NAMES, type RecordItem, type Sections } from '../../src/shared/sections.ts';

function item(sourceId: string, resource: fhir4.FhirResource): RecordItem {
  return {
    source: { sourceId, system: sourceId, organisation: 'X1', retrievedAt: '2025-10-01T09:00:00Z' },
    resource,
  };
}

function sections(partial: Partial<Sections>): Sections {
  return { ...Object.fromEntries(SECTION_NAMES.map((name) => [name, []])), ...partial } as Sections;
}

function allergy(id: string, code: string, date: string): fhir4.AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/1' },
    code: {
      coding: [{ system: 'http://snomed.info/sct', code, display: 'Warfarin adverse reaction' }],
    },
    recordedDate: date,
  };
}

describe('duplicates shown once', () => {
  test('the warfarin allergy from the GP and the hospital is one line, the other marked', () => {
    const marked = markDuplicates(
      sections({
        allergies: [
          item('gp', allergy('a1', '293344008', '2020-01-20T10:00:00+00:00')),
          item('hospital', allergy('h1', '293344008', '2020-01-20')),
        ],
      }),
    );
    assert.deepEqual(marked.allergies[0]?.alsoFrom, [{ sourceId: 'hospital', id: 'h1' }]);
    assert.deepEqual(marked.allergies[1]?.duplicateOf, { sourceId: 'gp', id: 'a1' });
    assert.equal(marked.allergies.length, 2, 'nothing a source said is lost');
  });

  test('a vaccine given on another day, or with another code, is not a duplicate', () => {
    const vaccine = (id: string, code: string, day: string): fhir4.Immunization => ({
      resourceType: 'Immunization',
      id,
      status: 'completed',
      patient: { reference: 'Patient/1' },
      vaccineCode: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK' }],
      },
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-VaccinationProcedure',
          valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code }] },
        },
      ],
      occurrenceDateTime: day,
    });
    const marked = markDuplicates(
      sections({
        immunisations: [
          item('gp', vaccine('g1', '414259000', '2024-09-25')),
          item('community', vaccine('c1', '414259000', '2024-10-23')),
          item('community', vaccine('c2', '170433008', '2024-09-25')),
          item('community', vaccine('c3', '414259000', '2024-09-25')),
        ],
      }),
    );
    assert.deepEqual(
      marked.immunisations.map((entry) => [entry.alsoFrom ?? null, entry.duplicateOf ?? null]),
      [
        [[{ sourceId: 'community', id: 'c3' }], null],
        [null, null],
        [null, null],
        [null, { sourceId: 'gp', id: 'g1' }],
      ],
    );
  });

  test('one source listing the same problem twice keeps both: only other sources are merged', () => {
    const problem = (id: string): fhir4.Condition => ({
      resourceType: 'Condition',
      id,
      subject: { reference: 'Patient/1' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
      onsetDateTime: '1999-08-22',
    });
    const marked = markDuplicates(
      sections({ problems: [item('gp', problem('p1')), item('gp', problem('p2'))] }),
    );
    assert.ok(
      marked.problems.every(
        (entry) => entry.alsoFrom === undefined && entry.duplicateOf === undefined,
      ),
    );
  });
});
