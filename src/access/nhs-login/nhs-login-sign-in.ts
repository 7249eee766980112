/**
 * @module Patient sign-in through NHS login with `openid-client`: discovery, authorization code
 * with PKCE S256, state and nonce kept server-side, the RS512 ID token checked, UserInfo merged,
 * and the patient's NHS number and proofing level read from the claims. Every outcome is a value.
 */
import { readFileSync } from 'node:fs';
import { importPKCS8 } from 'jose';
import * as client from 'openid-client';
import type { NhsLoginConfig, ProofingLevel } from '../../config/config-schema.ts';
import {
  createCodeFlow,
  type CodeFlowFailure,
  type ProviderSignIn,
  type ProviderSignInDeps,
} from '../oidc/code-flow.ts';
import {
  readNhsLoginClaims,
  type NhsLoginClaimFailure,
  type PatientIdentity,
} from './nhs-login-claims.ts';

/** Where a patient starts signing in, and where NHS login sends them back. */
export const NHS_LOGIN_PATHS = {
  start: '/auth/nhs-login/login',
  callback: '/auth/nhs-login/callback',
} as const;

/** Why a patient sign-in was refused (the audited `reasonCode`). */
export type NhsLoginFailure = NhsLoginClaimFailure | CodeFlowFailure;

export type NhsLoginCompleteResult =
  | { readonly ok: true; readonly identity: PatientIdentity }
  | { readonly ok: false; readonly reason: NhsLoginFailure };

export type NhsLoginSignIn = ProviderSignIn<NhsLoginCompleteResult>;

/** The settings, and what every discovered provider's flow needs (the database, the clock, the log). */
export type NhsLoginSignInDeps = { readonly settings: NhsLoginConfig } & ProviderSignInDeps;

/** The vectors of trust asked for: the minimum proofing level with any of NHS login's credentials. */
export function vectorsOfTrust(minimum: ProofingLevel): string {
  return JSON.stringify([`${minimum}.Cp.Cd`, `${minimum}.Cp.Ck`, `${minimum}.Cm`]);
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
  const { settings } = deps;
  const privateKeyPem = readPrivateKey(settings);

  async function clientAuth(): Promise<client.ClientAuth> {
    if (privateKeyPem !== undefined) {
      return client.PrivateKeyJwt(await importPKCS8(privateKeyPem, 'RS512'));
    }
    return settings.clientSecret === undefined
      ? client.None()
      : client.ClientSecretBasic(settings.clientSecret);
  }

  const flow = createCodeFlow({
    label: 'NHS login',
    issuer: settings.issuer,
    clientId: settings.clientId,
    metadata: { id_token_signed_response_alg: 'RS512' },
    auth: clientAuth,
    scopes: settings.scopes,
    callbackPath: NHS_LOGIN_PATHS.callback,
    redirectUri: settings.redirectUri,
    publicUrl: deps.publicUrl,
    parameters: { vtr: vectorsOfTrust(settings.minimumProofingLevel) },
    db: deps.db,
    now: deps.now,
    warn: deps.warn,
  });

  return {
    begin: (request) => flow.begin(request),

    async complete(callback) {
      const answered = await flow.complete(callback);
      if (!answered.ok) return answered;
      return readNhsLoginClaims(answered.claims, settings.minimumProofingLevel);
    },
  };
}
