/**
 * @module The authorization code flow with PKCE S256 that every redirect sign-in shares (OpenID
 * Connect, NHS login, SMART launch), with `openid-client`: the authorisation URL with state, nonce
 * and code challenge; the code exchanged at the registered callback URL against the checks kept
 * server-side; UserInfo merged under the ID token's claims; openid-client's errors as refusals.
 * {@link createCodeFlow} is the whole flow for a provider found by OpenID Connect discovery.
 */
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { DatabaseSchema } from '../../store/schema.ts';
import { createOidcLogins, OIDC_LOGIN_TTL_SECONDS, type OidcLoginChecks } from './oidc-logins.ts';

/** The provider's redirect back to this server, as the callback route hands it over. */
export interface ProviderCallback {
  /** From the short-lived cookie that ties the callback to the browser that started. */
  readonly handle: string | undefined;
  /** The callback URL's query string: the provider's answer. */
  readonly query: string;
  /** This server as the browser reached it, used only when no redirect URI is configured. */
  readonly origin: string;
}

/** A sign-in begun: where to send the browser, and what ties its callback to it. */
export interface BegunSignIn {
  readonly ok: true;
  readonly authorizationUrl: string;
  /** For the short-lived HttpOnly cookie that ties the callback to this browser. */
  readonly handle: string;
  readonly maxAgeSeconds: number;
}

/** Why the provider's answer to a sign-in signs nobody in (the audited `reasonCode`). */
export type CodeExchangeFailure =
  /** The provider answered with an error (e.g. the person cancelled). */
  | 'provider-refused'
  /** The answer failed a check: state, code exchange, ID token (issuer, audience, nonce, expiry, signature). */
  | 'response-invalid'
  /** The provider could not be reached or answered nonsense. */
  | 'provider-unavailable';

/** Why a sign-in through a discovered provider stopped before its claims were read. */
export type CodeFlowFailure =
  /** No sign-in in progress for this browser: never started, already used, or expired. */
  'login-not-found' | CodeExchangeFailure;

type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

const PROVIDER_TIMEOUT_SECONDS = 10;

/** Plain http is allowed only to a provider on this machine (tests, local development). */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The authorisation URL: code, the redirect URI, scope, state, nonce, PKCE S256, and `parameters`. */
export async function authorizationUrl(
  config: client.Configuration,
  request: {
    readonly redirectUri: string;
    readonly scope: string;
    readonly checks: OidcLoginChecks;
    /** What this kind of sign-in adds (NHS login's `vtr`; SMART's `aud` and `launch`). */
    readonly parameters?: Readonly<Record<string, string>>;
  },
): Promise<string> {
  const { checks } = request;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: request.scope,
    response_type: 'code',
    state: checks.state,
    nonce: checks.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
    code_challenge_method: 'S256',
    ...request.parameters,
  });
  return url.href;
}

/** Exchanges the code in the provider's answer, checking state, nonce, PKCE and the ID token. */
export async function exchangeCode(
  config: client.Configuration,
  request: {
    readonly redirectUri: string;
    readonly query: string;
    readonly checks: OidcLoginChecks;
  },
): Promise<
  | { readonly ok: true; readonly tokens: Tokens }
  | { readonly ok: false; readonly reason: CodeExchangeFailure }
> {
  // The callback URL as registered, with the provider's answer: never the Host header's idea of it.
  const callbackUrl = new URL(request.redirectUri);
  callbackUrl.search = request.query;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: request.checks.codeVerifier,
      expectedState: request.checks.state,
      expectedNonce: request.checks.nonce,
      idTokenExpected: true,
    });
    return { ok: true, tokens };
  } catch (error) {
    return { ok: false, reason: failureOf(error) };
  }
}

/** What a sign-in through a discovered provider is given besides its settings. */
export interface ProviderSignInDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  /** `server.publicUrl`, when configured: the default redirect URI is built on it. */
  readonly publicUrl?: string | undefined;
  /** Logs why the provider could not be reached (never tokens or claims). */
  readonly warn?: ((message: string) => void) | undefined;
}

