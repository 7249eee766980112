/** @module Unit tests for the patient banner's NHS display conventions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatAddress,
  formatAge,
  formatBorn,
  formatGender,
  formatPatientName,
  formatPatientNhsNumber,
} from '../../src/web/patient-display.ts';

const on = (iso: string) => new Date(`${iso}T12:00:00Z`);

void describe('patient name and numbers', () => {
  void test('a name reads FAMILY, Given (Title)', () => {
    assert.equal(
      formatPatientName({ prefix: 'Mrs', given: ['Jane', 'Anne'], family: 'Smith' }),
      'SMITH, Jane Anne (Mrs)',
    );
    assert.equal(
      formatPatientName({ prefix: 'Dr', given: ['Ali'], family: 'Khan' }),
      'KHAN, Ali (Dr)',
    );
    assert.equal(formatPatientName({ given: [], family: 'Smith' }), 'SMITH');
    assert.equal(formatPatientName({ given: ['Jane'], family: '' }), 'Jane');
    assert.equal(formatPatientName(undefined), 'Name not known');
  });

  void test('the NHS number is shown 3-3-4', () => {
    assert.equal(formatPatientNhsNumber({ nhsNumberFormatted: '999 000 0018' }), '999 000 0018');
  });

  void test('gender reads in words', () => {
    assert.equal(formatGender('female'), 'Female');
    assert.equal(formatGender('unknown'), 'Not known');
    assert.equal(formatGender(undefined), 'Not known');
  });

  void test('the address is one line; a restricted patient has none to show', () => {
    assert.equal(
      formatAddress({ lines: ['1 High Street', 'Leeds'], postcode: 'LS1 4AP' }),
      '1 High Street, Leeds, LS1 4AP',
    );
    assert.equal(formatAddress(undefined), '');
  });
});

void describe('age as a clinician writes it', () => {
  void test('adults in years', () => {
    assert.equal(formatAge('1980-03-12', on('2024-03-12')), '44 years');
    assert.equal(formatAge('1980-03-12', on('2024-03-11')), '43 years');
  });

  void test('children from two in years', () => {
    assert.equal(formatAge('2017-01-15', on('2024-04-20')), '7 years');
    assert.equal(formatAge('2022-03-15', on('2024-03-15')), '2 years');
  });

  void test('under two in months: 14 months, not 1y', () => {
    assert.equal(formatAge('2023-01-10', on('2024-03-15')), '14 months');
    assert.equal(formatAge('2022-03-16', on('2024-03-15')), '23 months');
  });

  void test('babies under 13 weeks in weeks, under 4 weeks in days', () => {
    assert.equal(formatAge('2024-01-01', on('2024-03-01')), '8 weeks');
    assert.equal(formatAge('2024-03-01', on('2024-03-13')), '12 days');
    assert.equal(formatAge('2024-03-12', on('2024-03-13')), '1 day');
  });

  void test('a birth date in the future or unreadable gives no age', () => {
    assert.equal(formatAge('2030-01-01', on('2024-01-01')), '');
    assert.equal(formatAge('soon', on('2024-01-01')), '');
  });

  void test('born reads 12-Mar-1980 (44 years), and a deceased patient’s age stops at death', () => {
    assert.equal(
      formatBorn({ birthDate: '1980-03-12' }, on('2024-03-12')),
      '12-Mar-1980 (44 years)',
    );
    assert.equal(
      formatBorn(
        { birthDate: '1980-03-12', deceasedDateTime: '2000-03-12T10:00:00Z' },
        on('2024-03-12'),
      ),
      '12-Mar-1980 (20 years)',
    );
    assert.equal(
      formatBorn({ birthDate: '1980-03-12', age: '44 years' }, on('2024-03-12')),
      '12-Mar-1980 (44 years)',
    );
    assert.equal(formatBorn({}, on('2024-03-12')), 'Not known');
  });
});
