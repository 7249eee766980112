/**
 * @module The authentication hook for the patient's own routes (`/api/patient/…`): a live patient
 * session from the patient cookie, and the CSRF token on every state-changing request. A staff
 * session is never looked at here, and a patient session is never looked at by staff routes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Patient, PatientSessions } from '../access/nhs-login/patient-sessions.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { CSRF_HEADER } from './authenticate.ts';
import { ApiError } from './operation-outcome.ts';
import { auditClient } from './request-context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The patient session cookie's name: `__Host-` prefixed under TLS. */
export function patientCookieName(tls: boolean): string {
  return tls ? '__Host-mcr_patient' : 'mcr_patient';
}

/** The signed-in patient on a patient route. */
export interface PatientAuthenticated {
  readonly patient: Patient;
  readonly csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the patient authentication hook on `/api/patient/…` routes. */
    patientAuth: PatientAuthenticated | undefined;
  }
}

/** The signed-in patient; the patient hook guarantees it on patient routes. */
export function requirePatient(request: FastifyRequest): PatientAuthenticated {
  if (request.patientAuth === undefined) throw new Error('route is not behind the patient hook');
  return request.patientAuth;
}

function same(a: string, b: string | undefined): boolean {
  if (b === undefined || b === '' || a === '') return false;
  const x = createHash('sha256').update(a, 'utf8').digest();
  const y = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(x, y);
}

export function createPatientAuthenticationHook(deps: {
  readonly sessions: PatientSessions;
  readonly audit: AuditLog;
  readonly cookieName: string;
  readonly now: () => Date;
}) {
  return async function authenticatePatient(
    request: FastifyRequest,
    _reply: FastifyReply,
  ): Promise<void> {
    const resolved = await deps.sessions.resolve(request.cookies[deps.cookieName]);
    if (resolved === undefined) throw new ApiError('UNAUTHENTICATED', 'Sign in with NHS login.');
    if ('expired' in resolved) {
      throw new ApiError(
        'SESSION_EXPIRED',
        'Your session has ended. Sign in with NHS login again.',
      );
    }
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!same(resolved.csrfToken, typeof presented === 'string' ? presented : undefined)) {
        const { patient } = resolved;
        await deps.audit.append({
          action: 'patient-access-denied',
          time: deps.now().toISOString(),
          requestId: request.id,
          client: auditClient(request),
          actor: {
            type: 'patient',
            nhsNumber: patient.nhsNumber,
            proofingLevel: patient.proofingLevel,
          },
          outcome: 'denied',
          nhsNumber: patient.nhsNumber,
          attempted: `${request.method.toLowerCase()}-${request.routeOptions.url ?? 'unknown'}`
            .replace(/[^A-Za-z0-9_.:-]/g, '_')
            .slice(0, 80),
          reasonCode: 'csrf-token-invalid',
        });
        throw new ApiError('CSRF_FAILED');
      }
    }
    request.patientAuth = { patient: resolved.patient, csrfToken: resolved.csrfToken };
  };
}
