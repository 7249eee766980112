/**
 * @module SMART App Launch v2, EHR launch, with the viewer as the app: `begin` checks the `iss`
 * against `smart.ehrs`, reads its discovery document and builds the authorisation redirect
 * (scope, state, nonce, `aud` = iss, `launch`, PKCE S256); `complete` exchanges the code with
 * `openid-client`, verifies the ID token against the EHR's JWKS, takes `patient` from the token
 * response, reads that Patient for its NHS number, maps the claims to a role as OIDC sign-in does,
 * and finds or creates the account. Every outcome is a value with a reason code for the audit.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import type { Kysely } from 'kysely';
import type { SmartEhrConfig } from '../../config/config-schema.ts';
import type { NhsNumber } from '../../identity/nhs-number.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from '../../http/http-outcome.ts';
import type { DatabaseSchema } from '../../store/schema.ts';
import { mapClaims, type ClaimMappingFailure } from '../oidc/claim-mapping.ts';
import {
  authorizationUrl,
  exchangeCode,
  type BegunSignIn,
  type CodeExchangeFailure,
  type ProviderCallback,
} from '../oidc/code-flow.ts';
import { createOidcAccounts, type OidcAccountFailure } from '../oidc/oidc-accounts.ts';
import type { User } from '../user.ts';
import { discoverSmartServer, type SmartDiscoveryFailure } from './smart-discovery.ts';
import { createSmartLaunches, SMART_LAUNCH_TTL_SECONDS } from './smart-launches.ts';
import { isFhirId, readLaunchPatient, type SmartPatientFailure } from './smart-patient.ts';

/**
 * The viewer's SMART launch URL, as registered at each EHR, and where the EHR's authorisation
 * server sends the browser back.
 */
export const SMART_PATHS = { start: '/launch', callback: '/launch/callback' } as const;
const TOKEN_TIMEOUT_SECONDS = 10;

/** Why a launch was refused (the `reasonCode` of `sign-in-failed`). */
export type SmartLaunchFailure =
  | ClaimMappingFailure
  | OidcAccountFailure
  | SmartDiscoveryFailure
  | SmartPatientFailure
  /** The launch named no `iss` or `launch`, or one too long to be real. */
  | 'launch-invalid'
  /** The `iss` is not one of `smart.ehrs`. */
  | 'unknown-iss'
  /** The callback's handle is unknown, used or expired (a bad or replayed state). */
  | 'launch-not-found'
  /** The token response named no patient (or an id no FHIR server could have). */
  | 'patient-missing'
  /**
   * The EHR refused (e.g. the launch was unknown to it), its answer failed a check, or its token
   * endpoint could not be reached.
   */
  | CodeExchangeFailure;

export type SmartBeginResult =
  | (BegunSignIn & { readonly iss: string })
  | { readonly ok: false; readonly reason: SmartLaunchFailure; readonly iss: string | undefined };

export type SmartCompleteResult =
  | {
      readonly ok: true;
      readonly user: User;
      readonly iss: string;
      /** The patient in the EHR's context. */
      readonly nhsNumber: NhsNumber;
    }
  | {
      readonly ok: false;
      readonly reason: SmartLaunchFailure;
      readonly iss: string | undefined;
      /** Who the EHR said it was, when it got that far (for the audit's attemptedUsername). */
      readonly attempted: string;
    };

export interface SmartLaunch {
  /** The origins of every configured EHR (each may frame the viewer). */
  readonly ehrOrigins: readonly string[];
  /** What pages call the EHR of an `iss`. */
  nameOf(iss: string | undefined): string;
  begin(request: {
    readonly iss: string | undefined;
    readonly launch: string | undefined;
    readonly origin: string;
  }): Promise<SmartBeginResult>;
  complete(callback: ProviderCallback): Promise<SmartCompleteResult>;
}

export interface SmartLaunchDeps {
  readonly ehrs: readonly SmartEhrConfig[];
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  /** The guarded HTTP call used for sources: discovery and the Patient read go through it. */
  readonly fetchJson: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
  /** `server.publicUrl`, when configured: the redirect URI is built on it. */
  readonly publicUrl?: string | undefined;
  /** Logs why an EHR could not be used (never tokens, claims or patients). */
  readonly warn?: ((message: string) => void) | undefined;
}

/** The client authentication for one EHR. Throws naming the key when unusable. */
function clientAuthentication(ehr: SmartEhrConfig, index: number): client.ClientAuth {
  const key = `smart.ehrs[${String(index)}]`;
  if (ehr.clientSecret !== undefined && ehr.privateKeyFile !== undefined) {
    throw new Error(`${key}: give clientSecret or privateKeyFile, not both`);
  }
  if (ehr.clientSecret !== undefined) return client.ClientSecretBasic(ehr.clientSecret);
  if (ehr.privateKeyFile === undefined) return client.None();
  let pem: string;
  try {
    pem = readFileSync(ehr.privateKeyFile, 'utf8');
  } catch {
    throw new Error(`${key}.privateKeyFile: ${ehr.privateKeyFile} cannot be read`);
  }
  const keyObject = createPrivateKey(pem);
  const type = keyObject.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') {
    throw new Error(`${key}.privateKeyFile: an RSA or EC (P-256) private key is needed`);
  }
  const algorithm =
    type === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  // Node's and the DOM's CryptoKey types differ only in usages Node knows of; the object is one.
  const cryptoKey = keyObject.toCryptoKey(algorithm, false, ['sign']) as unknown as CryptoKey;
  return client.PrivateKeyJwt(cryptoKey);
}

