/**
 * @module Sign-in through an OpenID Connect provider (e.g. NHS CIS2) with `openid-client`:
 * discovery, authorization code with PKCE S256, state and nonce kept server-side, ID token
 * checked (issuer, audience, nonce, expiry, signature), UserInfo merged, claims mapped to our
 * role and organisation, and the account found or created. Every outcome is a value.
 */
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import type { Kysely } from 'kysely';
import type { OidcConfig } from '../../config/config-schema.ts';
import type { DatabaseSchema } from '../../store/schema.ts';
import type { User } from '../user.ts';
import { mapClaims, type ClaimMappingFailure, type Claims } from './claim-mapping.ts';
import { createOidcAccounts, type OidcAccountFailure } from './oidc-accounts.ts';
import { createOidcLogins, OIDC_LOGIN_TTL_SECONDS } from './oidc-logins.ts';

/** Where the provider sends the browser back to, on this server. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** Where a browser starts signing in through the provider. */
export const OIDC_LOGIN_PATH = '/auth/oidc/login';
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Why a sign-in through the provider was refused (the audited `reasonCode`). */
export type OidcFailure =
  | ClaimMappingFailure
  | OidcAccountFailure
  /** No sign-in in progress for this browser: never started, already used, or expired. */
  | 'login-not-found'
  /** The provider answered with an error (e.g. the person cancelled). */
  | 'provider-refused'
  /** The answer failed a check: state, code exchange, ID token (issuer, audience, nonce, expiry, signature). */
  | 'response-invalid'
  /** The provider could not be reached or answered nonsense. */
  | 'provider-unavailable';

export type OidcBeginResult =
  | {
      readonly ok: true;
      readonly authorizationUrl: string;
      /** For the short-lived HttpOnly cookie that ties the callback to this browser. */
      readonly handle: string;
      readonly maxAgeSeconds: number;
    }
  | { readonly ok: false; readonly reason: 'provider-unavailable' };

export type OidcCompleteResult =
  | { readonly ok: true; readonly user: User }
  | {
      readonly ok: false;
      readonly reason: OidcFailure;
      /** Who the provider said it was, when it got that far (for the audit's attemptedUsername). */
      readonly attempted: string;
    };

export interface OidcSignIn {
  /** What the sign-in page's button says: "Sign in with {displayName}". */
  readonly displayName: string;
  /** Starts a sign-in. `origin` is this server as the browser reached it, used only when no redirect URI is configured. */
  begin(request: { readonly origin: string }): Promise<OidcBeginResult>;
  /** Finishes a sign-in from the provider's redirect back (`query`: the callback URL's query string). */
  complete(request: {
    readonly handle: string | undefined;
    readonly query: string;
    readonly origin: string;
  }): Promise<OidcCompleteResult>;
}

export interface OidcSignInDeps {
  readonly settings: OidcConfig;
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  /** `server.publicUrl`, when configured: the default redirect URI is built on it. */
  readonly publicUrl?: string | undefined;
  /** Logs why the provider could not be reached (never tokens or claims). */
  readonly warn?: ((message: string) => void) | undefined;
}

/** The client secret from `clientSecret` or `clientSecretFile`. Throws naming the key when unreadable or both are set. */
export function readClientSecret(settings: OidcConfig): string | undefined {
  if (settings.clientSecret !== undefined && settings.clientSecretFile !== undefined) {
    throw new Error('oidc.clientSecret and oidc.clientSecretFile: give one, not both');
  }
  if (settings.clientSecretFile === undefined) return settings.clientSecret;
  try {
    const secret = readFileSync(settings.clientSecretFile, 'utf8').trim();
    if (secret === '') throw new Error('empty');
    return secret;
  } catch {
    throw new Error(
      `oidc.clientSecretFile: ${settings.clientSecretFile} cannot be read or is empty`,
    );
  }
}

