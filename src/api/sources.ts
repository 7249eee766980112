/**
 * @module `GET /api/sources/status`: each source's circuit breaker, bulkhead and recent calls.
 * No patient data.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/** One source system's health. */
export const SourceHealth = Type.Object({
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
    lastStatus: Nullable(Type.String()),
  }),
});
export type SourceHealth = Static<typeof SourceHealth>;

/** `GET /api/sources/status`. */
export const SourcesStatus = Type.Object({
  time: Type.String(),
  sources: Type.Array(SourceHealth),
});
export type SourcesStatus = Static<typeof SourcesStatus>;
