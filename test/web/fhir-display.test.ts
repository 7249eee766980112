/** @module Unit tests for the FHIR datatype display helpers the record page uses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  annotationText,
  codeableConceptText,
  conceptListText,
  formatDate,
  formatDateTime,
  formatElapsed,
  formatPeriod,
  formatQuantity,
  formatRange,
  formatRatio,
  formatReferenceRange,
  humanise,
  interpretation,
  referenceText,
} from '../../src/web/fhir-display.ts';

void describe('dates in UK style', () => {
  void test('a full date reads 12-Mar-2024', () => {
    assert.equal(formatDate('2024-03-12'), '12-Mar-2024');
  });

  void test('partial dates stay partial rather than inventing a day', () => {
    assert.equal(formatDate('2024-03'), 'Mar-2024');
    assert.equal(formatDate('2024'), '2024');
  });

  void test('a date-time is shown in London time, so a late-evening UTC time in summer moves to the next day', () => {
    assert.equal(formatDate('2024-07-01T23:30:00Z'), '02-Jul-2024');
    assert.equal(formatDateTime('2024-07-01T23:30:00Z'), '02-Jul-2024 00:30');
    assert.equal(formatDateTime('2024-03-12T14:05:00Z'), '12-Mar-2024 14:05');
    assert.equal(formatDateTime('2016-07-25T12:00:00+01:00'), '25-Jul-2016 12:00');
  });

  void test('a date without a time shows no time', () => {
    assert.equal(formatDateTime('2024-03-12'), '12-Mar-2024');
  });

  void test('unreadable or missing dates do not crash', () => {
    assert.equal(formatDate('last Tuesday'), 'last Tuesday');
    assert.equal(formatDate(undefined), '');
    assert.equal(formatDate(42), '');
    assert.equal(formatDateTime(null), '');
  });

  void test('periods read as from, to or both', () => {
    assert.equal(
      formatPeriod({ start: '2024-01-01', end: '2024-01-05' }),
      '01-Jan-2024 to 05-Jan-2024',
    );
    assert.equal(formatPeriod({ start: '2024-01-01' }), 'From 01-Jan-2024');
    assert.equal(formatPeriod({ end: '2024-01-05' }), 'Until 05-Jan-2024');
    assert.equal(formatPeriod({}), '');
    assert.equal(formatPeriod('nonsense'), '');
  });
});

void describe('codes in words', () => {
  void test('a concept shows its text before any coding', () => {
    assert.equal(
      codeableConceptText({ text: 'Asthma', coding: [{ display: 'Asthma (disorder)' }] }),
      'Asthma',
    );
  });

  void test('without text, the first coding that has a display wins over bare codes', () => {
    assert.equal(
      codeableConceptText({ coding: [{ code: '195967001' }, { code: 'x', display: 'Asthma' }] }),
      'Asthma',
    );
  });

  void test('with only codes, the code is shown labelled as a code rather than nothing', () => {
    assert.equal(codeableConceptText({ coding: [{ code: '195967001' }] }), 'code 195967001');
    assert.equal(codeableConceptText({}), undefined);
    assert.equal(codeableConceptText('Asthma'), undefined);
  });

  void test('a referral category sent as a bare SNOMED code reads "Referral", never "3457005"', () => {
    const category = { coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] };
    assert.equal(codeableConceptText(category), 'Referral');
  });

  void test('a category given twice, once in words and once as its code, is said once in plain words', () => {
    const categories = [
      { coding: [{ code: 'problem-list-item', display: 'Problem List Item' }] },
      { coding: [{ code: 'problem-list-item' }] },
    ];
    assert.equal(conceptListText(categories), 'Problem List Item');
    assert.equal(
      conceptListText([{ coding: [{ code: 'encounter-diagnosis' }] }]),
      'Diagnosis at an encounter',
    );
  });

  void test('a list of concepts is joined with commas', () => {
    assert.equal(
      conceptListText([{ text: 'Rash' }, { coding: [{ display: 'Itch' }] }, {}]),
      'Rash, Itch',
    );
  });

  void test('FHIR codes read as sentence case', () => {
    assert.equal(humanise('entered-in-error'), 'Entered in error');
    assert.equal(humanise('MedicationStatement'), 'Medication statement');
    assert.equal(humanise(undefined), '');
  });

  void test('a reference shows its display, never a bare id', () => {
    assert.equal(referenceText({ reference: 'Practitioner/1', display: 'Dr Who' }), 'Dr Who');
    assert.equal(referenceText({ reference: 'urn:uuid:85aeca59' }), undefined);
  });

  void test('notes are joined into one line', () => {
    assert.equal(
      annotationText([{ text: 'Seen in clinic.' }, { text: 'Review in 6 weeks.' }]),
      'Seen in clinic. Review in 6 weeks.',
    );
    assert.equal(annotationText('x'), '');
  });
});

void describe('quantities and ranges', () => {
  void test('a quantity shows its value and unit, with any comparator', () => {
    assert.equal(formatQuantity({ value: 5.2, unit: 'mmol/L' }), '5.2 mmol/L');
    assert.equal(formatQuantity({ value: 5, comparator: '<', code: 'mg' }), '<5 mg');
    assert.equal(formatQuantity({ value: 0 }), '0');
  });

  void test('a quantity with no value shows nothing rather than "undefined"', () => {
    assert.equal(formatQuantity({ unit: 'mmol/L' }), '');
    assert.equal(formatQuantity({ value: Number.NaN }), '');
  });

  void test('a reference range reads low to high, or one-sided with ≥ and ≤', () => {
    assert.equal(
      formatReferenceRange([
        { low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.3, unit: 'mmol/L' } },
      ]),
      '3.5 to 5.3 mmol/L',
    );
    assert.equal(formatRange({ low: { value: 60, unit: 'mL/min' } }), '≥ 60 mL/min');
    assert.equal(formatRange({ high: { value: 5 } }), '≤ 5');
    assert.equal(formatReferenceRange([{ text: 'Less than 5', low: { value: 1 } }]), 'Less than 5');
    assert.equal(formatReferenceRange(undefined), '');
  });

  void test('a ratio reads numerator over denominator', () => {
    assert.equal(
      formatRatio({ numerator: { value: 1, unit: 'mg' }, denominator: { value: 5, unit: 'mL' } }),
      '1 mg / 5 mL',
    );
  });

  void test('how long a source took reads in ms or seconds', () => {
    assert.equal(formatElapsed(412), '412 ms');
    assert.equal(formatElapsed(1210), '1.2 s');
    assert.equal(formatElapsed(-1), '');
  });
});

void describe('abnormal results', () => {
  void test('a high result is marked abnormal', () => {
    assert.deepEqual(
      interpretation([
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
              code: 'H',
            },
          ],
        },
      ]),
      {
        text: 'High',
        abnormal: true,
      },
    );
  });

  void test('a normal result is not marked abnormal', () => {
    assert.deepEqual(interpretation([{ coding: [{ code: 'N' }] }]), {
      text: 'Normal',
      abnormal: false,
    });
  });

  void test('an interpretation given only as words is shown, and treated as abnormal unless it says normal', () => {
    assert.deepEqual(interpretation([{ text: 'Borderline' }]), {
      text: 'Borderline',
      abnormal: true,
    });
    assert.deepEqual(interpretation({ text: 'normal' }), { text: 'normal', abnormal: false });
    assert.equal(interpretation(undefined), undefined);
  });
});
