/** @module Validates an NHS number taken from a request, with a message the clinician can act on. */
import { parseNhsNumber, type NhsNumber } from '../../identity/nhs-number.ts';
import { ApiError } from '../operation-outcome.ts';

export function validNhsNumber(input: string, field = 'nhsNumber'): NhsNumber {
  const parsed = parseNhsNumber(input);
  if (!parsed.ok) throw new ApiError('INVALID_NHS_NUMBER', parsed.message, field);
  return parsed.value;
}
