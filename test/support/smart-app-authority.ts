/**
 * @module A real SMART authorisation server (`oidc-provider`) on loopback for apps that read My
 * Care Record's FHIR API: SMART App Launch v2 standalone launch, a public client with PKCE S256,
 * `launch/patient` answered with the patient the user picked, and access tokens that are RS256
 * JWTs for the FHIR API's audience carrying `client_id`, `scope` and who the user is (username,
 * name, role, organisation). The person signed in and the patient they pick are set by the test
 * (`signIn`), standing in for the authorisation server's own login and patient picker.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type KoaContextWithOidc } from 'oidc-provider';

/** The resource scopes granted for the FHIR API (SMART v1 and v2 user-level, and recording a permission). */
const RESOURCE_SCOPES = ['user/*.rs', 'user/*.read', 'user/Consent.c'];
/** The OpenID and SMART context scopes. */
const CONTEXT_SCOPES = ['openid', 'fhirUser', 'launch/patient'];

/** A person signed in at the authorisation server: the claims it puts in their access tokens. */
export interface AppAuthorityUser {
  readonly username: string;
  readonly name: string;
  /** My Care Record's role, as this authority names it (`role` claim). */
  readonly role: string;
  /** ODS code (`organisation` claim). */
  readonly organisation: string;
}

export interface SmartAppAuthority {
  /** The issuer (`http://127.0.0.1:<port>`): its discovery document and JWKS (`/jwks`) are here. */
  readonly issuer: string;
  /** The `aud` of its access tokens. */
  readonly audience: string;
  /** The `fhirApi.issuers` entry that makes My Care Record accept these tokens. */
  readonly fhirApiIssuer: Record<string, unknown>;
  /**
   * Registers the app (a public client) and names the FHIR server it may get tokens for (the
   * `aud` the app must send). Call once both listen; until then the authority answers 503.
   */
  registerApp(app: {
    readonly clientId: string;
    readonly redirectUri: string;
    readonly fhirBaseUrl: string;
  }): void;
  /** Who is signed in for the next authorisation, and the patient they pick (for `launch/patient`). */
  signIn(user: AppAuthorityUser, patientId?: string): void;
  close(): Promise<void>;
}

function requested(scope: unknown, offered: readonly string[]): string {
  const asked = typeof scope === 'string' ? scope.split(' ') : [];
  return asked.filter((s) => offered.includes(s)).join(' ');
}

/** Starts the authority on 127.0.0.1, port 0. */
export async function startSmartAppAuthority(
  audience = 'urn:my-care-record:fhir',
): Promise<SmartAppAuthority> {
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  let interaction:
    ((request: IncomingMessage, response: ServerResponse) => Promise<void>) | undefined;
  const server: Server = createServer((request, response) => {
    if (handler === undefined || interaction === undefined) {
      response.writeHead(503).end();
      return;
    }
    if (request.url?.startsWith('/interaction/') === true) {
      interaction(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'app-1' };
  let signedIn: { user: AppAuthorityUser; patientId: string | undefined } | undefined;

  return {
    issuer,
    audience,
    fhirApiIssuer: {
      issuer,
      jwksUrl: `${issuer}/jwks`,
      audience,
      claims: {
        username: 'username',
        displayName: 'name',
        role: 'role',
        organisation: 'organisation',
      },
    },
    signIn(user, patientId) {
      signedIn = { user, patientId };
    },
    registerApp(app) {
      // Each grant's user and patient, for the access token's claims and the token response.
      const contexts = new Map<string, { user: AppAuthorityUser; patientId: string | undefined }>();
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: app.clientId,
            redirect_uris: [app.redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          },
        ],
        jwks: { keys: [signingKey] },
        cookies: { keys: [randomBytes(24).toString('base64url')] },
        scopes: ['openid', 'launch/patient'],
        claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
        extraParams: ['aud', 'launch'],
        conformIdTokenClaims: false,
        pkce: { required: () => true },
        ttl: { Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, Interaction: 600 },
        interactions: { url: (_ctx, details) => `/interaction/${details.uid}` },
        features: {
          devInteractions: { enabled: false },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => audience,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: RESOURCE_SCOPES.join(' '),
              audience,
              accessTokenTTL: 600,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            }),
          },
        },
        async findAccount(_ctx, id) {
          return {
            accountId: id,
            claims: () => ({ sub: id, fhirUser: `${app.fhirBaseUrl}/Practitioner/${id}` }),
          };
        },
        async extraTokenClaims(_ctx, token) {
          const context = token.grantId === undefined ? undefined : contexts.get(token.grantId);
          if (context === undefined) return undefined;
          return {
            username: context.user.username,
            name: context.user.name,
            role: context.user.role,
            organisation: context.user.organisation,
          };
        },
      });
      // SMART's launch context goes in the token response beside the tokens.
      provider.use(async (ctx: KoaContextWithOidc, next) => {
        await next();
        if (ctx.oidc.route !== 'token' || ctx.status !== 200) return;
        const grantId = ctx.oidc.entities.AuthorizationCode?.grantId;
        const context = grantId === undefined ? undefined : contexts.get(grantId);
        if (context?.patientId === undefined || typeof ctx.body !== 'object' || ctx.body === null) {
          return;
        }
        ctx.body = { ...ctx.body, patient: context.patientId };
      });
      handler = provider.callback();
      interaction = async (request, response) => {
        const { params } = await provider.interactionDetails(request, response);
        const fail = (description: string) =>
          provider.interactionFinished(
            request,
            response,
            { error: 'invalid_request', error_description: description },
            { mergeWithLastSubmission: false },
          );
        // SMART: the app must ask for a token for the FHIR server this authority protects.
        if (params['aud'] !== app.fhirBaseUrl) return fail('aud is not the FHIR server');
        if (signedIn === undefined) return fail('nobody is signed in');
        const { user } = signedIn;
        const grant = new provider.Grant({ accountId: user.username, clientId: app.clientId });
        const contextScopes = requested(params['scope'], CONTEXT_SCOPES);
        grant.addOIDCScope(contextScopes);
        grant.addResourceScope(audience, requested(params['scope'], RESOURCE_SCOPES));
        const grantId = await grant.save();
        const patientId = contextScopes.split(' ').includes('launch/patient')
          ? signedIn.patientId
          : undefined;
        contexts.set(grantId, { user, patientId });
        return provider.interactionFinished(
          request,
          response,
          { login: { accountId: user.username }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
