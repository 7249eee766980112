/** @module What the server knows about a request once authenticated: the user, their session, the client. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../access/user.ts';
import type { Session } from '../access/sessions.ts';
import type { AuditClient } from '../audit/audit-event.ts';
import type { ActionRequest } from '../audit/audited-action.ts';
import type { BearerIdentity } from '../access/bearer-token.ts';

/** The signed-in user, with the session cookie's session or the bearer token that named them. */
export type Authenticated =
  | { readonly user: User; readonly session: Session; readonly bearer?: undefined }
  | { readonly user: User; readonly bearer: BearerIdentity; readonly session?: undefined };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on routes that need a signed-in user. */
    auth: Authenticated | undefined;
  }
  interface FastifyContextConfig {
    /** The route also accepts a bearer access token (the FHIR API, recording a permission). */
    bearer?: boolean;
  }
}

/** The signed-in user; the authentication hook guarantees it on protected routes. */
export function requireAuth(request: FastifyRequest): Authenticated {
  if (request.auth === undefined) throw new Error('route is not behind the authentication hook');
  return request.auth;
}

/** The signed-in user and their session, on routes that only the session cookie reaches. */
export function requireSession(request: FastifyRequest): { user: User; session: Session } {
  const auth = requireAuth(request);
  if (auth.session === undefined) throw new Error('route is not behind session authentication');
  return { user: auth.user, session: auth.session };
}

/** The client's address and user agent, trimmed to what the audit schema accepts. */
export function auditClient(request: FastifyRequest): AuditClient {
  const address = request.ip.replace(/[^0-9A-Za-z:.%_-]/g, '').slice(0, 64) || 'unknown';
  // eslint-disable-next-line no-control-regex -- control characters never go into the audit
  const agent = (request.headers['user-agent'] ?? '').replace(/[\x00-\x1F\x7F]/g, '').slice(0, 512);
  const apiClient = request.auth?.bearer?.client;
  return {
    address,
    ...(agent === '' ? {} : { userAgent: agent }),
    ...(apiClient === undefined ? {} : { apiClient: { ...apiClient } }),
  };
}

/** The signed-in user, the request id and the client: what every audited action is given. */
export function actionRequest(request: FastifyRequest): ActionRequest {
  const { user } = requireAuth(request);
  return { user, requestId: request.id, client: auditClient(request) };
}

/**
 * Aborts when the client goes away before its answer is finished: a clinician who navigates away
 * abandons the view, and the sources stop being asked.
 */
export function abandonSignal(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  return abort.signal;
}
