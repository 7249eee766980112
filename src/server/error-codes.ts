/**
 * @module The stable error codes of the API, each with its HTTP status and FHIR issue type.
 * Every code is documented in docs/api.md (a test checks).
 */
import { DISSENT_TEXT, FORBIDDEN_TEXT, PERMISSION_REQUIRED_TEXT } from '../shared/refusal-texts.ts';

export const ERROR_CODE_SYSTEM = 'urn:x-my-care-record:error-code';

export const ERROR_CODES = {
  UNAUTHENTICATED: { status: 401, issue: 'login', text: 'Sign in to continue.' },
  SESSION_EXPIRED: { status: 401, issue: 'login', text: 'Your session has ended. Sign in again.' },
  INVALID_TOKEN: { status: 401, issue: 'login', text: 'The access token was not accepted.' },
  INSUFFICIENT_SCOPE: {
    status: 403,
    issue: 'forbidden',
    text: 'The access token’s scopes do not allow this.',
  },
  NOT_ACCEPTABLE: {
    status: 406,
    issue: 'not-supported',
    text: 'This server answers in FHIR JSON only (application/fhir+json).',
  },
  BAD_CREDENTIALS: {
    status: 401,
    issue: 'security',
    text: 'The username or password is not right.',
  },
  ACCOUNT_LOCKED: {
    status: 429,
    issue: 'throttled',
    text: 'Too many failed sign-ins. The account is locked for a while; try again later.',
  },
  CSRF_FAILED: {
    status: 403,
    issue: 'security',
    text: 'The request was refused: its CSRF token is missing or wrong.',
  },
  CROSS_SITE_REQUEST: {
    status: 403,
    issue: 'security',
    text: 'The request was refused: it came from another site’s page.',
  },
  FORBIDDEN: { status: 403, issue: 'forbidden', text: FORBIDDEN_TEXT },
  PERMISSION_REQUIRED: { status: 403, issue: 'forbidden', text: PERMISSION_REQUIRED_TEXT },
  DISSENT: { status: 403, issue: 'forbidden', text: DISSENT_TEXT },
  INVALID_NHS_NUMBER: { status: 400, issue: 'value', text: 'This is not a valid NHS number.' },
  INVALID_REQUEST: { status: 400, issue: 'invalid', text: 'The request is not valid.' },
  INVALID_PERMISSION: {
    status: 400,
    issue: 'invalid',
    text: 'The permission cannot be recorded as given.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    issue: 'too-long',
    text: 'The request body is larger than the server accepts.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    issue: 'too-long',
    text: 'The request headers are larger than the server accepts.',
  },
  REQUEST_TIMEOUT: { status: 408, issue: 'timeout', text: 'The request took too long to arrive.' },
  PATIENT_NOT_FOUND: {
    status: 404,
    issue: 'not-found',
    text: 'No patient was found with this NHS number.',
  },
  NOT_FOUND: { status: 404, issue: 'not-found', text: 'Not found.' },
  DOCUMENT_UNAVAILABLE: {
    status: 502,
    issue: 'transient',
    text: 'The document could not be fetched from the organisation that holds it.',
  },
  CONFLICT: { status: 409, issue: 'conflict', text: 'This has already been done.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    issue: 'not-supported',
    text: 'My Care Record is read-only: this method is not allowed here.',
  },
  RATE_LIMITED: {
    status: 429,
    issue: 'throttled',
    text: 'Too many requests. Slow down and try again.',
  },
  DEMOGRAPHICS_UNAVAILABLE: {
    status: 503,
    issue: 'transient',
    text: 'The national demographics service could not be reached. Try again shortly.',
  },
  ISSUER_UNAVAILABLE: {
    status: 503,
    issue: 'transient',
    text: 'The authorisation server could not be reached. Try again shortly.',
  },
  SIGN_IN_UNAVAILABLE: {
    status: 503,
    issue: 'transient',
    text: 'Sign-in is unavailable: the sign-in limits cannot be checked. Try again shortly.',
  },
  AUDIT_UNAVAILABLE: {
    status: 503,
    issue: 'transient',
    text: 'The audit trail cannot be written, so no record can be shown. Try again shortly.',
  },
  INTERNAL_ERROR: {
    status: 500,
    issue: 'exception',
    text: 'Something went wrong. Nothing was shown or changed.',
  },
} as const satisfies Record<
  string,
  { status: number; issue: fhir4.OperationOutcomeIssue['code']; text: string }
>;

export type ErrorCode = keyof typeof ERROR_CODES;
