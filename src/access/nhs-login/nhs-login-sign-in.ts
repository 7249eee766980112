/**
 * @module Patient sign-in through NHS login with `openid-client`: discovery, authorization code
 * with PKCE S256, state and nonce kept server-side, the RS512 ID token checked, UserInfo merged,
 * and the patient's NHS number and proofing level read from the claims. Every outcome is a value.
 */
import { readFileSync } from 'node:fs';
import { importPKCS8 } from 'jose';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { NhsLoginConfig, ProofingLevel } from '../../config/config-schema.ts';
import type { DatabaseSchema } from '../../store/schema.ts';
import { createOidcLogins, OIDC_LOGIN_TTL_SECONDS } from '../oidc/oidc-logins.ts';
import {
  readNhsLoginClaims,
  type NhsLoginClaimFailure,
  type PatientIdentity,
} from './nhs-login-claims.ts';

/** Where a patient starts signing in. */
export const NHS_LOGIN_PATH = '/auth/nhs-login/login';
/** Where NHS login sends the patient back to. */
export const NHS_LOGIN_CALLBACK_PATH = '/auth/nhs-login/callback';
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Why a patient sign-in was refused (the audited `reasonCode`). */
export type NhsLoginFailure =
  | NhsLoginClaimFailure
  | 'login-not-found'
  | 'provider-refused'
  | 'response-invalid'
  | 'provider-unavailable';

export type NhsLoginBeginResult =
  | {
      readonly ok: true;
      readonly authorizationUrl: string;
      readonly handle: string;
      readonly maxAgeSeconds: number;
    }
  | { readonly ok: false; readonly reason: 'provider-unavailable' };

export type NhsLoginCompleteResult =
  | { readonly ok: true; readonly identity: PatientIdentity }
  | { readonly ok: false; readonly reason: NhsLoginFailure };

export interface NhsLoginSignIn {
  begin(request: { readonly origin: string }): Promise<NhsLoginBeginResult>;
  complete(request: {
    readonly handle: string | undefined;
    readonly query: string;
    readonly origin: string;
  }): Promise<NhsLoginCompleteResult>;
}

export interface NhsLoginSignInDeps {
  readonly settings: NhsLoginConfig;
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  readonly publicUrl?: string | undefined;
  readonly warn?: ((message: string) => void) | undefined;
}

/** The vectors of trust asked for: the minimum proofing level with any of NHS login's credentials. */
export function vectorsOfTrust(minimum: ProofingLevel): string {
  return JSON.stringify([`${minimum}.Cp.Cd`, `${minimum}.Cp.Ck`, `${minimum}.Cm`]);
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Reads the private key file now, so a bad key stops the start naming the key. */
function readPrivateKey(settings: NhsLoginConfig): string | undefined {
  if (settings.clientSecret !== undefined && settings.privateKeyFile !== undefined) {
    throw new Error('nhsLogin.clientSecret and nhsLogin.privateKeyFile: give one, not both');
  }
  if (settings.privateKeyFile === undefined) return undefined;
  try {
    return readFileSync(settings.privateKeyFile, 'utf8');
  } catch {
    throw new Error(`nhsLogin.privateKeyFile: ${settings.privateKeyFile} cannot be read`);
  }
}

export function createNhsLoginSignIn(deps: NhsLoginSignInDeps): NhsLoginSignIn {
  const { settings, db, now } = deps;
  const issuer = new URL(settings.issuer);
  const privateKeyPem = readPrivateKey(settings);
  const logins = createOidcLogins({ db, now });
  const warn = deps.warn ?? (() => undefined);

  async function clientAuth(): Promise<client.ClientAuth> {
    if (privateKeyPem !== undefined) {
      return client.PrivateKeyJwt(await importPKCS8(privateKeyPem, 'RS512'));
    }
    return settings.clientSecret === undefined
      ? client.None()
      : client.ClientSecretBasic(settings.clientSecret);
  }

  let discovered: Promise<client.Configuration> | undefined;
  async function configuration(): Promise<client.Configuration | undefined> {
    discovered ??= clientAuth().then((auth) =>
      client.discovery(issuer, settings.clientId, { id_token_signed_response_alg: 'RS512' }, auth, {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- plain http only to a provider on this machine
        execute: isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      }),
    );
    try {
      return await discovered;
    } catch (error) {
      discovered = undefined;
      warn(
        `NHS login discovery at ${issuer.href} failed: ${error instanceof Error ? error.name : 'unknown'}`,
      );
      return undefined;
    }
  }

  function redirectUri(origin: string): string {
    if (settings.redirectUri !== undefined) return settings.redirectUri;
    return new URL(NHS_LOGIN_CALLBACK_PATH, deps.publicUrl ?? origin).href;
  }

  return {
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
        vtr: vectorsOfTrust(settings.minimumProofingLevel),
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
      if (login === undefined) return { ok: false, reason: 'login-not-found' };
      const config = await configuration();
      if (config === undefined) return { ok: false, reason: 'provider-unavailable' };
      const callbackUrl = new URL(redirectUri(origin));
      callbackUrl.search = query;
      let claims: Record<string, unknown>;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (idClaims === undefined) return { ok: false, reason: 'response-invalid' };
        claims = { ...idClaims };
        if (config.serverMetadata().userinfo_endpoint !== undefined) {
          const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
          // The ID token is signed: where both say something, it wins.
          claims = { ...userInfo, ...idClaims };
        }
      } catch (error) {
        if (error instanceof client.AuthorizationResponseError) {
          return { ok: false, reason: 'provider-refused' };
        }
        if (error instanceof client.ResponseBodyError || error instanceof client.ClientError) {
          return { ok: false, reason: 'response-invalid' };
        }
        return { ok: false, reason: 'provider-unavailable' };
      }
      return readNhsLoginClaims(claims, settings.minimumProofingLevel);
    },
  };
}
