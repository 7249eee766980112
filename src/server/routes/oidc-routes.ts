/**
 * @module Sign-in through the configured OpenID Connect provider: `GET /auth/oidc/login` sends the
 * browser there, `GET /auth/oidc/callback` brings it back signed in (or to a page saying why not),
 * and `GET /api/auth/providers` tells the sign-in page which providers to offer. All public.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SignInProviders } from '../../api/session.ts';
import type { FastifyReply } from 'fastify';
import { OIDC_PATHS, type OidcFailure, type OidcSignIn } from '../../access/oidc/oidc-sign-in.ts';
import type { RateLimits } from '../rate-limits.ts';
import type { ServerServices } from '../server-services.ts';
import {
  CallbackQuery,
  callbackOf,
  commonRefusal,
  isCommonRefusal,
  originOf,
  sendRefusal,
  sendToProvider,
  signInRequestOf,
  type Refusal,
} from './redirect-sign-in.ts';
import { setSessionCookie } from './session-routes.ts';

/** The cookie tying a callback to the browser that started the sign-in (`__Host-` under TLS). */
export function oidcLoginCookieName(tls: boolean): string {
  return tls ? '__Host-mcr_oidc' : 'mcr_oidc';
}

/** What the person is told, and the status, for each refusal. Reason codes go only to the audit. */
function refusal(reason: OidcFailure, provider: string): Refusal {
  if (isCommonRefusal(reason)) return commonRefusal(reason, provider);
  switch (reason) {
    case 'role-not-mapped':
      return {
        status: 403,
        message: `Your ${provider} account holds no role that may use My Care Record. Ask your Registration Authority or system administrator.`,
      };
    case 'organisation-missing':
      return {
        status: 403,
        message: `${provider} did not say which organisation you work for, so you have not been signed in.`,
      };
    case 'login-not-found':
      return {
        status: 400,
        message: 'This sign-in has expired or was already used. Please start again.',
      };
    case 'provider-unavailable':
      return { status: 502, message: `${provider} cannot be reached just now. Please try again.` };
  }
}

/** The page that says why the sign-in stopped. */
const REFUSAL_PAGE = {
  title: 'Not signed in - My Care Record',
  heading: 'You have not been signed in',
  messageId: 'sign-in-refused',
  next: `<p><a href="${OIDC_PATHS.start}">Try again</a> or <a href="/">go to the sign-in page</a>.</p>`,
};

export const oidcRoutes: FastifyPluginAsyncTypebox<{
  services: ServerServices;
  limits: RateLimits;
}> = async (app, { services, limits }) => {
  const { cookie } = services;
  const oidc: OidcSignIn | undefined = services.oidc;
  const loginCookie = oidcLoginCookieName(cookie.secure);
  const loginCookieOptions = {
    httpOnly: true,
    // Lax, not Strict: the callback is a navigation from the provider's site and must carry it.
    sameSite: 'lax',
    secure: cookie.secure,
    path: '/auth/oidc/',
  } as const;

  app.get('/api/auth/providers', { schema: { response: { 200: SignInProviders } } }, async () => ({
    providers:
      oidc === undefined
        ? []
        : [{ id: 'oidc', name: oidc.displayName, loginUrl: OIDC_PATHS.start }],
  }));

  if (oidc === undefined) return;

  function refuse(reply: FastifyReply, reason: OidcFailure) {
    const { status, message } = refusal(reason, oidc?.displayName ?? 'The sign-in service');
    return sendRefusal(reply, REFUSAL_PAGE, { status, message });
  }

  // Starting and finishing a sign-in count as sign-in attempts, like a password.
  app.get(OIDC_PATHS.start, { onRequest: limits.signIn }, async (request, reply) => {
    const begun = await oidc.begin({ origin: originOf(request) });
    if (!begun.ok) return refuse(reply, begun.reason);
    return sendToProvider(reply, begun, { name: loginCookie, options: loginCookieOptions });
  });

  app.get(
    OIDC_PATHS.callback,
    { onRequest: limits.signIn, schema: { querystring: CallbackQuery } },
    async (request, reply) => {
      const result = await services.actions.signIn.provider('oidc', {
        ...signInRequestOf(request, cookie.name),
        answer: () => oidc.complete(callbackOf(request, loginCookie)),
      });
      void reply.clearCookie(loginCookie, loginCookieOptions);
      if (!result.ok) return refuse(reply, result.failure.reason);
      const { session } = result;
      setSessionCookie(reply, cookie, session);
      return reply.redirect('/', 303);
    },
  );
};
