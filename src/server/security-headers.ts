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

/** What the security headers depend on: TLS (HSTS) and who may frame the UI. */
export interface SecurityHeaderOptions {
  readonly tls: boolean;
  readonly frameAncestors: readonly string[];
}

/**
 * The security headers for a response to `url`. Also used where Fastify answers outside its
 * hooks (router and client errors), so no answer leaves without them.
 */
export function securityHeaders(
  options: SecurityHeaderOptions,
  url: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(options.frameAncestors),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  if (options.frameAncestors.length === 0) headers['X-Frame-Options'] = 'DENY';
  if (options.tls) headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains';
  // Clinical data must never be kept by the browser or any cache on the way.
  if (!isCacheableAsset(url)) {
    headers['Cache-Control'] = 'no-store';
    headers['Pragma'] = 'no-cache';
  }
  return headers;
}

export function registerSecurityHeaders(
  app: FastifyInstance,
  options: SecurityHeaderOptions,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers(securityHeaders(options, request.url));
    return payload;
  });
}
