/**
 * @module An authorisation server's published endpoints (OpenID Connect discovery), fetched when
 * first needed and kept for a few minutes, for the FHIR API's SMART configuration. Only the
 * configured issuer is asked; what it answers is checked before use.
 */

/** The endpoints a SMART client needs from the authorisation server. */
export interface IssuerEndpoints {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri?: string | undefined;
}

const KEEP_MS = 5 * 60_000;

export interface IssuerDiscovery {
  /** The issuer's endpoints, or undefined when it cannot be asked or answers nonsense. Never throws. */
  endpoints(): Promise<IssuerEndpoints | undefined>;
}

export function createIssuerDiscovery(deps: {
  readonly issuer: string;
  readonly now: () => Date;
  readonly timeoutMs?: number;
}): IssuerDiscovery {
  let cached: { at: number; value: IssuerEndpoints } | undefined;
  return {
    async endpoints() {
      const now = deps.now().getTime();
      if (cached !== undefined && now - cached.at < KEEP_MS) return cached.value;
      try {
        const url = `${deps.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
        const response = await fetch(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(deps.timeoutMs ?? 3000),
        });
        if (!response.ok) return undefined;
        const body: unknown = await response.json();
        const value = readEndpoints(body, deps.issuer);
        if (value !== undefined) cached = { at: now, value };
        return value;
      } catch {
        return undefined;
      }
    },
  };
}

function readEndpoints(body: unknown, issuer: string): IssuerEndpoints | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const doc = body as Record<string, unknown>;
  const url = (key: string): string | undefined => {
    const value = doc[key];
    return typeof value === 'string' && /^https?:\/\/\S+$/.test(value) ? value : undefined;
  };
  const authorizationEndpoint = url('authorization_endpoint');
  const tokenEndpoint = url('token_endpoint');
  // A discovery document for another issuer is not this issuer's.
  if (
    doc['issuer'] !== issuer ||
    authorizationEndpoint === undefined ||
    tokenEndpoint === undefined
  ) {
    return undefined;
  }
  return { issuer, authorizationEndpoint, tokenEndpoint, jwksUri: url('jwks_uri') };
}
