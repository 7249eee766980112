/**
 * @module `GET /api/sources/status`: each source's circuit breaker, bulkhead and recent calls
 * (latency p50/p95 and error rate over a sliding window). Any signed-in role may read it: it holds
 * no patient data, and a clinician is helped by knowing a system is down before opening a record.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SourcesStatus } from '../../api/sources.ts';
import { requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { OutcomeSchema } from './schemas.ts';

export const sourceStatusRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/sources/status',
    {
      schema: {
        response: {
          200: SourcesStatus,
          401: OutcomeSchema,
        },
      },
    },
    async (request) => {
      requireAuth(request);
      const sources = services.sourceHealth?.() ?? [];
      return {
        time: services.now().toISOString(),
        sources: sources.map((source) => ({
          id: source.id,
          name: source.name,
          organisation: source.organisation,
          kind: source.kind,
          timeoutMs: source.timeoutMs,
          breaker: source.breaker,
          bulkhead: source.bulkhead,
          recent: source.recent,
        })),
      };
    },
  );
};
