/**
 * @module Builds the Fastify server: security headers, error handling, the JSON API behind
 * authentication, and the web UI. Routes are thin; the services hold the rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastify, type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { createAuthenticationHook } from './authenticate.ts';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  registerErrorHandling,
} from './error-handler.ts';
import { refuseFhirWrites } from './read-only-fhir.ts';
import { operationOutcome } from './operation-outcome.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { consentAdminRoutes } from './routes/consent-admin-routes.ts';
import { fhirConsentRoutes } from './routes/fhir-consent-routes.ts';
import { fhirMetadataRoutes } from './routes/fhir-metadata-routes.ts';
import { fhirRecordRoutes } from './routes/fhir-record-routes.ts';
import { collectFhirRoutes } from './fhir-registry.ts';
import { createIssuerDiscovery } from '../access/issuer-discovery.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { nhsLoginRoutes } from './routes/nhs-login-routes.ts';
import { oidcRoutes } from './routes/oidc-routes.ts';
import { smartLaunchRoutes } from './routes/smart-launch-routes.ts';
import { patientPortalRoutes } from './routes/patient-portal-routes.ts';
import { patientRoutes } from './routes/patient-routes.ts';
import { permissionRoutes } from './routes/permission-routes.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { recordStreamRoutes } from './routes/record-stream-routes.ts';
import { sourceStatusRoutes } from './routes/source-status-routes.ts';
import { metricsRoutes } from './metrics.ts';
import { openApiRoute, registerOpenApi } from './openapi.ts';
import { sessionRoutes, signInRoutes } from './routes/session-routes.ts';
import {
  BODY_LIMIT_BYTES,
  MAX_PARAM_LENGTH,
  registerStrictRequests,
  STRICT_AJV_OPTIONS,
} from './request-validation.ts';
import { registerRateLimits, type LimitHook } from './rate-limits.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import type { ServerServices } from './server-services.ts';

export async function createServer(
  services: ServerServices,
  logger: FastifyBaseLogger,
  observeRoute?: (route: RouteOptions) => void,
): Promise<FastifyInstance> {
  const tls = services.config.server.publicUrl?.startsWith('https://') ?? false;
  const headers = {
    tls,
    // An EHR that launches the viewer frames it.
    frameAncestors: [
      ...services.config.server.frameAncestors,
      ...(services.smart?.ehrOrigins ?? []),
    ],
  };
  const app: FastifyInstance = fastify({
    loggerInstance: logger,
    trustProxy: services.config.server.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ajv: { customOptions: STRICT_AJV_OPTIONS },
    frameworkErrors: frameworkErrorHandler(headers),
    clientErrorHandler: clientErrorHandler(headers),
    // Node's defaults let a slow client hold a socket for minutes.
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
  });

  if (observeRoute !== undefined) app.addHook('onRoute', observeRoute);
  app.decorateRequest('auth', undefined);
  // The request id is the audit entries' requestId: a client can name the entry of what it received.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Draining: the balancer must open new connections elsewhere, not reuse this one.
    if (services.draining?.() === true) void reply.header('connection', 'close');
  });
  registerSecurityHeaders(app, headers);
  registerErrorHandling(app);
  registerStrictRequests(app);
  refuseFhirWrites(app);
  // Before any route is added: the CapabilityStatement is what the routes declare.
  const fhirRegistry = collectFhirRoutes(app);
  // Before any route too: the OpenAPI document is generated from the routes' schemas.
  await registerOpenApi(app, services.cookie.name);
  await app.register(cookie);
  const limits = await registerRateLimits(app, {
    settings: services.config.rateLimit,
    counters: services.rateLimitCounters,
  });

  await app.register(healthRoutes, { services });
  openApiRoute(app);
  await app.register(metricsRoutes, { services });
  await app.register(signInRoutes, { services, limits });
  await app.register(oidcRoutes, { services, limits });
  await app.register(smartLaunchRoutes, { services, limits });
  const smartIssuer = services.config.fhirApi.issuers[0];
  await app.register(fhirMetadataRoutes, {
    services,
    registry: fhirRegistry,
    discovery:
      smartIssuer === undefined
        ? undefined
        : createIssuerDiscovery({ issuer: smartIssuer.issuer, now: services.now }),
  });
  await app.register(nhsLoginRoutes, { services, limits });
  // The patient's own routes: behind the patient session only, in their own scope.
  await app.register(patientPortalRoutes, { services });
  await app.register(async (api) => {
    api.addHook(
      'onRequest',
      createAuthenticationHook({
        sessions: services.sessions,
        audit: services.audit,
        refusals: services.refusals,
        cookieName: services.cookie.name,
        now: services.now,
        bearer: services.bearerTokens,
      }),
    );
    await api.register(sessionRoutes, { services });
    await api.register(patientRoutes, { services });
    await api.register(permissionRoutes, { services });
    await api.register(recordRoutes, { services });
    await api.register(recordStreamRoutes, { services });
    await api.register(sourceStatusRoutes, { services });
    await api.register(consentAdminRoutes, { services });
    await api.register(fhirConsentRoutes, { services });
    await api.register(fhirRecordRoutes, { services });
    await api.register(auditRoutes, { services });
    await api.register(alertRoutes, { services });
  });

  registerWebUi(app, services.webRoot, limits.notFound);
  return app;
}

/** Serves the built UI; any other GET that wants HTML gets index.html (client-side routes). */
function registerWebUi(
  app: FastifyInstance,
  webRoot: string | undefined,
  limit: LimitHook | undefined,
): void {
  const indexFile = webRoot === undefined ? undefined : join(webRoot, 'index.html');
  const index =
    indexFile !== undefined && existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined;
  if (webRoot !== undefined && index !== undefined) {
    void app.register(fastifyStatic, {
      root: join(webRoot, 'assets'),
      prefix: '/assets/',
      index: false,
    });
  }
  app.setNotFoundHandler(
    limit === undefined ? {} : { preHandler: limit },
    async (request, reply) => {
      const wantsPage =
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        !request.url.startsWith('/fhir/') &&
        (request.headers.accept ?? '').includes('text/html');
      if (wantsPage) {
        if (index === undefined) {
          return reply
            .code(503)
            .type('text/plain; charset=utf-8')
            .send(
              'The web UI has not been built. Run `npm run build:web` (npm start does this for you).',
            );
        }
        return reply.type('text/html; charset=utf-8').send(index);
      }
      return reply.code(404).type('application/fhir+json').send(operationOutcome('NOT_FOUND'));
    },
  );
}
