/** The NHS number: Modulus 11, the spaces and hyphens people type, and 3-3-4 display. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkDigit,
  formatNhsNumber,
  isValidNhsNumber,
  normaliseNhsNumber,
  parseNhsNumber,
} from '../../src/identity/nhs-number.ts';

const nineDigits = fc.stringMatching(/^\d{9}$/);

/** Nine digits with their check digit, skipping the ones that have none. */
const validNhsNumber = nineDigits
  .map((first) => ({ first, digit: checkDigit(first) }))
  .filter(({ digit }) => digit !== undefined)
  .map(({ first, digit }) => `${first}${String(digit)}`);

describe('the NHS number', () => {
  test('known numbers: the PDS sandbox, the GP Connect provider tests, the test range', () => {
    for (const valid of ['9000000009', '9000000025', '9690937278', '9999999999', '9434765919']) {
      assert.ok(isValidNhsNumber(valid), valid);
    }
    // The GP Connect spec's own examples fail the check (validate input, not sources' payloads).
    for (const invalid of ['1234567890', '9432003812'])
      assert.ok(!isValidNhsNumber(invalid), invalid);
  });

  test('every number built with its check digit is valid', () => {
    fc.assert(fc.property(validNhsNumber, (nhs) => isValidNhsNumber(nhs)));
  });

  test('changing any one digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (nhs, position, delta) => {
          const digit = (Number(nhs[position]) + delta) % 10;
          const changed = `${nhs.slice(0, position)}${String(digit)}${nhs.slice(position + 1)}`;
          return !isValidNhsNumber(changed);
        },
      ),
    );
  });

  test('swapping two different adjacent digits among the first nine makes it invalid', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 0, max: 7 }), (nhs, position) => {
        fc.pre(nhs[position] !== nhs[position + 1]);
        const swapped = `${nhs.slice(0, position)}${nhs[position + 1] ?? ''}${nhs[position] ?? ''}${nhs.slice(position + 2)}`;
        return !isValidNhsNumber(swapped);
      }),
    );
  });

  test('nine digits whose remainder gives 10 have no valid number at all', () => {
    fc.assert(
      fc.property(nineDigits, (first) => {
        fc.pre(checkDigit(first) === undefined);
        return Array.from({ length: 10 }, (_, d) => `${first}${String(d)}`).every(
          (nhs) => !isValidNhsNumber(nhs),
        );
      }),
    );
  });

  test('spaces and hyphens as people type them are accepted; display is always 3-3-4', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.constantFrom(' ', '-', '  ', ''), (nhs, separator) => {
        const typed = ` ${nhs.slice(0, 3)}${separator}${nhs.slice(3, 6)}${separator}${nhs.slice(6)} `;
        const parsed = parseNhsNumber(typed);
        return (
          parsed.ok &&
          parsed.value === nhs &&
          normaliseNhsNumber(typed) === nhs &&
          formatNhsNumber(typed) === `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`
        );
      }),
    );
  });

  test('anything that is not ten digits is refused with a message saying so', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\d{10}$/.test(normaliseNhsNumber(text)));
        const parsed = parseNhsNumber(text);
        return !parsed.ok && parsed.message.length > 0;
      }),
    );
    const empty = parseNhsNumber('  ');
    assert.ok(!empty.ok && empty.problem === 'empty');
    const letters = parseNhsNumber('999 000 O107');
    assert.ok(!letters.ok && letters.problem === 'not-ten-digits');
    const wrongCheck = parseNhsNumber('999 000 0108');
    assert.ok(!wrongCheck.ok && wrongCheck.problem === 'check-digit');
  });
});
