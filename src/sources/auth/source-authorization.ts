/** @module The Authorization header for calls to one source, from its configured `auth`: none, a static bearer token, or SMART Backend Services. */
import type { SourceConfig } from '../../config/config-schema.ts';
import type { fetchSource as FetchSource } from '../../http/fetch-source.ts';
import type { SourceTlsMaterial } from '../../http/http-outcome.ts';
import { readSigningKey } from './signing-key.ts';
import {
  createSmartBackendTokenProvider,
  type AuthorizationOutcome,
  type TokenProvider,
} from './smart-backend-token.ts';

/** The header for one call, or none when the source asks for no authentication. */
export type SourceAuthorizationOutcome =
  | { readonly ok: true; readonly header: string | undefined }
  | Extract<AuthorizationOutcome, { ok: false }>;

/** Hands out the Authorization header for calls to one source. */
export interface SourceAuthorization {
  /** Never throws; `signal` ends the wait (e.g. the call's deadline). */
  authorization(signal?: AbortSignal): Promise<SourceAuthorizationOutcome>;
  /** The source refused `header` (HTTP 401): a token-based provider fetches a new one next time. */
  refused(header: string): void;
  /** True when `authorization` may have to wait on a token request. */
  readonly mayWait: boolean;
}

export interface SourceAuthorizationDeps {
  readonly source: SourceConfig;
  readonly fetchSource: typeof FetchSource;
  readonly tls?: SourceTlsMaterial | undefined;
  readonly now?: (() => Date) | undefined;
}

/**
 * Builds the source's authorization from its config. Reads a SMART private key now, so that an
 * unreadable or unsuitable key stops the start; throws with the key and file named (never its content).
 */
export function createSourceAuthorization(deps: SourceAuthorizationDeps): SourceAuthorization {
  const auth = deps.source.auth;
  if (auth === undefined || auth.type === 'none') return fixed(undefined);
  if (auth.type === 'bearer') return fixed(`Bearer ${auth.token}`);
  const algorithm = auth.algorithm;
  const provider: TokenProvider = createSmartBackendTokenProvider({
    tokenUrl: auth.tokenUrl,
    clientId: auth.clientId,
    privateKey: readSigningKey(auth.privateKeyFile, algorithm),
    keyId: auth.keyId,
    algorithm,
    scope: auth.scope,
    fetchSource: deps.fetchSource,
    timeoutMs: deps.source.timeoutMs,
    tls: deps.tls,
    now: deps.now,
  });
  return {
    authorization: (signal) => provider.authorization(signal),
    refused: (header) => {
      provider.refused(header);
    },
    mayWait: true,
  };
}

function fixed(header: string | undefined): SourceAuthorization {
  const outcome: SourceAuthorizationOutcome = { ok: true, header };
  return {
    authorization: () => Promise.resolve(outcome),
    refused: () => undefined,
    mayWait: false,
  };
}
