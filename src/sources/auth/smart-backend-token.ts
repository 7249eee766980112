/**
 * @module SMART Backend Services access tokens: OAuth2 client credentials with a signed JWT client
 * assertion (`private_key_jwt`), cached until shortly before they expire, one request shared by concurrent callers.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { formatSeconds, type fetchSource as FetchSource } from '../../http/fetch-source.ts';
import type { SourceHttpOutcome, SourceTlsMaterial } from '../../http/http-outcome.ts';
import type { SourceStatus } from '../source-result.ts';
import type { AssertionAlgorithm } from './signing-key.ts';

/** What the token provider is built from. */
export interface SmartBackendTokenOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Already read and checked (see `readSigningKey`). */
  readonly privateKey: KeyObject;
  readonly keyId?: string | undefined;
  readonly algorithm: AssertionAlgorithm;
  readonly scope: string;
  readonly fetchSource: typeof FetchSource;
  /** Deadline of one token request (connect, headers, body). */
  readonly timeoutMs: number;
  readonly tls?: SourceTlsMaterial | undefined;
  readonly now?: (() => Date) | undefined;
}

/** An Authorization header to send, or why none could be had (plain words; never a token or key). */
export type AuthorizationOutcome =
  | { readonly ok: true; readonly header: string }
  | {
      readonly ok: false;
      readonly status: SourceStatus;
      readonly message: string;
      readonly httpStatus?: number | undefined;
    };

/** Hands out the Authorization header for calls to one source. */
export interface TokenProvider {
  /** The header to send; `signal` ends the wait (not the shared token request). Never throws. */
  authorization(signal?: AbortSignal): Promise<AuthorizationOutcome>;
  /** The source refused `header` (HTTP 401): the next call asks for a new token. */
  refused(header: string): void;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART requires the assertion to expire within five minutes; a little less leaves room for clock skew. */
const ASSERTION_LIFETIME_SECONDS = 240;
/** Used when a token response omits `expires_in` (SMART says servers should send it). */
const DEFAULT_TOKEN_SECONDS = 300;
/** A token is renewed this long before it expires (or a tenth of its life, if shorter). */
const RENEW_BEFORE_MS = 30_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** OAuth error codes are safe to show; anything else a server sends in `error` is not repeated. */
const OAUTH_ERROR_CODE = /^[a-z_]{1,40}$/;

interface CachedToken {
  readonly header: string;
  readonly renewAt: number;
}

/**
 * Builds the token provider for one source. Each token request carries a fresh client assertion
 * (iss = sub = clientId, aud = tokenUrl, a random jti, exp within five minutes) signed with the
 * source's private key, and is sent through the guarded transport like any other source call.
 */
export function createSmartBackendTokenProvider(options: SmartBackendTokenOptions): TokenProvider {
  const now = (): number => (options.now ?? (() => new Date()))().getTime();
  let cached: CachedToken | undefined;
  let pending: Promise<AuthorizationOutcome> | undefined;

  async function requestToken(): Promise<AuthorizationOutcome> {
    const issuedAt = now();
    let assertion: string;
    try {
      assertion = await signAssertion(options, issuedAt);
    } catch {
      return {
        ok: false,
        status: 'error',
        message: "The request to the source's sign-in service could not be signed.",
      };
    }
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: options.scope,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }).toString();
    const outcome = await options.fetchSource({
      method: 'POST',
      url: options.tokenUrl,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
      acceptContentTypes: ['application/json'],
      tls: options.tls,
    });
    const answer = readTokenAnswer(outcome, options.timeoutMs);
    if (answer.ok) {
      const lifetimeMs = answer.expiresInSeconds * 1000;
      cached = {
        header: answer.header,
        renewAt: issuedAt + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10),
      };
      return { ok: true, header: answer.header };
    }
    return answer;
  }

  function shared(): Promise<AuthorizationOutcome> {
    pending ??= requestToken()
      .catch((): AuthorizationOutcome => ({
        ok: false,
        status: 'error',
        message: "Something went wrong while signing in to the source's service.",
      }))
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    authorization(signal?: AbortSignal): Promise<AuthorizationOutcome> {
      if (cached !== undefined && now() < cached.renewAt) {
        return Promise.resolve({ ok: true, header: cached.header });
      }
      if (signal === undefined) return shared();
      if (signal.aborted) return Promise.resolve(abandoned(signal, options.timeoutMs));
      return new Promise<AuthorizationOutcome>((resolve) => {
        const onAbort = (): void => {
          resolve(abandoned(signal, options.timeoutMs));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        void shared().then((outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        });
      });
    },
    refused(header: string): void {
      if (cached?.header === header) cached = undefined;
    },
  };
}

