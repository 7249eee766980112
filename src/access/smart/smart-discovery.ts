/**
 * @module Reads and checks an EHR's SMART discovery document (`{iss}/.well-known/smart-configuration`):
 * endpoints resolved against the FHIR base, PKCE S256 required, and the OpenID Connect issuer and
 * JWKS required because the user's identity is taken from a verified ID token. A value, never a throw.
 */
import type { SourceHttpOutcome, SourceHttpRequest } from '../../http/http-outcome.ts';
import { isJsonObject } from '../../shared/json-guards.ts';
import { isLoopbackHttp } from '../oidc/code-flow.ts';

/** What the launch needs from the discovery document, every URL absolute. */
export interface SmartServer {
  /** The OpenID Connect issuer of the EHR's ID tokens. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
}

/** Why discovery failed (the `reasonCode` of `sign-in-failed`). */
export type SmartDiscoveryFailure =
  'discovery-unavailable' | 'discovery-malformed' | 'pkce-s256-unsupported';

export type SmartDiscoveryResult =
  | { readonly ok: true; readonly server: SmartServer }
  | {
      readonly ok: false;
      readonly reason: SmartDiscoveryFailure;
      /** Plain words for the operator's log: which field, never the document. */
      readonly detail: string;
    };

const DISCOVERY_TIMEOUT_MS = 5000;
const DISCOVERY_MAX_BYTES = 256 * 1024;

/** https, or http to this machine only (tests, local development), as for `smart.ehrs[].iss`. */
export function isAllowedUrl(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackHttp(url);
}

/** The discovery document's URL: always under the FHIR base, even when the base has a path. */
export function discoveryUrl(iss: string): string {
  return `${iss.replace(/\/+$/, '')}/.well-known/smart-configuration`;
}

/**
 * Checks a discovery document. Relative endpoint URLs are resolved against the FHIR base; every
 * URL must be https (or loopback http).
 */
export function parseSmartConfiguration(iss: string, document: unknown): SmartDiscoveryResult {
  const malformed = (detail: string): SmartDiscoveryResult => ({
    ok: false,
    reason: 'discovery-malformed',
    detail,
  });
  if (!isJsonObject(document)) return malformed('the document is not a JSON object');
  const base = iss.endsWith('/') ? iss : `${iss}/`;
  const urls: Record<string, string> = {};
  for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri']) {
    const value = document[field];
    if (typeof value !== 'string' || value === '') return malformed(`${field} is missing`);
    let url: URL;
    try {
      // The issuer is an identifier compared as given; endpoints may be relative to the FHIR base.
      url = field === 'issuer' ? new URL(value) : new URL(value, base);
    } catch {
      return malformed(`${field} is not a URL`);
    }
    if (!isAllowedUrl(url)) return malformed(`${field} is not https`);
    urls[field] = field === 'issuer' ? value : url.href;
  }
  const methods = document['code_challenge_methods_supported'];
  if (!Array.isArray(methods) || !methods.includes('S256')) {
    return {
      ok: false,
      reason: 'pkce-s256-unsupported',
      detail: 'code_challenge_methods_supported lacks S256',
    };
  }
  return {
    ok: true,
    server: {
      issuer: urls['issuer'] ?? '',
      authorizationEndpoint: urls['authorization_endpoint'] ?? '',
      tokenEndpoint: urls['token_endpoint'] ?? '',
      jwksUri: urls['jwks_uri'] ?? '',
    },
  };
}

/** Fetches and checks `{iss}/.well-known/smart-configuration` through the guarded HTTP call. */
export async function discoverSmartServer(
  iss: string,
  fetchJson: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>,
): Promise<SmartDiscoveryResult> {
  const outcome = await fetchJson({
    method: 'GET',
    url: discoveryUrl(iss),
    headers: { accept: 'application/json' },
    timeoutMs: DISCOVERY_TIMEOUT_MS,
    maxResponseBytes: DISCOVERY_MAX_BYTES,
    acceptContentTypes: ['application/json', 'application/fhir+json'],
  });
  if (outcome.kind !== 'response') {
    return {
      ok: false,
      reason:
        outcome.kind === 'malformed' || outcome.kind === 'wrong-content-type'
          ? 'discovery-malformed'
          : 'discovery-unavailable',
      detail: outcome.message,
    };
  }
  if (outcome.status !== 200) {
    return { ok: false, reason: 'discovery-unavailable', detail: `HTTP ${String(outcome.status)}` };
  }
  return parseSmartConfiguration(iss, outcome.json);
}
