/** @module What the server knows about a request once authenticated: the user, their session, the client. */
import type { FastifyRequest } from 'fastify';
import type { User } from '../access/user.ts';
import type { Session } from '../access/sessions.ts';
import type { AuditClient } from '../audit/audit-event.ts';
import type { ActionRequest } from '../audit/audited-action.ts';

export interface Authenticated {
  readonly user: User;
  readonly session: Session;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on routes that need a signed-in user. */
    auth: Authenticated | undefined;
  }
}

/** The signed-in user; the authentication hook guarantees it on protected routes. */
export function requireAuth(request: FastifyRequest): Authenticated {
  if (request.auth === undefined) throw new Error('route is not behind the authentication hook');
  return request.auth;
}

/** The client's address and user agent, trimmed to what the audit schema accepts. */
export function auditClient(request: FastifyRequest): AuditClient {
  const address = request.ip.replace(/[^0-9A-Za-z:.%_-]/g, '').slice(0, 64) || 'unknown';
  // eslint-disable-next-line no-control-regex -- control characters never go into the audit
  const agent = (request.headers['user-agent'] ?? '').replace(/[\x00-\x1F\x7F]/g, '').slice(0, 512);
  return agent === '' ? { address } : { address, userAgent: agent };
}

/** The signed-in user, the request id and the client: what every audited action is given. */
export function actionRequest(request: FastifyRequest): ActionRequest {
  const { user } = requireAuth(request);
  return { user, requestId: request.id, client: auditClient(request) };
}
