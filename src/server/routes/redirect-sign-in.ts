/**
 * @module What the redirect sign-ins share (OpenID Connect, NHS login, SMART launch): the start
 * that sets the handle cookie and sends the browser to the provider, the callback's query as the
 * provider sent it, and the plain page that says why a sign-in stopped.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The provider's answer (code, state, iss, error…) is checked whole by the OpenID Connect client: its parameters are not ours to list. */
export const CallbackQuery = Type.Object({}, { additionalProperties: true });

/** This server as the browser reached it (used only when no redirect URI is configured). */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** The callback URL's query string, exactly as the provider sent it (`''` when none). */
export function queryOf(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at === -1 ? '' : request.url.slice(at);
}

/** A begun sign-in: where to send the browser, and the handle tying the callback to it. */
export interface BegunSignIn {
  readonly ok: true;
  readonly handle: string;
  readonly maxAgeSeconds: number;
  readonly authorizationUrl: string;
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