function signAssertion(options: SmartBackendTokenOptions, issuedAtMs: number): Promise<string> {
  const iat = Math.floor(issuedAtMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({
      alg: options.algorithm,
      typ: 'JWT',
      ...(options.keyId === undefined ? {} : { kid: options.keyId }),
    })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .sign(options.privateKey);
}

type TokenAnswer =
  | { readonly ok: true; readonly header: string; readonly expiresInSeconds: number }
  | Extract<AuthorizationOutcome, { ok: false }>;

function readTokenAnswer(outcome: SourceHttpOutcome, timeoutMs: number): TokenAnswer {
  if (outcome.kind !== 'response') {
    if (outcome.status !== undefined && outcome.status >= 400) return refusal(outcome.status);
    if (outcome.kind === 'timed-out') {
      return {
        ok: false,
        status: 'timed-out',
        message: `The source's sign-in service did not answer within ${formatSeconds(timeoutMs)}.`,
      };
    }
    return {
      ok: false,
      status: 'unavailable',
      message: `The source's sign-in service could not be used: ${outcome.message}`,
      httpStatus: outcome.status,
    };
  }
  if (outcome.status < 200 || outcome.status > 299) return refusal(outcome.status, outcome.json);
  const json = (typeof outcome.json === 'object' && outcome.json !== null ? outcome.json : {}) as {
    access_token?: unknown;
    token_type?: unknown;
    expires_in?: unknown;
  };
  const expiresIn = json.expires_in ?? DEFAULT_TOKEN_SECONDS;
  if (
    typeof json.access_token !== 'string' ||
    !/^[\x21-\x7e]+$/.test(json.access_token) ||
    typeof json.token_type !== 'string' ||
    json.token_type.toLowerCase() !== 'bearer' ||
    typeof expiresIn !== 'number' ||
    !(expiresIn > 0)
  ) {
    return {
      ok: false,
      status: 'unavailable',
      message: "The source's sign-in service gave an answer without a usable access token.",
      httpStatus: outcome.status,
    };
  }
  return { ok: true, header: `Bearer ${json.access_token}`, expiresInSeconds: expiresIn };
}

function refusal(httpStatus: number, json?: unknown): Extract<AuthorizationOutcome, { ok: false }> {
  const error =
    typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  const code = typeof error === 'string' && OAUTH_ERROR_CODE.test(error) ? `, ${error}` : '';
  if (httpStatus === 400 || httpStatus === 401 || httpStatus === 403) {
    return {
      ok: false,
      status: 'access-denied',
      message: `The source's sign-in service refused our credentials (HTTP ${httpStatus}${code}).`,
      httpStatus,
    };
  }
  if (httpStatus === 429) {
    return {
      ok: false,
      status: 'busy',
      message: "The source's sign-in service is too busy to answer just now (HTTP 429).",
      httpStatus,
    };
  }
  return {
    ok: false,
    status: 'unavailable',
    message: `The source's sign-in service is not working just now (HTTP ${httpStatus}).`,
    httpStatus,
  };
}

function abandoned(signal: AbortSignal, timeoutMs: number): AuthorizationOutcome {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return {
      ok: false,
      status: 'timed-out',
      message: `The source did not answer within ${formatSeconds(timeoutMs)}: its sign-in service was too slow.`,
    };
  }
  return {
    ok: false,
    status: 'error',
    message: 'The view was closed before this source finished answering.',
  };
}
