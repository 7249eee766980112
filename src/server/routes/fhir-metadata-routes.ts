/**
 * @module The FHIR API's self-description, open to anyone (it holds nothing about a patient):
 * `GET /fhir/metadata` (CapabilityStatement built from the registered routes, with the SMART
 * security extension) and `GET /fhir/.well-known/smart-configuration`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IssuerDiscovery } from '../../access/issuer-discovery.ts';
import { ApiError } from '../operation-outcome.ts';
import { capabilityResources, type FhirRegistry } from '../fhir-registry.ts';
import type { ServerServices } from '../server-services.ts';
import { FHIR_JSON, fhirBaseUrl } from '../fhir-edge.ts';

/** The scopes the API understands (SMART v1 and v2 forms); writes are never granted. */
export const SUPPORTED_SCOPES = [
  'openid',
  'fhirUser',
  'launch',
  'launch/patient',
  'user/*.read',
  'user/*.rs',
  'patient/*.read',
  'patient/*.rs',
  'user/Consent.c',
] as const;

const SMART_CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'client-public',
  'client-confidential-symmetric',
  'sso-openid-connect',
  'context-ehr-patient',
  'permission-user',
  'permission-patient',
  'permission-v1',
  'permission-v2',
];

/**
 * How the CapabilityStatement describes who may call: SMART names one authorisation server per
 * FHIR base (the first of `fhirApi.issuers`, whose endpoints are published); tokens from every
 * listed issuer are accepted, and the description says so.
 */
function securityDescription(issuers: readonly string[]): string {
  const bearer =
    issuers.length === 0
      ? 'No bearer tokens are accepted: the UI session only.'
      : issuers.length === 1
        ? `Bearer JWT access tokens from ${issuers[0] ?? ''}.`
        : `Bearer JWT access tokens from any of: ${issuers.join(', ')}. SMART apps authorise at the first (its endpoints are the oauth-uris here and in .well-known/smart-configuration).`;
  return `${bearer} Every read is on behalf of a named user with a role and organisation; SMART user/ or patient/ scopes, never system/.`;
}

export const fhirMetadataRoutes: FastifyPluginAsync<{
  services: ServerServices;
  registry: FhirRegistry;
  discovery: IssuerDiscovery | undefined;
}> = async (app, { services, registry, discovery }) => {
  const issuers = services.config.fhirApi.issuers.map((issuer) => issuer.issuer);
  app.get('/fhir/metadata', async (request: FastifyRequest, reply) => {
    const endpoints = await discovery?.endpoints();
    const statement: fhir4.CapabilityStatement = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: services.now().toISOString(),
      publisher: 'My Care Record',
      kind: 'instance',
      software: { name: 'My Care Record' },
      implementation: {
        description: 'My Care Record: a read-only, consent-gated view of the shared care record',
        url: fhirBaseUrl(services, request),
      },
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      rest: [
        {
          mode: 'server',
          documentation:
            'Read-only: every write is refused (405). Bearer tokens or the UI session.',
          security: {
            cors: false,
            description: securityDescription(issuers),
            service: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                    code: 'SMART-on-FHIR',
                  },
                ],
              },
            ],
            ...(endpoints === undefined
              ? {}
              : {
                  extension: [
                    {
                      url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                      extension: [
                        { url: 'authorize', valueUri: endpoints.authorizationEndpoint },
                        { url: 'token', valueUri: endpoints.tokenEndpoint },
                      ],
                    },
                  ],
                }),
          },
          resource: capabilityResources(registry),
        },
      ],
    };
    return reply.type(FHIR_JSON).send(statement);
  });

  app.get('/fhir/.well-known/smart-configuration', async (_request, reply) => {
    if (discovery === undefined) {
      throw new ApiError(
        'NOT_FOUND',
        'This server accepts no SMART bearer tokens (fhirApi.issuers).',
      );
    }
    const endpoints = await discovery.endpoints();
    if (endpoints === undefined) {
      throw new ApiError(
        'ISSUER_UNAVAILABLE',
        'The authorisation server could not be asked for its endpoints. Try again shortly.',
      );
    }
    return reply.type('application/json').send({
      issuer: endpoints.issuer,
      ...(endpoints.jwksUri === undefined ? {} : { jwks_uri: endpoints.jwksUri }),
      authorization_endpoint: endpoints.authorizationEndpoint,
      token_endpoint: endpoints.tokenEndpoint,
      grant_types_supported: ['authorization_code'],
      response_types_supported: ['code'],
      scopes_supported: [...SUPPORTED_SCOPES],
      code_challenge_methods_supported: ['S256'],
      capabilities: SMART_CAPABILITIES,
    });
  });
};