function clientAuthentication(settings: OidcConfig, secret: string | undefined): client.ClientAuth {
  const method =
    settings.tokenEndpointAuthMethod ?? (secret === undefined ? 'none' : 'client_secret_basic');
  switch (method) {
    case 'none':
      return client.None();
    case 'client_secret_post':
      return client.ClientSecretPost(secret);
    case 'client_secret_basic':
      return client.ClientSecretBasic(secret);
  }
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Builds the OIDC sign-in. Reads the client secret now, so a bad secret file stops the start. */
export function createOidcSignIn(deps: OidcSignInDeps): OidcSignIn {
  const { settings, db, now } = deps;
  const secret = readClientSecret(settings);
  const auth = clientAuthentication(settings, secret);
  const issuer = new URL(settings.issuer);
  const logins = createOidcLogins({ db, now });
  const accounts = createOidcAccounts({ db, now });
  const warn = deps.warn ?? (() => undefined);

  // Discovered once, on first use; a failure is forgotten so the next sign-in tries again.
  let discovered: Promise<client.Configuration> | undefined;
  async function configuration(): Promise<client.Configuration | undefined> {
    discovered ??= client.discovery(issuer, settings.clientId, undefined, auth, {
      // Plain http only to a provider on this machine (tests, local development); the schema refuses others.
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out, as here
      execute: isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [],
      timeout: PROVIDER_TIMEOUT_SECONDS,
    });
    try {
      return await discovered;
    } catch (error) {
      discovered = undefined;
      warn(`OIDC discovery at ${issuer.href} failed: ${describe(error)}`);
      return undefined;
    }
  }

  function redirectUri(origin: string): string {
    if (settings.redirectUri !== undefined) return settings.redirectUri;
    return new URL(OIDC_CALLBACK_PATH, deps.publicUrl ?? origin).href;
  }

  return {
    displayName: settings.displayName,

    async begin({ origin }) {
      const config = await configuration();
      if (config === undefined) return { ok: false, reason: 'provider-unavailable' };
      const login = await logins.start();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(origin),
        scope: settings.scopes,
        response_type: 'code',
        state: login.state,
        nonce: login.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(login.codeVerifier),
        code_challenge_method: 'S256',
      });
      return {
        ok: true,
        authorizationUrl: url.href,
        handle: login.handle,
        maxAgeSeconds: OIDC_LOGIN_TTL_SECONDS,
      };
    },

    async complete({ handle, query, origin }) {
      const login = await logins.take(handle);
      if (login === undefined) return { ok: false, reason: 'login-not-found', attempted: '' };
      const config = await configuration();
      if (config === undefined) return { ok: false, reason: 'provider-unavailable', attempted: '' };

      // The callback URL as registered, with the provider's answer: never the Host header's idea of it.
      const callbackUrl = new URL(redirectUri(origin));
      callbackUrl.search = query;
      let claims: Claims;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (idClaims === undefined) return { ok: false, reason: 'response-invalid', attempted: '' };
        claims = { ...idClaims };
        if (config.serverMetadata().userinfo_endpoint !== undefined) {
          // CIS2 gives its role claims at UserInfo only; the subject must be the ID token's.
          const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
          claims = { ...userInfo, ...idClaims };
        }
      } catch (error) {
        return { ok: false, reason: failureOf(error), attempted: '' };
      }

      const mapped = mapClaims(claims, settings.claims);
      if (!mapped.ok) return { ok: false, reason: mapped.reason, attempted: mapped.attempted };
      const account = await accounts.findOrCreate({
        issuer: settings.issuer,
        identity: mapped.identity,
        createUsers: settings.createUsers,
      });
      if (!account.ok) {
        return { ok: false, reason: account.reason, attempted: mapped.identity.username };
      }
      return { ok: true, user: account.user };
    },
  };
}

/** An openid-client error as a refusal: the provider said no, the answer failed a check, or no answer. */
function failureOf(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError) return 'provider-refused';
  if (error instanceof client.ResponseBodyError) return 'response-invalid';
  if (error instanceof client.ClientError) return 'response-invalid';
  return 'provider-unavailable';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return 'unknown error';
}
