/**
 * @module The simulated EHR's authorisation server: a real `oidc-provider` set up for SMART App
 * Launch v2 EHR launch. The `launch` parameter names the signed-in EHR user and the patient in
 * context; the token response carries `patient`, the ID token `fhirUser`, and access tokens are
 * RS256 JWTs for a configurable audience carrying the user's username, role and organisation.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type KoaContextWithOidc } from 'oidc-provider';
import { ehrUser, type EhrUser } from './ehr-users.ts';

/** The scopes the EHR's FHIR server grants (SMART v2 patient-level reads). */
export const EHR_RESOURCE_SCOPES = ['patient/Patient.rs', 'patient/*.rs', 'patient/*.read'];
/** The OpenID and SMART context scopes it understands. */
const CONTEXT_SCOPES = ['openid', 'fhirUser', 'launch'];

/** A launch the EHR started: who is signed in there and which patient is open. */
export interface LaunchContext {
  readonly user: EhrUser;
  /** The EHR's Patient id, or undefined to simulate an EHR that sends no patient. */
  readonly patientId: string | undefined;
}

/** How the viewer is registered at the EHR. */
export interface ViewerClient {
  readonly clientId: string;
  /** Where the EHR sends the browser back to with the code. */
  readonly redirectUri: string;
  /** A shared secret (`client_secret_basic`)… */
  readonly clientSecret?: string | undefined;
  /** …or public keys for `private_key_jwt`. */
  readonly jwks?: { readonly keys: readonly object[] } | undefined;
}

export interface EhrAuthorisation {
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Finishes the login and consent interaction at once: the EHR user is already signed in. */
  interaction(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/** The signing key and issuer shared by the ID tokens, the access tokens and the FHIR endpoint. */
export interface EhrAuthorisationOptions {
  readonly issuer: string;
  readonly fhirBaseUrl: string;
  /** The `aud` of access tokens. */
  readonly audience: string;
  readonly signingJwk: object;
  readonly client: ViewerClient;
  /** Takes a launch token, once: undefined when unknown or already used. */
  readonly takeLaunch: (token: string) => LaunchContext | undefined;
}

function requested(scope: unknown, offered: readonly string[]): string {
  const asked = typeof scope === 'string' ? scope.split(' ') : [];
  return asked.filter((s) => offered.includes(s)).join(' ');
}

export function createEhrAuthorisation(options: EhrAuthorisationOptions): EhrAuthorisation {
  const { issuer, fhirBaseUrl, audience, client } = options;
  // Each grant's launch context, for the token response and the access token's claims.
  const contexts = new Map<string, LaunchContext>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        ...(client.jwks === undefined
          ? {
              client_secret: client.clientSecret ?? '',
              token_endpoint_auth_method: 'client_secret_basic',
            }
          : { jwks: client.jwks, token_endpoint_auth_method: 'private_key_jwt' }),
      },
    ],
    jwks: { keys: [options.signingJwk] },
    cookies: { keys: [randomBytes(24).toString('base64url')] },
    scopes: ['openid', 'launch'],
    claims: {
      openid: ['sub'],
      fhirUser: ['fhirUser', 'username', 'name', 'role', 'organisation'],
    },
    extraParams: ['launch', 'aud'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      Grant: 600,
      Session: 600,
      AccessToken: 600,
      IdToken: 600,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: EHR_RESOURCE_SCOPES.join(' '),
          audience,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    async findAccount(_ctx, id) {
      const user = ehrUser(id);
      if (user === undefined) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...identityClaims(user, fhirBaseUrl) }) };
    },
    async extraTokenClaims(_ctx, token) {
      const context = token.grantId === undefined ? undefined : contexts.get(token.grantId);
      if (context === undefined) return undefined;
      return {
        ...identityClaims(context.user, fhirBaseUrl),
        ...(context.patientId === undefined ? {} : { patient: context.patientId }),
      };
    },
  });

  // SMART's launch context goes in the token response beside the tokens.
  provider.use(async (ctx: KoaContextWithOidc, next) => {
    await next();
    if (ctx.oidc.route !== 'token' || ctx.status !== 200) return;
    const grantId = ctx.oidc.entities.AuthorizationCode?.grantId;
    const context = grantId === undefined ? undefined : contexts.get(grantId);
    if (context === undefined || typeof ctx.body !== 'object' || ctx.body === null) return;
    ctx.body = {
      ...ctx.body,
      ...(context.patientId === undefined ? {} : { patient: context.patientId }),
      need_patient_banner: false,
    };
  });

  return {
    handler: provider.callback(),
    async interaction(request, response) {
      const details = await provider.interactionDetails(request, response);
      const { params } = details;
      const fail = (description: string) =>
        provider.interactionFinished(
          request,
          response,
          { error: 'invalid_request', error_description: description },
          { mergeWithLastSubmission: false },
        );
      // SMART: the EHR checks the app asks for a token for this FHIR server.
      if (params['aud'] !== fhirBaseUrl) return fail('aud is not this FHIR server');
      const launch =
        typeof params['launch'] === 'string' ? options.takeLaunch(params['launch']) : undefined;
      if (launch === undefined) return fail('unknown or used launch');
      const grant = new provider.Grant({
        accountId: launch.user.username,
        clientId: client.clientId,
      });
      grant.addOIDCScope(requested(params['scope'], CONTEXT_SCOPES));
      grant.addResourceScope(audience, requested(params['scope'], EHR_RESOURCE_SCOPES));
      const grantId = await grant.save();
      contexts.set(grantId, launch);
      return provider.interactionFinished(
        request,
        response,
        { login: { accountId: launch.user.username }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    },
  };
}

/** The claims that say who the user is: in the ID token (scope `fhirUser`) and every access token. */
function identityClaims(user: EhrUser, fhirBaseUrl: string): Record<string, string> {
  return {
    fhirUser: `${fhirBaseUrl}/Practitioner/${user.practitionerId}`,
    username: user.username,
    name: user.name,
    role: user.role,
    organisation: user.organisation,
  };
}
