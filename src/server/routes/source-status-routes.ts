/**
 * @module `GET /api/sources/status`: each source's circuit breaker, bulkhead and recent calls
 * (latency p50/p95 and error rate over a sliding window). Any signed-in role may read it: it holds
 * no patient data, and a clinician is helped by knowing a system is down before opening a record.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** The response schema doubles as a guard: only these fields are ever sent. */
const SourceStatusSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organisation: Type.String(),
  kind: Type.String(),
  timeoutMs: Type.Integer(),
  breaker: Type.Object({
    state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
    consecutiveFailures: Type.Integer(),
    failureThreshold: Type.Integer(),
    coolDownMs: Type.Integer(),
    retryInMs: Type.Optional(Type.Integer()),
    probing: Type.Optional(Type.Boolean()),
  }),
  bulkhead: Type.Object({
    inFlight: Type.Integer(),
    queued: Type.Integer(),
    maxConcurrent: Type.Integer(),
    maxQueued: Type.Integer(),
  }),
  recent: Type.Object({
    windowSeconds: Type.Integer(),
    calls: Type.Integer(),
    notAsked: Type.Integer(),
    p50Ms: Nullable(Type.Number()),
    p95Ms: Nullable(Type.Number()),
    errorRate: Nullable(Type.Number()),
    lastStatus: Type.Union([Type.String(), Type.Null()]),
  }),
});

export const sourceStatusRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/sources/status',
    {
      schema: {
        response: {
          200: Type.Object({ time: Type.String(), sources: Type.Array(SourceStatusSchema) }),
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
