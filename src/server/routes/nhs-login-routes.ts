/**
 * @module Patient sign-in through NHS login: `GET /auth/nhs-login/login` sends the browser there,
 * `GET /auth/nhs-login/callback` brings it back signed in as a patient (to `/patient`), or to a
 * plain page saying why not. Public. Every outcome is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import {
  NHS_LOGIN_PATHS,
  type NhsLoginFailure,
  type NhsLoginSignIn,
} from '../../access/nhs-login/nhs-login-sign-in.ts';
import type { PatientSessions } from '../../access/nhs-login/patient-sessions.ts';
import { patientCookieName } from '../patient-authenticate.ts';
import type { RateLimits } from '../rate-limits.ts';
import type { ServerServices } from '../server-services.ts';
import {
  CallbackQuery,
  callbackOf,
  originOf,
  sendRefusal,
  sendToProvider,
  signInRequestOf,
} from './redirect-sign-in.ts';

/** Ties a callback to the browser that started the sign-in. */
function loginCookieName(tls: boolean): string {
  return tls ? '__Host-mcr_nhs_login' : 'mcr_nhs_login';
}

function refusal(reason: NhsLoginFailure, minimum: string): { status: number; message: string } {
  switch (reason) {
    case 'proofing-level-too-low':
    case 'no-proofing-level':
      return {
        status: 403,
        message: `To see who has looked at your record, NHS login needs to have checked who you are at the highest level (${minimum}). You can prove who you are in the NHS App or at NHS login, then try again.`,
      };
    case 'no-nhs-number':
    case 'invalid-nhs-number':
      return {
        status: 403,
        message:
          'NHS login did not give us your NHS number, so we cannot show you your record’s history.',
      };
    case 'vot-mismatch':
    case 'response-invalid':
      return {
        status: 400,
        message: 'The answer from NHS login failed its checks, so you have not been signed in.',
      };
    case 'no-subject':
      return { status: 400, message: 'NHS login did not say who you are.' };
    case 'login-not-found':
      return {
        status: 400,
        message: 'This sign-in has expired or was already used. Please start again.',
      };
    case 'provider-refused':
      return { status: 400, message: 'NHS login did not sign you in.' };
    case 'provider-unavailable':
      return { status: 502, message: 'NHS login cannot be reached just now. Please try again.' };
  }
}

/** The page that says why the sign-in stopped. */
const REFUSAL_PAGE = {
  title: 'Not signed in - My Care Record',
  heading: 'You have not been signed in',
  messageId: 'sign-in-refused',
  next: `<p><a href="${NHS_LOGIN_PATHS.start}">Try again</a> or <a href="/about">read about My Care Record</a>.</p>`,
};

export const nhsLoginRoutes: FastifyPluginAsyncTypebox<{
  services: ServerServices;
  limits: RateLimits;
}> = async (app, { services, limits }) => {
  const nhsLogin: NhsLoginSignIn | undefined = services.nhsLogin;
  const sessions: PatientSessions | undefined = services.patientSessions;
  const portal = services.patientPortal;
  if (nhsLogin === undefined || sessions === undefined || portal === undefined) return;
  const { cookie } = services;
  const minimum = services.config.nhsLogin?.minimumProofingLevel ?? 'P9';
  const loginCookie = loginCookieName(cookie.secure);
  const patientCookie = patientCookieName(cookie.secure);
  const loginCookieOptions = {
    httpOnly: true,
    // Lax: the callback is a navigation from NHS login's site and must carry it.
    sameSite: 'lax',
    secure: cookie.secure,
    path: '/auth/nhs-login/',
  } as const;

  function refuse(reply: FastifyReply, reason: NhsLoginFailure) {
    const { status, message } = refusal(reason, minimum);
    return sendRefusal(reply, REFUSAL_PAGE, { status, message });
  }

  // Starting and finishing a sign-in count as sign-in attempts, like a password.
  app.get(NHS_LOGIN_PATHS.start, { onRequest: limits.signIn }, async (request, reply) => {
    const begun = await nhsLogin.begin({ origin: originOf(request) });
    if (!begun.ok) return refuse(reply, begun.reason);
    return sendToProvider(reply, begun, { name: loginCookie, options: loginCookieOptions });
  });

  app.get(
    NHS_LOGIN_PATHS.callback,
    { onRequest: limits.signIn, schema: { querystring: CallbackQuery } },
    async (request, reply) => {
      const result = await services.actions.patientSignIn.signIn({
        ...signInRequestOf(request, patientCookie),
        attempt: async () => {
          const answer = await nhsLogin.complete(callbackOf(request, loginCookie));
          return answer.ok
            ? { ok: true, who: answer.identity }
            : { ok: false, failure: answer.reason };
        },
      });
      void reply.clearCookie(loginCookie, loginCookieOptions);
      if (!result.ok) return refuse(reply, result.failure);
      const { session } = result;
      void reply.setCookie(patientCookie, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: cookie.secure,
        path: '/',
        expires: session.expiresAt,
      });
      return reply.redirect('/patient', 303);
    },
  );
};
