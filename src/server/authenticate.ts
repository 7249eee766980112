/**
 * @module The authentication hook for protected routes: a live session from the cookie, and the
 * CSRF token on every state-changing request; or, on routes that accept one, a bearer access token.
 * Refusals are audited.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyCsrf, type Sessions } from '../access/sessions.ts';
import type { BearerTokens } from '../access/bearer-token.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditActor } from '../audit/audit-actor.ts';
import { ApiError } from './operation-outcome.ts';
import type { AuditActor } from '../audit/audit-event.ts';
import type { RefusalAudit } from './refusal-audit.ts';
import { auditClient } from './request-context.ts';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's name: `__Host-` prefixed under TLS so no sub-domain can set it. */
export function sessionCookieName(tls: boolean): string {
  return tls ? '__Host-mcr_session' : 'mcr_session';
}

export function createAuthenticationHook(deps: {
  readonly sessions: Sessions;
  readonly audit: AuditLog;
  /** Refusals without a session, bad CSRF, cross-site: counted per address and minute. */
  readonly refusals: RefusalAudit;
  readonly cookieName: string;
  readonly now: () => Date;
  /** Bearer access tokens (the FHIR API); absent or disabled: the session cookie only. */
  readonly bearer?: BearerTokens | undefined;
}) {
  const bearerHook =
    deps.bearer?.enabled === true ? authenticateBearer(deps.bearer, deps) : undefined;
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const refuse = async (reasonCode: string, actor: AuditActor | null): Promise<void> => {
      await deps.refusals.refused({
        requestId: request.id,
        client: auditClient(request),
        actor,
        attempted: `${request.method.toLowerCase()}-${request.routeOptions.url ?? 'unknown'}`
          .replace(/[^A-Za-z0-9_.:-]/g, '_')
          .slice(0, 80),
        reasonCode,
      });
    };
    const token = bearerTokenOf(request);
    if (request.routeOptions.config.bearer === true) {
      // RFC 6750 §3: a 401 from a bearer-token route says how to authenticate.
      void reply.header('www-authenticate', 'Bearer realm="fhir"');
      if (token !== undefined) {
        if (bearerHook === undefined)
          throw new ApiError('UNAUTHENTICATED', 'This server accepts no bearer tokens.');
        await bearerHook(request, token, reply);
        return;
      }
    }
    const cookie = request.cookies[deps.cookieName];
    const resolved = await deps.sessions.resolve(cookie);
    if (resolved === undefined) {
      // A cookie that names no live session is forged, stale or from a disabled account.
      await refuse(cookie === undefined || cookie === '' ? 'no-session' : 'session-unknown', null);
      throw new ApiError('UNAUTHENTICATED');
    }
    if ('expired' in resolved) {
      await refuse(`session-expired-${resolved.expired}`, null);
      throw new ApiError(
        'SESSION_EXPIRED',
        resolved.expired === 'idle'
          ? 'Your session ended after a period of inactivity. Sign in again.'
          : 'Your session reached its time limit. Sign in again.',
      );
    }
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!verifyCsrf(resolved.session, typeof presented === 'string' ? presented : undefined)) {
        await refuse('csrf-token-invalid', auditActor(resolved.user));
        throw new ApiError('CSRF_FAILED');
      }
    }
    // Fetch Metadata: the UI's own requests are same-origin. A SMART-launched session's cookie is
    // SameSite=None (it must work in the EHR's frame), so another site's page could otherwise make
    // the browser send it, e.g. to start a record view the clinician never asked for.
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      await refuse('cross-site-request', auditActor(resolved.user));
      throw new ApiError('CROSS_SITE_REQUEST');
    }
    request.auth = resolved;
  };
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  return match?.[1];
}

function authenticateBearer(
  bearer: BearerTokens,
  deps: { readonly audit: AuditLog; readonly now: () => Date },
) {
  return async (request: FastifyRequest, token: string, reply: FastifyReply): Promise<void> => {
    const result = await bearer.verify(token);
    if (!result.ok) {
      await deps.audit.append({
        action: 'access-denied',
        time: deps.now().toISOString(),
        requestId: request.id,
        client: auditClient(request),
        actor: null,
        outcome: 'denied',
        attempted: 'bearer-token',
        reasonCode: result.reason,
      });
      void reply.header('www-authenticate', 'Bearer realm="fhir", error="invalid_token"');
      throw new ApiError(
        'INVALID_TOKEN',
        result.reason === 'token-expired'
          ? 'The access token has expired.'
          : 'The access token was not accepted.',
      );
    }
    request.auth = { user: result.identity.user, bearer: result.identity };
  };
}
