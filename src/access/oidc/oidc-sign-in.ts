/**
 * @module Sign-in through an OpenID Connect provider (e.g. NHS CIS2) with `openid-client`:
 * discovery, authorization code with PKCE S256, state and nonce kept server-side, ID token
 * checked (issuer, audience, nonce, expiry, signature), UserInfo merged, claims mapped to our
 * role and organisation, and the account found or created. Every outcome is a value.
 */
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import type { OidcConfig } from '../../config/config-schema.ts';
import type { ProviderAnswer } from '../sign-in.ts';
import { mapClaims, type ClaimMappingFailure } from './claim-mapping.ts';
import {
  createCodeFlow,
  type CodeFlowFailure,
  type ProviderSignIn,
  type ProviderSignInDeps,
} from './code-flow.ts';
import { createOidcAccounts, type OidcAccountFailure } from './oidc-accounts.ts';

/** Where a browser starts signing in through the provider, and where the provider sends it back. */
export const OIDC_PATHS = { start: '/auth/oidc/login', callback: '/auth/oidc/callback' } as const;

/** Why a sign-in through the provider was refused (the audited `reasonCode`). */
export type OidcFailure = ClaimMappingFailure | OidcAccountFailure | CodeFlowFailure;

/** The signed-in user, or why not and who the provider said it was (as every staff sign-in takes it). */
export type OidcCompleteResult = ProviderAnswer<OidcFailure>;

export interface OidcSignIn extends ProviderSignIn<OidcCompleteResult> {
  /** What the sign-in page's button says: "Sign in with {displayName}". */
  readonly displayName: string;
}

/** The settings, and what every discovered provider's flow needs (the database, the clock, the log). */
export type OidcSignInDeps = { readonly settings: OidcConfig } & ProviderSignInDeps;

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

/** Builds the OIDC sign-in. Reads the client secret now, so a bad secret file stops the start. */
export function createOidcSignIn(deps: OidcSignInDeps): OidcSignIn {
  const { settings, db, now } = deps;
  const auth = clientAuthentication(settings, readClientSecret(settings));
  const flow = createCodeFlow({
    label: 'OIDC',
    issuer: settings.issuer,
    clientId: settings.clientId,
    auth: () => Promise.resolve(auth),
    scopes: settings.scopes,
    callbackPath: OIDC_PATHS.callback,
    redirectUri: settings.redirectUri,
    publicUrl: deps.publicUrl,
    db,
    now,
    warn: deps.warn,
  });
  const accounts = createOidcAccounts({ db, now });

  return {
    displayName: settings.displayName,

    begin: (request) => flow.begin(request),

    async complete(callback) {
      const answered = await flow.complete(callback);
      if (!answered.ok) return { ok: false, reason: answered.reason, attempted: '' };
      const mapped = mapClaims(answered.claims, settings.claims);
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
