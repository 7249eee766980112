/**
 * @module Liveness and readiness: `GET /health/live`, `GET /health/ready`. No data, no
 * authentication. Readiness answers 503 `draining` once a graceful shutdown has begun, so a load
 * balancer stops sending new requests while in-flight ones finish.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerServices } from '../server-services.ts';

export const healthRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    if (services.draining?.() === true) {
      return reply.code(503).send({ status: 'unavailable', reason: 'draining' });
    }
    try {
      await services.checkDatabase();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });
};