/** What {@link createCodeFlow} is built from. */
export interface CodeFlowDeps extends ProviderSignInDeps {
  /** How the provider is named in the operator's log, e.g. `OIDC`, `NHS login`. */
  readonly label: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Client metadata beyond the id (e.g. the ID token's signing algorithm). */
  readonly metadata?: Partial<client.ClientMetadata> | undefined;
  readonly auth: () => Promise<client.ClientAuth>;
  readonly scopes: string;
  /** The path of this server's callback route, for the default redirect URI. */
  readonly callbackPath: string;
  /** The configured redirect URI, when there is one. */
  readonly redirectUri?: string | undefined;
  /** What this provider's authorisation URL adds (NHS login's `vtr`). */
  readonly parameters?: Readonly<Record<string, string>> | undefined;
}

export interface CodeFlow {
  /** Starts a sign-in. `origin` is this server as the browser reached it, used only when no redirect URI is configured. */
  begin(request: {
    readonly origin: string;
  }): Promise<BegunSignIn | { readonly ok: false; readonly reason: 'provider-unavailable' }>;
  /** The claims of the signed-in person: the ID token's, over UserInfo's when the provider has it. */
  complete(
    callback: ProviderCallback,
  ): Promise<
    | { readonly ok: true; readonly claims: Record<string, unknown> }
    | { readonly ok: false; readonly reason: CodeFlowFailure }
  >;
}

/** A sign-in through a discovered provider: begun as the flow begins, finished with what its claims make. */
export interface ProviderSignIn<Result> extends Pick<CodeFlow, 'begin'> {
  /** Finishes a sign-in from the provider's redirect back. */
  complete(callback: ProviderCallback): Promise<Result>;
}

/** The flow for a provider found by discovery at its issuer, with sign-ins kept in `oidc_logins`. */
export function createCodeFlow(deps: CodeFlowDeps): CodeFlow {
  const issuer = new URL(deps.issuer);
  const logins = createOidcLogins({ db: deps.db, now: deps.now });
  const warn = deps.warn ?? (() => undefined);

  // Discovered once, on first use; a failure is forgotten so the next sign-in tries again.
  let discovered: Promise<client.Configuration> | undefined;
  async function configuration(): Promise<client.Configuration | undefined> {
    discovered ??= deps.auth().then((auth) =>
      client.discovery(issuer, deps.clientId, deps.metadata, auth, {
        // Plain http only to a provider on this machine (tests, local development); the schema refuses others.
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out, as here
        execute: isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      }),
    );
    try {
      return await discovered;
    } catch (error) {
      discovered = undefined;
      warn(`${deps.label} discovery at ${issuer.href} failed: ${describe(error)}`);
      return undefined;
    }
  }

  function redirectUri(origin: string): string {
    return deps.redirectUri ?? new URL(deps.callbackPath, deps.publicUrl ?? origin).href;
  }

  return {
    async begin({ origin }) {
      const config = await configuration();
      if (config === undefined) return { ok: false, reason: 'provider-unavailable' };
      const login = await logins.start();
      return {
        ok: true,
        authorizationUrl: await authorizationUrl(config, {
          redirectUri: redirectUri(origin),
          scope: deps.scopes,
          checks: login,
          parameters: deps.parameters,
        }),
        handle: login.handle,
        maxAgeSeconds: OIDC_LOGIN_TTL_SECONDS,
      };
    },

    async complete({ handle, query, origin }) {
      const checks = await logins.take(handle);
      if (checks === undefined) return { ok: false, reason: 'login-not-found' };
      const config = await configuration();
      if (config === undefined) return { ok: false, reason: 'provider-unavailable' };
      const exchanged = await exchangeCode(config, {
        redirectUri: redirectUri(origin),
        query,
        checks,
      });
      if (!exchanged.ok) return exchanged;
      const { tokens } = exchanged;
      const idClaims = tokens.claims();
      if (idClaims === undefined) return { ok: false, reason: 'response-invalid' };
      if (config.serverMetadata().userinfo_endpoint === undefined) {
        return { ok: true, claims: { ...idClaims } };
      }
      try {
        // CIS2 gives its role claims at UserInfo only; the subject must be the ID token's. The
        // ID token is signed: where both say something, it wins.
        const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        return { ok: true, claims: { ...userInfo, ...idClaims } };
      } catch (error) {
        return { ok: false, reason: failureOf(error) };
      }
    },
  };
}

/** An openid-client error as a refusal: the provider said no, the answer failed a check, or no answer. */
function failureOf(error: unknown): CodeExchangeFailure {
  if (error instanceof client.AuthorizationResponseError) return 'provider-refused';
  if (error instanceof client.ResponseBodyError) return 'response-invalid';
  if (error instanceof client.ClientError) return 'response-invalid';
  return 'provider-unavailable';
}

/** An error as the operator's log may name it: its name and code, never its message. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return 'unknown error';
}
