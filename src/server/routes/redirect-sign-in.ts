/**
 * @module What the redirect sign-ins share (OpenID Connect, NHS login, SMART launch): the start
 * that sets the handle cookie and sends the browser to the provider, the callback's query as the
 * provider sent it, and the plain page that says why a sign-in stopped.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BegunSignIn, ProviderCallback } from '../../access/oidc/code-flow.ts';
import { auditClient } from '../request-context.ts';

/** The provider's answer (code, state, iss, error…) is checked whole by the OpenID Connect client: its parameters are not ours to list. */
export const CallbackQuery = Type.Object({}, { additionalProperties: true });

/** This server as the browser reached it (used only when no redirect URI is configured). */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The provider's redirect back: the handle from the cookie that started the sign-in, and the
 * callback URL's query string exactly as the provider sent it (`''` when none).
 */
export function callbackOf(request: FastifyRequest, handleCookie: string): ProviderCallback {
  const at = request.url.indexOf('?');
  return {
    handle: request.cookies[handleCookie],
    query: at === -1 ? '' : request.url.slice(at),
    origin: originOf(request),
  };
}

/** What a sign-in is asked with: the request's id and client, and the session cookie this browser already had. */
export function signInRequestOf(request: FastifyRequest, sessionCookie: string) {
  return {
    requestId: request.id,
    client: auditClient(request),
    previousToken: request.cookies[sessionCookie],
  };
}

/** Sets the handle cookie (for as long as the sign-in may take) and sends the browser to the provider. */
export function sendToProvider(
  reply: FastifyReply,
  begun: BegunSignIn,
  cookie: { readonly name: string; readonly options: Record<string, unknown> },
) {
  void reply.setCookie(cookie.name, begun.handle, {
    ...cookie.options,
    maxAge: begun.maxAgeSeconds,
  });
  return reply.redirect(begun.authorizationUrl, 303);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** How a refusal page is worded: its title, heading, the message's id, and what to do next (HTML). */
export interface RefusalPage {
  readonly title: string;
  readonly heading: string;
  readonly messageId: string;
  /** Trusted HTML of ours (links), never text from a request or a provider. */
  readonly next?: string | undefined;
}

/** A plain page (no scripts, no inline styles: the CSP allows neither) saying why it stopped. */
export function sendRefusal(
  reply: FastifyReply,
  page: RefusalPage,
  refusal: { readonly status: number; readonly message: string },
) {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${page.title}</title></head>
<body>
<main>
<h1>${page.heading}</h1>
<p id="${page.messageId}">${escapeHtml(refusal.message)}</p>
${page.next === undefined ? '' : `${page.next}\n`}</main>
</body>
</html>
`;
  return reply.code(refusal.status).type('text/html; charset=utf-8').send(html);
}

/** What a person is told, and the status, when a sign-in is refused. Reason codes go only to the audit. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
}

const COMMON_REASONS = [
  'no-subject',
  'no-username',
  'no-account',
  'disabled',
  'username-taken',
  'provider-refused',
  'response-invalid',
] as const;

/** Refusals worded the same whichever provider or EHR signed the person in. */
export type CommonRefusalReason = (typeof COMMON_REASONS)[number];

export function isCommonRefusal(reason: string): reason is CommonRefusalReason {
  const common: readonly string[] = COMMON_REASONS;
  return common.includes(reason);
}

/** The words of a refusal every staff sign-in shares; `provider` names who answered. */
export function commonRefusal(reason: CommonRefusalReason, provider: string): Refusal {
  switch (reason) {
    case 'no-subject':
    case 'no-username':
      return { status: 400, message: `${provider} did not say who you are.` };
    case 'no-account':
      return {
        status: 403,
        message: 'There is no My Care Record account for you. Ask your system administrator.',
      };
    case 'disabled':
      return { status: 403, message: 'Your My Care Record account is disabled.' };
    case 'username-taken':
      return {
        status: 403,
        message: `A My Care Record account already has your user name and is not linked to ${provider}. Ask your system administrator.`,
      };
    case 'provider-refused':
      return { status: 400, message: `${provider} did not sign you in.` };
    case 'response-invalid':
      return {
        status: 400,
        message: `The answer from ${provider} failed its checks, so you have not been signed in.`,
      };
  }
}
