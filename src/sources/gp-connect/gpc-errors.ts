/**
 * @module Turns a GP Connect or Spine proxy error (an OperationOutcome with an HTTP status) into a
 * source status and plain words, matching on the error code, never on its code system. The code
 * kept is ours: a known Spine code in its canonical spelling, else `unknown` (the raw value is dropped).
 */
import { spineCode, sspCheck, UNKNOWN_CODE } from '../source-codes.ts';
import type { SourceStatus } from '../source-result.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

export interface GpcErrorReading {
  readonly status: SourceStatus;
  readonly errorCode?: string | undefined;
  readonly message: string;
}

/** The Spine proxy's own errors use this system, with HTTP numbers as codes. */
const SSP_CODE_SYSTEM_PART = 'gpconnect-schedule-response-code';

const NOT_FOUND_MESSAGE =
  'The GP practice has no record it can share for this patient. This also covers patients who are not ' +
  'registered there, have left or died, whose NHS number is not verified, and sensitive patients, whose ' +
  'records are never shared this way.';

const DISSENT_MESSAGE =
  'The patient has asked their GP practice not to share their record. A permission recorded here cannot override this.';

const BY_CODE: Readonly<Record<string, Omit<GpcErrorReading, 'errorCode'>>> = {
  INVALID_NHS_NUMBER: {
    status: 'error',
    message: 'The GP practice did not accept the NHS number as valid.',
  },
  INVALID_IDENTIFIER_SYSTEM: {
    status: 'error',
    message: 'The GP practice did not accept the patient identifier sent.',
  },
  INVALID_IDENTIFIER_VALUE: {
    status: 'error',
    message: 'The GP practice did not accept the patient identifier sent.',
  },
  INVALID_PATIENT_DEMOGRAPHICS: {
    status: 'demographics-mismatch',
    message:
      "The GP practice's details for this patient do not match the national record, so it shared nothing. " +
      "Check the patient's identity with the practice.",
  },
  PATIENT_NOT_FOUND: { status: 'patient-not-found', message: NOT_FOUND_MESSAGE },
  NO_RECORD_FOUND: { status: 'patient-not-found', message: NOT_FOUND_MESSAGE },
  NO_PATIENT_CONSENT: { status: 'dissent', message: DISSENT_MESSAGE },
  NO_RELATIONSHIP: {
    status: 'access-denied',
    message:
      'The GP practice does not allow access from your organisation (no sharing relationship is in place).',
  },
  NO_ORGANISATION_CONSENT: {
    status: 'access-denied',
    message: 'The GP practice has not agreed to share records with your organisation.',
  },
  // GP Connect spells it `ACCESS DENIED`, with a space; spineCode reads both spellings as this one.
  ACCESS_DENIED: {
    status: 'access-denied',
    message: 'The GP practice has switched off record sharing (GP Connect) or this part of it.',
  },
  BAD_REQUEST: {
    status: 'error',
    message:
      'The GP practice rejected the request as badly formed. This is a fault in this system, not in the record.',
  },
  INVALID_PARAMETER: {
    status: 'error',
    message:
      'The GP practice rejected a parameter of the request. This is a fault in this system, not in the record.',
  },
  INVALID_RESOURCE: {
    status: 'error',
    message:
      'The GP practice rejected the request body. This is a fault in this system, not in the record.',
  },
  REFERENCE_NOT_FOUND: {
    status: 'error',
    message: 'The GP practice could not resolve a reference in the request.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 'error',
    message: "The GP practice's system failed while answering. Try again later.",
  },
  NOT_IMPLEMENTED: {
    status: 'error',
    message: "The GP practice's system does not support this kind of request.",
  },
};

/** Reads an error answer. `body` is whatever JSON came back (it may not be an OperationOutcome). */
export function readGpcError(httpStatus: number, body: unknown): GpcErrorReading {
  const coding = firstIssueCoding(body);
  if (coding !== undefined) {
    if (coding.system?.includes(SSP_CODE_SYSTEM_PART) === true)
      return readSspError(httpStatus, coding);
    const code = spineCode(coding.code);
    const known = Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined;
    if (known !== undefined) return { ...known, errorCode: code };
    return { ...byHttpStatus(httpStatus), errorCode: UNKNOWN_CODE };
  }
  return byHttpStatus(httpStatus);
}

function readSspError(httpStatus: number, coding: Coding): GpcErrorReading {
  // The display names the check that failed, e.g. ASID_CHECK_FAILED_MESSAGESENDER_100000000001.
  const errorCode = sspCheck(coding.display) ?? `SSP_${String(httpStatus)}`;
  const claimed = Number(coding.code?.trim());
  const status =
    Number.isInteger(claimed) && claimed >= 100 && claimed <= 599 ? claimed : httpStatus;
  if (status === 403) {
    return {
      status: 'access-denied',
      errorCode,
      message:
        'The NHS Spine proxy refused the call before it reached the GP practice (an authorisation check failed). ' +
        'An administrator must check this system’s ASID and the practice’s configuration.',
    };
  }
  if (status >= 500) {
    return {
      status: 'unavailable',
      errorCode,
      message: 'The NHS Spine proxy could not reach the GP practice. Try again later.',
    };
  }
  return {
    status: 'error',
    errorCode,
    message:
      'The NHS Spine proxy rejected the call. This is a fault in this system’s configuration, not in the record.',
  };
}

function byHttpStatus(httpStatus: number): GpcErrorReading {
  const errorCode = `HTTP_${httpStatus}`;
  if (httpStatus === 404)
    return { status: 'patient-not-found', errorCode, message: NOT_FOUND_MESSAGE };
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      status: 'access-denied',
      errorCode,
      message: 'The GP practice refused access to this record.',
    };
  }
  if (httpStatus === 429)
    return {
      status: 'busy',
      errorCode,
      message: 'The GP practice is too busy to answer. Try again later.',
    };
  if (httpStatus === 502 || httpStatus === 503 || httpStatus === 504) {
    return {
      status: 'unavailable',
      errorCode,
      message: "The GP practice's system is not available. Try again later.",
    };
  }
  if (httpStatus >= 500) {
    return {
      status: 'error',
      errorCode,
      message: "The GP practice's system failed while answering. Try again later.",
    };
  }
  return {
    status: 'error',
    errorCode,
    message: `The GP practice answered with an unexpected error (HTTP ${httpStatus}).`,
  };
}

interface Coding {
  readonly system?: string | undefined;
  readonly code?: string | undefined;
  readonly display?: string | undefined;
}

function firstIssueCoding(body: unknown): Coding | undefined {
  if (!isJsonObject(body) || body['resourceType'] !== 'OperationOutcome') return undefined;
  const issues = body['issue'];
  if (!Array.isArray(issues)) return undefined;
  for (const issue of issues as unknown[]) {
    if (!isJsonObject(issue)) continue;
    const details = issue['details'];
    const codings = isJsonObject(details) ? details['coding'] : undefined;
    if (!Array.isArray(codings)) continue;
    for (const coding of codings as unknown[]) {
      if (!isJsonObject(coding)) continue;
      const code = stringOrUndefined(coding['code']);
      if (code === undefined) continue;
      return {
        code,
        system: stringOrUndefined(coding['system']),
        display: stringOrUndefined(coding['display']),
      };
    }
  }
  return undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
