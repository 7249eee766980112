/**
 * @module The one place errors become HTTP statuses and OperationOutcomes: domain errors, Fastify's
 * own errors (validation, parsing, body size, router), 404s. Unknown errors become a generic 500
 * that reveals nothing.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden } from '../access/access-errors.ts';
import { AccountError } from '../access/account-errors.ts';
import { SharedCountersUnavailable } from '../access/shared-counters.ts';
import { AuditUnavailable } from '../audit/audit-log.ts';
import { AlreadyReviewed, InvalidReviewNote, NothingToReview } from '../audit/review-step.ts';
import {
  DissentNotFound,
  InvalidPermission,
  PatientDissented,
  PermissionNotFound,
  PermissionRequired,
} from '../consent/consent-errors.ts';
import {
  DocumentUnavailable,
  PatientNotTraced,
  RoleMayNotViewRecords,
} from '../record/record-view.ts';
import { ApiError } from './operation-outcome.ts';
import { securityHeaders, type SecurityHeaderOptions } from './security-headers.ts';
import {
  BODY_LIMIT_BYTES,
  describeValidationError,
  MAX_PARAM_LENGTH,
} from './request-validation.ts';

/** Translates any thrown value to the API error it stands for. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PermissionRequired)
    return new ApiError('PERMISSION_REQUIRED', error.message);
  if (error instanceof PatientDissented) return new ApiError('DISSENT', error.message);
  if (error instanceof InvalidPermission)
    return new ApiError('INVALID_PERMISSION', error.message, error.field);
  if (error instanceof PermissionNotFound) return new ApiError('NOT_FOUND', error.message);
  if (error instanceof DissentNotFound) return new ApiError('NOT_FOUND', error.message);
  if (error instanceof Forbidden) return new ApiError('FORBIDDEN', error.message);
  if (error instanceof InvalidReviewNote)
    return new ApiError('INVALID_REQUEST', error.message, error.field);
  if (error instanceof NothingToReview)
    return new ApiError('NOT_FOUND', error.message, error.field);
  if (error instanceof AlreadyReviewed) return new ApiError('CONFLICT', error.message, error.field);
  if (error instanceof RoleMayNotViewRecords) return new ApiError('FORBIDDEN', error.message);
  if (error instanceof AuditUnavailable) return new ApiError('AUDIT_UNAVAILABLE');
  if (error instanceof SharedCountersUnavailable) return new ApiError('SIGN_IN_UNAVAILABLE');
  if (error instanceof PatientNotTraced) {
    return error.reason === 'not-found'
      ? new ApiError('PATIENT_NOT_FOUND', error.message)
      : new ApiError('DEMOGRAPHICS_UNAVAILABLE', error.message);
  }
  if (error instanceof DocumentUnavailable) {
    if (error.status === 'access-denied') return new ApiError('FORBIDDEN', error.message);
    if (error.status === 'patient-not-found') return new ApiError('NOT_FOUND', error.message);
    return new ApiError('DOCUMENT_UNAVAILABLE', error.message);
  }
  if (error instanceof AccountError) return new ApiError('INVALID_REQUEST', error.message);
  if (isFastifyError(error)) return fromFastifyError(error);
  return new ApiError('INTERNAL_ERROR');
}

/** Fastify's own errors, by code where the code says more than the status. */
function fromFastifyError(error: FastifyError): ApiError {
  if (error.validation !== undefined) {
    const { text, field } = describeValidationError(error);
    return new ApiError('INVALID_REQUEST', text, field);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than the ${BODY_LIMIT_BYTES / 1024} KB limit.`,
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(
        'INVALID_REQUEST',
        `A part of the address is longer than ${MAX_PARAM_LENGTH} characters.`,
      );
    case 'FST_ERR_BAD_URL':
      return new ApiError('INVALID_REQUEST', 'The address could not be read.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('INVALID_REQUEST', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_REQUEST', 'The request says it has a JSON body but sent none.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('INVALID_REQUEST', 'The request body is not valid JSON.');
    default:
      break;
  }
  if (error.statusCode === 413) {
    return new ApiError(
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than the ${BODY_LIMIT_BYTES / 1024} KB limit.`,
    );
  }
  if (error.statusCode === 429) return new ApiError('RATE_LIMITED');
  if (error.statusCode === 404) return new ApiError('NOT_FOUND');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('INVALID_REQUEST', 'The request could not be read.');
  }
  return new ApiError('INTERNAL_ERROR');
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('statusCode' in error || 'code' in error);
}

/** Sends the OperationOutcome for any error; the reply's onSend hooks add the security headers. */
export async function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const apiError = toApiError(error);
  if (
    apiError.code === 'INTERNAL_ERROR' ||
    apiError.code === 'AUDIT_UNAVAILABLE' ||
    apiError.code === 'SIGN_IN_UNAVAILABLE'
  ) {
    // The message of an unknown error may quote data; log its type and stack frames only.
    const err = error instanceof Error ? error : new Error('non-error thrown');
    request.log.error(
      { errorName: err.name, stack: err.stack?.split('\n').slice(1, 6).join('\n') },
      'request failed',
    );
  }
  return reply.code(apiError.status).type('application/fhir+json').send(apiError.toOutcome());
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => sendError(error, request, reply));
}

/**
 * Fastify's router errors (a path parameter over the length limit, an address that cannot be
 * decoded) are answered outside the hooks, so the security headers and request id are set here.
 */
export function frameworkErrorHandler(headers: SecurityHeaderOptions) {
  return function onFrameworkError(
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    void reply.headers(securityHeaders(headers, request.url)).header('x-request-id', request.id);
    void sendError(error, request, reply);
  };
}

/**
 * Errors Node's HTTP parser meets before there is a request (oversized headers, a malformed
 * request line, a timeout): answered with an OperationOutcome and the security headers, then the
 * connection is closed.
 */
export function clientErrorHandler(headers: SecurityHeaderOptions) {
  return function onClientError(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const apiError =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('REQUEST_TIMEOUT')
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? new ApiError('HEADERS_TOO_LARGE')
          : new ApiError('INVALID_REQUEST', 'The request could not be read.');
    const body = JSON.stringify(apiError.toOutcome());
    const lines = [
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? 'Error'}`,
      'Content-Type: application/fhir+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...Object.entries(securityHeaders(headers, '/')).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };
}
