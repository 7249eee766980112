/** @module The few parts of `oidc-provider` (which ships no types) that the test provider uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AccountClaims {
    readonly sub: string;
    readonly [claim: string]: unknown;
  }

  export interface Account {
    readonly accountId: string;
    claims(use: string, scope: string): AccountClaims | Promise<AccountClaims>;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    /** Scopes granted at one resource server (with `features.resourceIndicators`). */
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface KoaContextWithOidc {
    readonly oidc: {
      readonly provider: Provider;
      readonly client: { readonly clientId: string };
      readonly session: {
        readonly accountId: string;
        grantIdFor(clientId: string): string | undefined;
      };
      readonly result?: { readonly consent?: { readonly grantId?: string } } | undefined;
      /** The endpoint being served (`token`, `authorization`, …). */
      readonly route?: string;
      readonly entities: {
        readonly AuthorizationCode?: { readonly grantId?: string } | undefined;
      };
    };
    status: number;
    body: unknown;
  }

  /** An access token being issued, as `extraTokenClaims` sees it. */
  export interface IssuedToken {
    readonly accountId?: string | undefined;
    readonly grantId?: string | undefined;
  }

  /** What a resource server (an access token audience) accepts. */
  export interface ResourceServer {
    readonly scope: string;
    readonly audience: string;
    readonly accessTokenTTL?: number;
    readonly accessTokenFormat: 'jwt' | 'opaque';
    readonly jwt?: { readonly sign: { readonly alg: string } };
  }

  /** The interaction (login, consent) a browser is in, with the authorization request's parameters. */
  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { readonly name: string };
    readonly params: Readonly<Record<string, unknown>>;
  }

  /** The outcome of an interaction, as `interactionFinished` takes it. */
  export interface InteractionResult {
    readonly login?: { readonly accountId: string };
    readonly consent?: { readonly grantId: string };
    readonly error?: string;
    readonly error_description?: string;
  }

  export interface ClientMetadata {
    readonly client_id: string;
    readonly client_secret?: string;
    readonly redirect_uris: readonly string[];
    readonly grant_types?: readonly string[];
    readonly response_types?: readonly string[];
    readonly token_endpoint_auth_method?: string;
    readonly id_token_signed_response_alg?: string;
    readonly jwks?: { readonly keys: readonly object[] };
  }

  export interface Configuration {
    readonly clients?: readonly ClientMetadata[];
    readonly findAccount?: (ctx: KoaContextWithOidc, id: string) => Promise<Account | undefined>;
    readonly claims?: Readonly<Record<string, readonly string[]>>;
    readonly scopes?: readonly string[];
    readonly jwks?: { readonly keys: readonly object[] };
    /** Parameters the authorization endpoint keeps beyond OAuth's own (SMART's `launch`, `aud`). */
    readonly extraParams?: readonly string[];
    readonly extraTokenClaims?: (
      ctx: KoaContextWithOidc,
      token: IssuedToken,
    ) => Promise<Readonly<Record<string, unknown>> | undefined>;
    /** false: the ID token carries the scope's claims even when an access token is issued too. */
    readonly conformIdTokenClaims?: boolean;
    readonly interactions?: {
      readonly url: (ctx: KoaContextWithOidc, interaction: { readonly uid: string }) => string;
    };
    readonly clientAuthMethods?: readonly string[];
    readonly cookies?: { readonly keys: readonly string[] };
    readonly features?: Readonly<
      Record<string, { readonly enabled: boolean; readonly [setting: string]: unknown }>
    >;
    readonly ttl?: Readonly<Record<string, number>>;
    readonly pkce?: { readonly required: () => boolean };
    readonly loadExistingGrant?: (ctx: KoaContextWithOidc) => Promise<Grant | undefined>;
    /** Signing algorithms offered, e.g. `idTokenSigningAlgValues: ['RS512']` (NHS login). */
    readonly enabledJWA?: Readonly<Record<string, readonly string[]>>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly Grant: GrantConstructor;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    /** Koa middleware around every endpoint. */
    use(middleware: (ctx: KoaContextWithOidc, next: () => Promise<void>) => Promise<void>): void;
    interactionDetails(
      request: IncomingMessage,
      response: ServerResponse,
    ): Promise<InteractionDetails>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: InteractionResult,
      options?: { readonly mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
