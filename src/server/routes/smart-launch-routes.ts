/**
 * @module SMART App Launch from an EHR: `GET /launch?iss=…&launch=…` sends the browser to the
 * EHR's authorisation server, `GET /launch/callback` brings it back signed in, on a session that
 * opens the patient in the EHR's context (or to a plain page saying why not). Public routes.
 *
 * Cookies: the launch usually runs inside the EHR's frame, a cross-site context, where a
 * SameSite=Lax or Strict cookie is neither stored nor sent. So the launch handle and the session
 * cookie set here are `SameSite=None; Secure; Partitioned` (CHIPS): partitioned by the EHR's site,
 * they are sent only inside that EHR's pages, and keep working where third-party cookies are
 * blocked but partitioned ones are allowed. CSRF stays closed by the CSRF token every write must
 * carry, and cross-site reads by the Fetch Metadata check in authenticate.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  SMART_PATHS,
  type SmartLaunch,
  type SmartLaunchFailure,
} from '../../access/smart/smart-launch.ts';
import type { ProviderAnswer, StaffRefusal } from '../../access/sign-in.ts';
import { auditClient } from '../request-context.ts';
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

/** The cookie tying a callback to the browser that started the launch (`__Host-` under TLS). */
export function smartLaunchCookieName(tls: boolean): string {
  return tls ? '__Host-mcr_smart' : 'mcr_smart';
}

/** Cookies that must work inside the EHR's frame (see the module comment). */
export const FRAMED_COOKIE = {
  httpOnly: true,
  sameSite: 'none',
  secure: true,
  partitioned: true,
} as const;

/** What the person is told, and the status, for each refusal. Reason codes go only to the audit. */
function refusal(reason: SmartLaunchFailure, ehr: string): Refusal {
  if (isCommonRefusal(reason)) return commonRefusal(reason, ehr);
  switch (reason) {
    case 'unknown-iss':
      return {
        status: 403,
        message:
          'This system is not one My Care Record has been set up to open from. Ask your system administrator.',
      };
    case 'launch-invalid':
      return { status: 400, message: 'The launch did not say which system it came from.' };
    case 'discovery-unavailable':
    case 'provider-unavailable':
      return { status: 502, message: `${ehr} cannot be reached just now. Please try again.` };
    case 'discovery-malformed':
      return {
        status: 502,
        message: `${ehr} describes its sign-in service in a way My Care Record cannot use. Ask your system administrator.`,
      };
    case 'pkce-s256-unsupported':
      return {
        status: 502,
        message: `${ehr} does not offer the secure sign-in (PKCE S256) My Care Record requires. Ask your system administrator.`,
      };
    case 'launch-not-found':
      return {
        status: 400,
        message:
          'This launch has expired or was already used. Open My Care Record again from your system.',
      };
    case 'patient-missing':
      return { status: 400, message: `${ehr} did not say which patient to open.` };
    case 'patient-unreadable':
      return { status: 502, message: `The patient's details could not be read from ${ehr}.` };
    case 'patient-nhs-number-invalid':
      return {
        status: 422,
        message: `The patient in ${ehr} has no valid NHS number, so their shared record cannot be opened. Check the patient's NHS number in ${ehr}.`,
      };
    case 'role-not-mapped':
      return {
        status: 403,
        message: `Your role in ${ehr} is not one that may use My Care Record.`,
      };
    case 'organisation-missing':
      return { status: 403, message: `${ehr} did not say which organisation you work for.` };
  }
}

/** The page that says why the sign-in stopped. */
const REFUSAL_PAGE = {
  title: 'Not opened - My Care Record',
  heading: 'My Care Record was not opened',
  messageId: 'launch-refused',
};

export const smartLaunchRoutes: FastifyPluginAsyncTypebox<{
  services: ServerServices;
  limits: RateLimits;
}> = async (app, { services, limits }) => {
  const { cookie } = services;
  const smart: SmartLaunch | undefined = services.smart;
  const launchCookie = smartLaunchCookieName(cookie.secure);
  const launchCookieOptions = { ...FRAMED_COOKIE, path: '/launch/' } as const;

  /** Signs in with the EHR's answer: a refusal is audited, a launch opens a fresh session. */
  const signIn = (
    request: FastifyRequest,
    answer: () => Promise<ProviderAnswer<SmartLaunchFailure>>,
  ) =>
    services.actions.signIn.provider('smart', { ...signInRequestOf(request, cookie.name), answer });

  function refused(reply: FastifyReply, failure: StaffRefusal<SmartLaunchFailure>) {
    const { status, message } = refusal(failure.reason, smart?.nameOf(failure.iss) ?? 'The EHR');
    return sendRefusal(reply, REFUSAL_PAGE, { status, message });
  }

  /** A launch refused before the EHR was asked to sign anyone in, audited as a sign-in refused. */
  async function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    failure: StaffRefusal<SmartLaunchFailure>,
  ) {
    await services.actions.signIn.refused('smart', {
      requestId: request.id,
      client: auditClient(request),
      failure,
    });
    return refused(reply, failure);
  }

  // A launch and its callback are sign-in attempts, limited like a password.
  app.get(
    SMART_PATHS.start,
    {
      onRequest: limits.signIn,
      schema: {
        // EHRs may add parameters of their own to the launch URL; they are ignored.
        querystring: Type.Object(
          {
            iss: Type.Optional(Type.String({ maxLength: 2048 })),
            launch: Type.Optional(Type.String({ maxLength: 2048 })),
          },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const { iss, launch } = request.query;
      if (smart === undefined) {
        return refuse(request, reply, { reason: 'unknown-iss', iss, attempted: '' });
      }
      const begun = await smart.begin({ iss, launch, origin: originOf(request) });
      if (!begun.ok) return refuse(request, reply, { ...begun, attempted: '' });
      return sendToProvider(reply, begun, { name: launchCookie, options: launchCookieOptions });
    },
  );

  app.get(
    SMART_PATHS.callback,
    { onRequest: limits.signIn, schema: { querystring: CallbackQuery } },
    async (request, reply) => {
      void reply.clearCookie(launchCookie, launchCookieOptions);
      if (smart === undefined) {
        return refuse(request, reply, {
          reason: 'launch-not-found',
          iss: undefined,
          attempted: '',
        });
      }
      const result = await signIn(request, () => smart.complete(callbackOf(request, launchCookie)));
      if (!result.ok) return refused(reply, result.failure);
      const { session } = result;
      void reply.setCookie(cookie.name, session.token, {
        ...FRAMED_COOKIE,
        path: '/',
        expires: session.expiresAt,
      });
      return reply.redirect('/', 303);
    },
  );
};
