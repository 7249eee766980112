/**
 * @module What a sign-in in progress at another party (an OpenID Connect provider, an EHR's SMART
 * authorisation server) is kept under: a random handle that only the browser's cookie holds, stored
 * as its SHA-256, with the state, nonce and PKCE verifier the callback is checked against, for a
 * limited time. Used by src/access/oidc/oidc-logins.ts and src/access/smart/smart-launches.ts.
 */
import { createHash, randomBytes } from 'node:crypto';

/** What the callback checks the other party's answer against. */
export interface PendingChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

const HANDLE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function random(): string {
  return randomBytes(32).toString('base64url');
}

/** A new handle (for the cookie) and new checks (for the other party), each 256 random bits. */
export function freshPending(): PendingChecks & { readonly handle: string } {
  return { handle: random(), state: random(), nonce: random(), codeVerifier: random() };
}

/** The row id a handle this server gave out is stored under: its SHA-256, never the handle. */
export function storedId(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
}

/** The row id a browser's handle would be stored under; undefined for one never given out. */
export function pendingId(handle: string | undefined): string | undefined {
  if (handle === undefined || !HANDLE_PATTERN.test(handle)) return undefined;
  return storedId(handle);
}

/** The stored row's times: made now, usable for `ttlSeconds`. */
export function pendingTimes(
  at: Date,
  ttlSeconds: number,
): { readonly created_at: string; readonly expires_at: string } {
  return {
    created_at: at.toISOString(),
    expires_at: new Date(at.getTime() + ttlSeconds * 1000).toISOString(),
  };
}

/** True when a stored row's expiry has passed (it is then as if it never was). */
export function pendingExpired(expiresAt: string, now: Date): boolean {
  return expiresAt <= now.toISOString();
}
