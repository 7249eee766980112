/** @module OperationOutcome, the error type at the API's edge, and the error that carries one. */
import { ERROR_CODES, ERROR_CODE_SYSTEM, type ErrorCode } from './error-codes.ts';

/** Builds the OperationOutcome for an error code, with optional specific text and the field at fault. */
export function operationOutcome(
  code: ErrorCode,
  text?: string,
  field?: string,
): fhir4.OperationOutcome {
  const known = ERROR_CODES[code];
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: known.issue,
        details: { coding: [{ system: ERROR_CODE_SYSTEM, code }], text: text ?? known.text },
        ...(field === undefined ? {} : { expression: [field] }),
      },
    ],
  };
}

/** An error that becomes a given OperationOutcome and HTTP status at the edge. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, text?: string, field?: string) {
    super(text ?? ERROR_CODES[code].text);
    this.code = code;
    this.field = field;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  toOutcome(): fhir4.OperationOutcome {
    return operationOutcome(this.code, this.message, this.field);
  }
}
