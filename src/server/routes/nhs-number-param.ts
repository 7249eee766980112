/**
 * @module Validates an NHS number taken from a request, with a message the clinician can act on,
 * and reads the patient a FHIR search names (`patient=` or `patient.identifier=`).
 */
import { Type } from '@sinclair/typebox';
import { NHS_NUMBER_SYSTEM, parseNhsNumber, type NhsNumber } from '../../identity/nhs-number.ts';
import { ResultParameters } from '../fhir-edge.ts';
import { ApiError } from '../operation-outcome.ts';

export function validNhsNumber(input: string, field = 'nhsNumber'): NhsNumber {
  const parsed = parseNhsNumber(input);
  if (!parsed.ok) throw new ApiError('INVALID_NHS_NUMBER', parsed.message, field);
  return parsed.value;
}

/** The NHS number a token search names (`system|value` or a bare value), else an error. */
export function nhsNumberFromToken(token: string, field: string): string {
  const bar = token.indexOf('|');
  const system = bar < 0 ? undefined : token.slice(0, bar);
  if (system !== undefined && system !== '' && system !== NHS_NUMBER_SYSTEM) {
    throw new ApiError(
      'INVALID_REQUEST',
      `Search by NHS number: ${field}=${NHS_NUMBER_SYSTEM}|{nhsNumber}.`,
      field,
    );
  }
  return validNhsNumber(bar < 0 ? token : token.slice(bar + 1), field);
}

/** A FHIR search by patient, with the result parameters (`_count`, `_offset`, `_summary`…). */
export const PatientSearchQuery = Type.Object(
  {
    patient: Type.Optional(Type.String({ maxLength: 100 })),
    'patient.identifier': Type.Optional(Type.String({ maxLength: 200 })),
    ...ResultParameters,
  },
  { additionalProperties: false },
);

/** The NHS number a search names: `patient=9990001234`, `patient=Patient/9990001234`, or a token. */
export function searchedPatient(query: {
  patient?: string | undefined;
  'patient.identifier'?: string | undefined;
}): string {
  const token = query['patient.identifier'];
  if (token !== undefined) return nhsNumberFromToken(token, 'patient.identifier');
  if (query.patient !== undefined)
    return validNhsNumber(query.patient.replace(/^Patient\//, ''), 'patient');
  throw new ApiError(
    'INVALID_REQUEST',
    'Name the patient: patient={nhsNumber} or patient.identifier=…|{nhsNumber}.',
    'patient',
  );
}
