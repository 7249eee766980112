/**
 * @module OperationOutcome payloads as each simulated source shapes them: GP Connect (STU3,
 * GPConnect-OperationOutcome-1 with Spine codes), PDS (R4 Spine codes) and plain FHIR R4 servers.
 */

/** Spine error codes a GP Connect provider answers with, their issue code, HTTP status and display. */
export const GPC_ERRORS = {
  BAD_REQUEST: { status: 400, code: 'invalid', display: 'Bad request' },
  INVALID_NHS_NUMBER: { status: 400, code: 'value', display: 'Invalid NHS number' },
  INVALID_IDENTIFIER_SYSTEM: { status: 400, code: 'value', display: 'Invalid identifier system' },
  PATIENT_NOT_FOUND: { status: 404, code: 'not-found', display: 'Patient not found' },
  NO_PATIENT_CONSENT: {
    status: 403,
    code: 'forbidden',
    display: 'Patient has not provided consent to share data',
  },
  'ACCESS DENIED': { status: 403, code: 'forbidden', display: 'Access denied' },
  INVALID_RESOURCE: { status: 422, code: 'invalid', display: 'Submitted resource is not valid.' },
  INVALID_PARAMETER: { status: 422, code: 'invalid', display: 'Submitted parameter is not valid.' },
  INTERNAL_SERVER_ERROR: { status: 500, code: 'exception', display: 'Internal server error' },
  NOT_IMPLEMENTED: { status: 501, code: 'not-supported', display: 'Not implemented' },
} as const;

export type GpcErrorCode = keyof typeof GPC_ERRORS;

export const GPC_OPERATION_OUTCOME_PROFILE =
  'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1';
export const SPINE_STU3_CODE_SYSTEM =
  'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';
export const SPINE_R4_CODE_SYSTEM = 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode';

/** A GP Connect error OperationOutcome, shaped like the spec's examples. */
export function gpcError(code: GpcErrorCode, diagnostics?: string): fhir3.OperationOutcome {
  const known = GPC_ERRORS[code];
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: [GPC_OPERATION_OUTCOME_PROFILE] },
    issue: [
      {
        severity: 'error',
        code: known.code,
        details: { coding: [{ system: SPINE_STU3_CODE_SYSTEM, code, display: known.display }] },
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
    ],
  };
}

/** The warning issue a provider adds for a parameter it will not answer (area disabled or unknown). */
export function gpcWarningIssue(
  parameter: string,
  reason: 'disabled' | 'unrecognised',
): fhir3.OperationOutcomeIssue {
  return {
    severity: 'warning',
    code: 'not-supported',
    details: {
      coding: [
        { system: SPINE_STU3_CODE_SYSTEM, code: 'NOT_IMPLEMENTED', display: 'Not implemented' },
      ],
      text:
        reason === 'disabled'
          ? `${parameter} has been disabled`
          : `${parameter} is an unrecognised parameter`,
    },
    diagnostics: parameter,
  };
}

/** Spine R4 error codes PDS answers with. */
export const PDS_ERRORS = {
  INVALID_RESOURCE_ID: { code: 'value', display: 'Resource Id is invalid' },
  RESOURCE_NOT_FOUND: { code: 'not-found', display: 'Resource not found' },
  INVALID_SEARCH_DATA: { code: 'value', display: 'Search data is invalid' },
  TOO_MANY_MATCHES: { code: 'multiple-matches', display: 'Too Many Matches' },
  UNSUPPORTED_SERVICE: { code: 'not-supported', display: 'Unsupported Service' },
  SERVICE_UNAVAILABLE: { code: 'exception', display: 'Service unavailable' },
  METHOD_NOT_ALLOWED: { code: 'not-supported', display: 'Method not allowed' },
} as const;

export type PdsErrorCode = keyof typeof PDS_ERRORS;

/** A PDS-style R4 OperationOutcome with the Spine R4 code system (as `pds-r4-operationoutcome-*.json`). */
export function pdsError(code: PdsErrorCode, diagnostics?: string): fhir4.OperationOutcome {
  const known = PDS_ERRORS[code];
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: known.code,
        details: {
          coding: [{ system: SPINE_R4_CODE_SYSTEM, version: '1', code, display: known.display }],
        },
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
    ],
  };
}

/** A plain FHIR R4 OperationOutcome, as a hospital FHIR server answers. */
export function r4Outcome(
  code: fhir4.OperationOutcomeIssue['code'],
  diagnostics: string,
  severity: fhir4.OperationOutcomeIssue['severity'] = 'error',
): fhir4.OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

/** The issue code a plain R4 server uses for an HTTP status. */
export function issueCodeForStatus(status: number): fhir4.OperationOutcomeIssue['code'] {
  if (status === 404) return 'not-found';
  if (status === 405) return 'not-supported';
  if (status === 413) return 'too-long';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 503) return 'transient';
  return 'exception';
}