interface Ehr {
  readonly settings: SmartEhrConfig;
  readonly auth: client.ClientAuth;
}

/** Builds the SMART launch. Reads every private key now, so a bad key file stops the start. */
export function createSmartLaunch(deps: SmartLaunchDeps): SmartLaunch {
  const { db, now, fetchJson } = deps;
  const warn = deps.warn ?? (() => undefined);
  const ehrs = new Map<string, Ehr>(
    deps.ehrs.map((settings, index) => [
      settings.iss,
      { settings, auth: clientAuthentication(settings, index) },
    ]),
  );
  const launches = createSmartLaunches({ db, now });
  const accounts = createOidcAccounts({ db, now });

  function redirectUri(origin: string): string {
    return new URL(SMART_PATHS.callback, deps.publicUrl ?? origin).href;
  }

  /** openid-client's view of the EHR, from a fresh discovery (the EHR may have changed its keys). */
  async function configuration(
    ehr: Ehr,
  ): Promise<
    { ok: true; config: client.Configuration } | { ok: false; reason: SmartDiscoveryFailure }
  > {
    const discovered = await discoverSmartServer(ehr.settings.iss, fetchJson);
    if (!discovered.ok) {
      warn(
        `SMART discovery for ${ehr.settings.iss} failed: ${discovered.reason} (${discovered.detail})`,
      );
      return discovered;
    }
    const { server } = discovered;
    const config = new client.Configuration(
      {
        issuer: server.issuer,
        authorization_endpoint: server.authorizationEndpoint,
        token_endpoint: server.tokenEndpoint,
        jwks_uri: server.jwksUri,
        code_challenge_methods_supported: ['S256'],
      },
      ehr.settings.clientId,
      undefined,
      ehr.auth,
    );
    // The ID token's signature is checked against the EHR's JWKS, not only trusted over TLS.
    client.enableNonRepudiationChecks(config);
    config.timeout = TOKEN_TIMEOUT_SECONDS;
    if (new URL(server.tokenEndpoint).protocol === 'http:') {
      // Plain http only to an EHR on this machine (tests, local development); discovery refused others.
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out, as here
      client.allowInsecureRequests(config);
    }
    return { ok: true, config };
  }

  return {
    ehrOrigins: [...new Set(deps.ehrs.map((ehr) => new URL(ehr.iss).origin))],

    nameOf(iss) {
      const ehr = iss === undefined ? undefined : ehrs.get(iss);
      return ehr?.settings.name ?? (ehr === undefined ? 'The EHR' : new URL(ehr.settings.iss).host);
    },

    async begin({ iss, launch, origin }) {
      if (iss === undefined || launch === undefined || launch === '' || launch.length > 2048) {
        return { ok: false, reason: 'launch-invalid', iss };
      }
      const ehr = ehrs.get(iss);
      if (ehr === undefined) return { ok: false, reason: 'unknown-iss', iss };
      const found = await configuration(ehr);
      if (!found.ok) return { ok: false, reason: found.reason, iss };
      const checks = await launches.start(iss);
      return {
        ok: true,
        authorizationUrl: await authorizationUrl(found.config, {
          redirectUri: redirectUri(origin),
          scope: ehr.settings.scopes,
          checks,
          parameters: { aud: iss, launch },
        }),
        handle: checks.handle,
        maxAgeSeconds: SMART_LAUNCH_TTL_SECONDS,
        iss,
      };
    },

    async complete({ handle, query, origin }) {
      const checks = await launches.take(handle);
      if (checks === undefined) {
        return { ok: false, reason: 'launch-not-found', iss: undefined, attempted: '' };
      }
      const { iss } = checks;
      const refuse = (reason: SmartLaunchFailure, attempted = ''): SmartCompleteResult => ({
        ok: false,
        reason,
        iss,
        attempted,
      });
      const ehr = ehrs.get(iss);
      if (ehr === undefined) return refuse('unknown-iss');
      const found = await configuration(ehr);
      if (!found.ok) return refuse(found.reason);

      const exchanged = await exchangeCode(found.config, {
        redirectUri: redirectUri(origin),
        query,
        checks,
      });
      if (!exchanged.ok) return refuse(exchanged.reason);
      const { tokens } = exchanged;
      const claims = tokens.claims();
      if (claims === undefined) return refuse('response-invalid');
      const mapped = mapClaims({ ...claims }, ehr.settings.claims);
      if (!mapped.ok) return refuse(mapped.reason, mapped.attempted);
      const { username } = mapped.identity;

      const patientId = tokens['patient'];
      if (!isFhirId(patientId)) return refuse('patient-missing', username);
      const patient = await readLaunchPatient({
        iss,
        patientId,
        accessToken: tokens.access_token,
        fetchJson,
      });
      if (!patient.ok) return refuse(patient.reason, username);

      const account = await accounts.findOrCreate({
        issuer: found.config.serverMetadata().issuer,
        identity: mapped.identity,
        createUsers: ehr.settings.createUsers,
      });
      if (!account.ok) return refuse(account.reason, username);
      return { ok: true, user: account.user, iss, nhsNumber: patient.nhsNumber };
    },
  };
}
