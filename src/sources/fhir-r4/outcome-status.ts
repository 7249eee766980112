/** @module Turns what one HTTP call to a FHIR R4 source returned into a source status and plain words for the clinician. */
import { formatSeconds } from '../../http/fetch-source.ts';
import type { SourceHttpFailure } from '../../http/http-outcome.ts';
import type { SourceStatus } from '../source-result.ts';

/** A status with its plain message; never clinical content. */
export interface StatusWithMessage {
  readonly status: SourceStatus;
  readonly message: string;
  readonly httpStatus?: number | undefined;
}

/** The status for a call that produced no usable JSON. `timeoutMs` is the whole call's deadline, named in the message. */
export function statusForFailure(failure: SourceHttpFailure, timeoutMs: number): StatusWithMessage {
  const httpStatus = failure.status;
  switch (failure.kind) {
    case 'timed-out':
      return {
        status: 'timed-out',
        message: `The source did not answer within ${formatSeconds(timeoutMs)}.`,
        httpStatus,
      };
    case 'too-large':
    case 'malformed':
    case 'refused':
      return { status: failure.kind, message: failure.message, httpStatus };
    case 'wrong-content-type':
      if (httpStatus !== undefined && httpStatus !== 200) return statusForHttp(httpStatus);
      return { status: 'wrong-content-type', message: failure.message, httpStatus };
    case 'aborted':
      return {
        status: 'error',
        message: 'The view was closed before this source finished answering.',
        httpStatus,
      };
    case 'network-error':
      return { status: 'unavailable', message: failure.message, httpStatus };
  }
}

/** The status for an HTTP error status that came with a readable body. */
export function statusForHttp(httpStatus: number): StatusWithMessage {
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      status: 'access-denied',
      message: `The source refused access (HTTP ${httpStatus}).`,
      httpStatus,
    };
  }
  if (httpStatus === 429) {
    return {
      status: 'busy',
      message: 'The source is too busy to answer just now (HTTP 429).',
      httpStatus,
    };
  }
  if (httpStatus >= 500) {
    return {
      status: 'unavailable',
      message: `The source is not working just now (HTTP ${httpStatus}).`,
      httpStatus,
    };
  }
  return {
    status: 'error',
    message: `The source could not answer the request (HTTP ${httpStatus}).`,
    httpStatus,
  };
}
