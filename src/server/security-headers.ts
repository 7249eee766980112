/** @module Security headers on every response, and no-store on everything but static assets. */
import type { FastifyInstance } from 'fastify';

/** A strict policy: only our own scripts and styles, no inline code, no framing by default. */
export function contentSecurityPolicy(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length === 0 ? "'none'" : frameAncestors.join(' ')}`,
  ].join('; ');
}

/** Static built assets carry no patient data and have content-hashed names, so they may be cached. */
function isCacheableAsset(url: string): boolean {
  return url.startsWith('/assets/');
}

export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { readonly tls: boolean; readonly frameAncestors: readonly string[] },
): void {
  const csp = contentSecurityPolicy(options.frameAncestors);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (options.frameAncestors.length === 0) reply.header('X-Frame-Options', 'DENY');
    if (options.tls)
      reply.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    // Clinical data must never be kept by the browser or any cache on the way.
    if (!isCacheableAsset(request.url)) {
      reply.header('Cache-Control', 'no-store');
      reply.header('Pragma', 'no-cache');
    }
    return payload;
  });
}
