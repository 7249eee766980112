import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareDemographics, tracedPatientFromR4 } from '../../src/identity/demographics-match.ts';
import { readFixtureJson } from '../support/fixtures.ts';
import type { TracedPatient } from '../../src/identity/traced-patient.ts';

const traced: TracedPatient = {
  nhsNumber: '9000000009',
  family: 'Smith',
  given: ['Jane'],
  birthDate: '2010-10-22',
  gender: 'female',
};

void describe('demographics check between the trace and a source', () => {
  void test('the same patient matches despite case and spacing in the family name', () => {
    const result = compareDemographics(traced, { ...traced, family: '  SMITH ' });
    assert.deepEqual(result, { matches: true, differences: [] });
    assert.equal(
      compareDemographics(
        { ...traced, family: 'Van der Berg' },
        { ...traced, family: 'van  derberg' },
      ).matches,
      true,
    );
  });

  void test('a different NHS number, family name or birth date is a mismatch, each named', () => {
    const result = compareDemographics(traced, {
      nhsNumber: '9000000017',
      family: 'Smyth',
      birthDate: '2010-10-23',
      gender: 'female',
    });
    assert.deepEqual(result, { matches: false, differences: ['nhsNumber', 'family', 'birthDate'] });
  });

  void test('a source that records no gender is not a mismatch, but a different gender is', () => {
    assert.equal(compareDemographics(traced, { ...traced, gender: undefined }).matches, true);
    assert.deepEqual(compareDemographics(traced, { ...traced, gender: 'male' }).differences, [
      'gender',
    ]);
  });

  void test('a source that records no family name or birth date does not count as matching', () => {
    assert.deepEqual(compareDemographics(traced, { nhsNumber: traced.nhsNumber }).differences, [
      'family',
      'birthDate',
    ]);
  });

  void test('the PDS fixture patient reads as the traced patient', () => {
    const patient = tracedPatientFromR4(
      readFixtureJson('pds/pds-r4-patient_9000000009.json') as fhir4.Patient,
    );
    assert.deepEqual(patient, traced);
  });

  void test('the official name is used before the usual one, and the NHS number comes from its identifier system', () => {
    const patient = tracedPatientFromR4({
      resourceType: 'Patient',
      id: 'local-77',
      identifier: [
        { system: 'https://fhir.example-hospital.nhs.uk/Id/mrn', value: 'MRN123' },
        { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '999 000 0018' },
      ],
      name: [
        { use: 'usual', family: 'Bloggs', given: ['Jo'] },
        { use: 'official', family: 'Bloggs-Smith', given: ['Joanna', 'Mary'] },
      ],
    });
    assert.deepEqual(patient, {
      nhsNumber: '9990000018',
      family: 'Bloggs-Smith',
      given: ['Joanna', 'Mary'],
      birthDate: undefined,
      gender: undefined,
    });
  });

  void test('a patient without an NHS number never matches a traced one', () => {
    const patient = tracedPatientFromR4({
      resourceType: 'Patient',
      name: [{ family: 'Smith' }],
      birthDate: '2010-10-22',
    });
    assert.deepEqual(compareDemographics(traced, patient).differences, ['nhsNumber']);
  });
});
