/**
 * @module The NHS number: Modulus 11 validation, normalisation and 3-3-4 display.
 * Validate numbers typed by users; never reject a source's response for carrying one that
 * fails (the GP Connect spec's own examples do).
 */

/** A 10-digit NHS number that has passed the Modulus 11 check. */
export type NhsNumber = string & { readonly __brand: 'NhsNumber' };

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first nine digits, or undefined when none exists (remainder gives 10). */
export function checkDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError('checkDigit needs exactly nine digits');
  let total = 0;
  for (let i = 0; i < 9; i++) total += Number(firstNine[i]) * (WEIGHTS[i] ?? 0);
  const digit = 11 - (total % 11);
  if (digit === 11) return 0;
  if (digit === 10) return undefined;
  return digit;
}

/** Removes the spaces and hyphens people type; keeps anything else so it fails validation. */
export function normaliseNhsNumber(input: string): string {
  return input.trim().replace(/[\s-]/g, '');
}

export type NhsNumberProblem = 'empty' | 'not-ten-digits' | 'check-digit';

/** Parses user input into an NHS number, or says what is wrong with it. */
export function parseNhsNumber(
  input: string,
): { ok: true; value: NhsNumber } | { ok: false; problem: NhsNumberProblem; message: string } {
  const digits = normaliseNhsNumber(input);
  if (digits === '') return { ok: false, problem: 'empty', message: 'Enter an NHS number.' };
  if (!/^\d{10}$/.test(digits)) {
    return { ok: false, problem: 'not-ten-digits', message: 'An NHS number has 10 digits.' };
  }
  const expected = checkDigit(digits.slice(0, 9));
  if (expected === undefined || expected !== Number(digits[9])) {
    return {
      ok: false,
      problem: 'check-digit',
      message:
        'This is not a valid NHS number: its check digit does not match. Check it was typed correctly.',
    };
  }
  return { ok: true, value: digits as NhsNumber };
}

export function isValidNhsNumber(input: string): input is NhsNumber {
  return parseNhsNumber(input).ok;
}

/** Shows an NHS number as 3-3-4 (`943 476 5919`). Input that is not 10 digits is returned unchanged. */
export function formatNhsNumber(input: string): string {
  const digits = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(digits)) return input;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The identifier system for NHS numbers in FHIR STU3 and R4. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
