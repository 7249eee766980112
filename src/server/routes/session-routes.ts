/** @module Sign-in, the current session, and sign-out: `POST|GET|DELETE /api/session`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { Session, SignInRequest } from '../../api/session.ts';
import { roleDisplayName } from '../../shared/roles.ts';
import type { User } from '../../access/user.ts';
import type { Policy } from '../../access/policy/policy.ts';
import { POLICY_ACTIONS } from '../../access/policy/policy-schema.ts';
import { ApiError } from '../operation-outcome.ts';
import { auditClient, requireSession } from '../request-context.ts';
import type { RateLimits } from '../rate-limits.ts';
import type { ServerServices } from '../server-services.ts';
import { OutcomeSchema } from './schemas.ts';
import { FRAMED_COOKIE } from './smart-launch-routes.ts';

export function userJson(user: User, policy: Pick<Policy, 'mayDo'>) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleName: roleDisplayName(user.role),
    organisation: user.organisation,
    actions: POLICY_ACTIONS.filter((action) => policy.mayDo(user.role, action)),
  };
}

/** Sets a signed-in member of staff's session cookie (first-party: a launched session's is framed). */
export function setSessionCookie(
  reply: FastifyReply,
  cookie: ServerServices['cookie'],
  session: { readonly token: string; readonly expiresAt: Date },
): void {
  void reply.setCookie(cookie.name, session.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: cookie.secure,
    path: '/',
    expires: session.expiresAt,
  });
}

/** Public: signing in, under the sign-in rate limits. */
export const signInRoutes: FastifyPluginAsyncTypebox<{
  services: ServerServices;
  limits: RateLimits;
}> = async (app, { services, limits }) => {
  const { cookie } = services;

  app.post(
    '/api/session',
    {
      onRequest: limits.signIn,
      schema: {
        body: SignInRequest,
        response: {
          200: Session,
          400: OutcomeSchema,
          401: OutcomeSchema,
          429: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request, reply) => {
      // Only JSON: a cross-site HTML form cannot send it, which closes login CSRF.
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new ApiError('INVALID_REQUEST', 'Sign in with a JSON body.');
      }
      const { username, password } = request.body;
      const result = await services.actions.signIn.password({
        username,
        password,
        address: limits.clientKey(request),
        requestId: request.id,
        client: auditClient(request),
        // A session this browser already had ends with the new sign-in, as with OIDC and SMART.
        previousToken: request.cookies[cookie.name],
      });
      if (!result.ok) {
        const { reason } = result.failure;
        if (reason === 'locked') throw new ApiError('ACCOUNT_LOCKED');
        if (reason === 'demo-refused') {
          throw new ApiError(
            'BAD_CREDENTIALS',
            'Demo accounts cannot sign in to a production system.',
          );
        }
        throw new ApiError('BAD_CREDENTIALS');
      }
      const { who, session } = result;
      setSessionCookie(reply, cookie, session);
      return { user: userJson(who.user, services.policy), csrfToken: session.csrfToken };
    },
  );
};

/** Behind authentication: the current session and signing out. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { cookie } = services;

  app.get(
    '/api/session',
    { schema: { response: { 200: Session, 401: OutcomeSchema } } },
    async (request) => {
      const { user, session } = requireSession(request);
      return {
        user: userJson(user, services.policy),
        csrfToken: session.csrfToken,
        ...(session.launchNhsNumber === undefined
          ? {}
          : { launch: { nhsNumber: session.launchNhsNumber } }),
      };
    },
  );

  app.delete(
    '/api/session',
    { schema: { response: { 204: Type.Null(), 401: OutcomeSchema, 403: OutcomeSchema } } },
    async (request, reply) => {
      const { user, session } = requireSession(request);
      await services.actions.signOut({
        who: user,
        token: request.cookies[cookie.name],
        requestId: request.id,
        client: auditClient(request),
      });
      // A launched session's cookie was set for the EHR's frame, and is cleared the same way.
      void reply.clearCookie(
        cookie.name,
        session.launchNhsNumber === undefined
          ? { path: '/', httpOnly: true, sameSite: 'strict', secure: cookie.secure }
          : { ...FRAMED_COOKIE, path: '/' },
      );
      return reply.code(204).send(null);
    },
  );
};
