/**
 * @module The one place domain errors become HTTP statuses and OperationOutcomes.
 * Unknown errors become a generic 500 that reveals nothing.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AccountError } from '../access/account-errors.ts';
import { AuditUnavailable } from '../audit/audit-log.ts';
import {
  InvalidPermission,
  PatientDissented,
  PermissionNotFound,
  PermissionRequired,
} from '../consent/consent-errors.ts';
import { PatientNotTraced, RoleMayNotViewRecords } from '../record/record-view.ts';
import { ApiError } from './operation-outcome.ts';

/** Translates any thrown value to the API error it stands for. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PermissionRequired)
    return new ApiError('PERMISSION_REQUIRED', error.message);
  if (error instanceof PatientDissented) return new ApiError('DISSENT', error.message);
  if (error instanceof InvalidPermission)
    return new ApiError('INVALID_PERMISSION', error.message, error.field);
  if (error instanceof PermissionNotFound) return new ApiError('NOT_FOUND', error.message);
  if (error instanceof RoleMayNotViewRecords) return new ApiError('FORBIDDEN', error.message);
  if (error instanceof AuditUnavailable) return new ApiError('AUDIT_UNAVAILABLE');
  if (error instanceof PatientNotTraced) {
    return error.reason === 'not-found'
      ? new ApiError('PATIENT_NOT_FOUND', error.message)
      : new ApiError('DEMOGRAPHICS_UNAVAILABLE', error.message);
  }
  if (error instanceof AccountError) return new ApiError('INVALID_REQUEST', error.message);
  if (isFastifyError(error)) {
    if (error.validation !== undefined) {
      return new ApiError('INVALID_REQUEST', `The request is not valid: ${error.message}.`);
    }
    if (error.statusCode === 415 || error.statusCode === 400 || error.statusCode === 413) {
      return new ApiError('INVALID_REQUEST', 'The request could not be read.');
    }
    if (error.statusCode === 429) return new ApiError('RATE_LIMITED');
  }
  return new ApiError('INTERNAL_ERROR');
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'statusCode' in error;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.code === 'INTERNAL_ERROR' || apiError.code === 'AUDIT_UNAVAILABLE') {
      // The message of an unknown error may quote data; log its type and stack frames only.
      const err = error instanceof Error ? error : new Error('non-error thrown');
      request.log.error(
        { errorName: err.name, stack: err.stack?.split('\n').slice(1, 6).join('\n') },
        'request failed',
      );
    }
    return reply.code(apiError.status).type('application/fhir+json').send(apiError.toOutcome());
  });
}
