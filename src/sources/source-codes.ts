/**
 * @module Turns the codes a source sends (Spine error codes, FHIR issue types, HTTP statuses) into
 * codes of ours, where they enter: a known code in one canonical spelling, anything else `unknown`
 * with the raw value dropped. Nothing a source sends can then fail an audit write or reach the trail.
 */

/** What an unrecognised code from a source becomes. */
export const UNKNOWN_CODE = 'unknown';

/**
 * The Spine error and warning codes GP Connect and PDS answer with
 * (`Spine-ErrorOrWarningCode-1`). `ACCESS DENIED` (with a space) is a real GP Connect code; it
 * and `ACCESS_DENIED` are one code, spelt with the underscore here.
 */
const SPINE_CODES: ReadonlySet<string> = new Set([
  'ACCESS_DENIED',
  'BAD_REQUEST',
  'DUPLICATE_REJECTED',
  'INTERNAL_SERVER_ERROR',
  'INVALID_IDENTIFIER_SYSTEM',
  'INVALID_IDENTIFIER_VALUE',
  'INVALID_NHS_NUMBER',
  'INVALID_PARAMETER',
  'INVALID_PATIENT_DEMOGRAPHICS',
  'INVALID_REQUEST_MESSAGE',
  'INVALID_RESOURCE',
  'INVALID_RESOURCE_ID',
  'INVALID_SEARCH_DATA',
  'INVALID_VALUE',
  'MISSING_VALUE',
  'MULTIPLE_MATCHES_FOUND',
  'NO_ORGANISATION_CONSENT',
  'NO_PATIENT_CONSENT',
  'NO_RECORD_FOUND',
  'NO_RELATIONSHIP',
  'NOT_IMPLEMENTED',
  'PATIENT_NOT_FOUND',
  'REFERENCE_NOT_FOUND',
  'RESOURCE_NOT_FOUND',
  'TOO_MANY_MATCHES',
  'UNSUPPORTED_SERVICE',
]);

/** The checks the Spine proxy names in its errors' display (without the trailing ASID). */
const SSP_CHECKS: ReadonlySet<string> = new Set([
  'ASID_CHECK_FAILED_MESSAGESENDER',
  'ASID_CHECK_FAILED_MESSAGERECEIVER',
  'ASID_CHECK_FAILED',
]);

/** FHIR R4 `IssueType` codes (http://hl7.org/fhir/issue-type), the value set of `OperationOutcome.issue.code`. */
const ISSUE_TYPES: ReadonlySet<string> = new Set([
  'invalid',
  'structure',
  'required',
  'value',
  'invariant',
  'security',
  'login',
  'unknown',
  'expired',
  'forbidden',
  'suppressed',
  'processing',
  'not-supported',
  'duplicate',
  'multiple-matches',
  'not-found',
  'deleted',
  'too-long',
  'code-invalid',
  'extension',
  'too-costly',
  'business-rule',
  'conflict',
  'transient',
  'lock-error',
  'no-store',
  'exception',
  'timeout',
  'incomplete',
  'throttled',
  'informational',
]);

/**
 * The canonical Spine code for what a source sent, or `unknown`. Spine codes are matched without
 * regard to case or surrounding space, and a space inside counts as an underscore (`ACCESS DENIED`).
 */
export function spineCode(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 100) return UNKNOWN_CODE;
  const canonical = raw.trim().toUpperCase().replace(/\s+/g, '_');
  return SPINE_CODES.has(canonical) ? canonical : UNKNOWN_CODE;
}

/** True when a source's code is a Spine code we know. */
export function isKnownSpineCode(raw: unknown): boolean {
  return spineCode(raw) !== UNKNOWN_CODE;
}

/** The check a Spine proxy error names (its display, less the trailing ASID), or undefined when it is not one we know. */
export function sspCheck(display: unknown): string | undefined {
  if (typeof display !== 'string' || display.length > 200) return undefined;
  const check = display.trim().toUpperCase().replace(/_\d+$/, '');
  return SSP_CHECKS.has(check) ? check : undefined;
}

/** A FHIR issue type (case and surrounding space ignored: the value set is lower case), or `unknown`. */
export function issueType(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 100) return UNKNOWN_CODE;
  const code = raw.trim().toLowerCase();
  return ISSUE_TYPES.has(code) ? code : UNKNOWN_CODE;
}

/** An HTTP status a source answered with, when it is one (100–599); anything else is dropped. */
export function httpStatusCode(raw: unknown): number | undefined {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 100 && raw <= 599
    ? raw
    : undefined;
}

/**
 * A code made safe for the audit trail's code field (a letter or digit, then letters, digits and
 * `_ . : -`, at most 80): the last line of defence, for codes already of ours; a code that would
 * need more than swapping a few characters becomes `unknown`.
 */
export function auditableCode(code: string): string {
  const cleaned = code
    .trim()
    .replace(/[^A-Za-z0-9_.:-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 80);
  return cleaned === '' ? UNKNOWN_CODE : cleaned;
}
