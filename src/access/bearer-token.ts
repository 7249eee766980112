/**
 * @module Bearer access tokens for the FHIR API: JWTs from configured authorisation servers,
 * verified against each issuer's published keys (jose), their claims mapped to a local account
 * exactly as OpenID Connect sign-in maps them, and their SMART scopes read. Every refusal is a
 * value with a reason code for the audit.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify, errors as joseErrors } from 'jose';
import type { FhirApiIssuerConfig } from '../config/config-schema.ts';
import { mapClaims } from './oidc/claim-mapping.ts';
import type { OidcAccounts } from './oidc/oidc-accounts.ts';
import type { User } from './user.ts';

/** Signature algorithms accepted: RSA and elliptic-curve only (never `none`, never HMAC). */
export const BEARER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'] as const;

/** The calling system, as the audit trail records it. */
export interface ApiClient {
  /** The token's issuer. */
  readonly issuer: string;
  /** The OAuth client the token was issued to (`client_id`, else `azp`). */
  readonly clientId: string;
}

/** A verified token: who the person is here, the system calling for them, and what they may do. */
export interface BearerIdentity {
  readonly user: User;
  readonly client: ApiClient;
  readonly scopes: readonly string[];
}

/** Why a token was refused (the `reasonCode` of the audited refusal). */
export type BearerFailure =
  | 'token-malformed'
  | 'issuer-unknown'
  | 'token-expired'
  | 'token-invalid'
  | 'keys-unavailable'
  | 'no-client'
  | 'no-subject'
  | 'no-username'
  | 'role-not-mapped'
  | 'organisation-missing'
  | 'no-account'
  | 'disabled'
  | 'username-taken';

export type BearerResult =
  | { readonly ok: true; readonly identity: BearerIdentity }
  | { readonly ok: false; readonly reason: BearerFailure; readonly attempted?: string | undefined };

export interface BearerTokens {
  /** True when at least one issuer is configured. */
  readonly enabled: boolean;
  /** Verifies a token and finds (or creates) its user's account. Never throws for a bad token. */
  verify(token: string): Promise<BearerResult>;
}

const CLIENT_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

export function createBearerTokens(deps: {
  readonly issuers: readonly FhirApiIssuerConfig[];
  readonly accounts: OidcAccounts;
  readonly now: () => Date;
}): BearerTokens {
  const keys = new Map(
    deps.issuers.map((issuer) => [
      issuer.issuer,
      {
        config: issuer,
        jwks: createRemoteJWKSet(new URL(issuer.jwksUrl), { timeoutDuration: 3000 }),
      },
    ]),
  );

  return {
    enabled: keys.size > 0,
    async verify(token) {
      let unverifiedIssuer: unknown;
      try {
        unverifiedIssuer = decodeJwt(token).iss;
      } catch {
        return { ok: false, reason: 'token-malformed' };
      }
      const known = typeof unverifiedIssuer === 'string' ? keys.get(unverifiedIssuer) : undefined;
      if (known === undefined) return { ok: false, reason: 'issuer-unknown' };
      let claims: Readonly<Record<string, unknown>>;
      try {
        const verified = await jwtVerify(token, known.jwks, {
          issuer: known.config.issuer,
          audience: known.config.audience,
          algorithms: [...BEARER_ALGORITHMS],
          currentDate: deps.now(),
          requiredClaims: ['exp', 'sub'],
        });
        claims = verified.payload;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'token-expired' };
        if (
          error instanceof joseErrors.JWKSTimeout ||
          (error instanceof Error && error.name === 'TypeError')
        ) {
          return { ok: false, reason: 'keys-unavailable' };
        }
        return { ok: false, reason: 'token-invalid' };
      }
      const clientId = stringClaim(claims, 'client_id') ?? stringClaim(claims, 'azp');
      if (clientId === undefined || !CLIENT_ID.test(clientId))
        return { ok: false, reason: 'no-client' };
      // Every read is on behalf of a person: the token must name the user and their organisation.
      const mapped = mapClaims(claims, known.config.claims);
      if (!mapped.ok) return { ok: false, reason: mapped.reason, attempted: mapped.attempted };
      const account = await deps.accounts.findOrCreate({
        issuer: known.config.issuer,
        identity: mapped.identity,
        createUsers: known.config.createUsers,
      });
      if (!account.ok) {
        return { ok: false, reason: account.reason, attempted: mapped.identity.username };
      }
      return {
        ok: true,
        identity: {
          user: account.user,
          client: { issuer: known.config.issuer, clientId },
          scopes: scopesOf(claims),
        },
      };
    },
  };
}

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The token's scopes: OAuth's space-separated `scope`, or an `scp` list. */
function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const scope = claims['scope'];
  if (typeof scope === 'string') return scope.split(' ').filter((part) => part !== '');
  const scp = claims['scp'];
  return Array.isArray(scp) ? scp.filter((part): part is string => typeof part === 'string') : [];
}

/** What a request asks to do with a resource type, in SMART terms. */
export type ScopeAccess = 'read' | 'search' | 'create';

const V2_LETTER: Readonly<Record<ScopeAccess, string>> = { read: 'r', search: 's', create: 'c' };

/**
 * Whether SMART scopes (v1 `user/Type.read`, v2 `user/Type.rs`, `*` for any type) allow the access.
 * Only `user/` and `patient/` scopes count: a `system/` scope names no person, and every read here
 * is on behalf of one. Which records the person may see is then the policy's and consent's business.
 */
export function scopesAllow(
  scopes: readonly string[],
  resourceType: string,
  access: ScopeAccess,
): boolean {
  return scopes.some((scope) => {
    const match = /^(user|patient)\/([A-Za-z]+|\*)\.([a-z*]+)(\?.*)?$/.exec(scope);
    if (match === null) return false;
    const [, , type, rights] = match;
    if (type !== '*' && type !== resourceType) return false;
    if (rights === '*') return true;
    if (rights === 'read') return access !== 'create';
    if (rights === 'write') return access === 'create';
    return (
      rights !== undefined && /^c?r?u?d?s?$/.test(rights) && rights.includes(V2_LETTER[access])
    );
  });
}
