/**
 * @module Prometheus metrics at `GET /metrics` (text exposition format 0.0.4, hand-written: a few
 * lines do not justify a dependency). Labels are source ids and statuses only: never an NHS number,
 * a user or anything a source returned.
 */
import type { FastifyPluginAsync } from 'fastify';
import { LATENCY_BUCKETS_SECONDS } from '../sources/resilience/call-stats.ts';
import type { SourceHealth } from '../sources/resilience/with-resilience.ts';
import type { ServerServices } from './server-services.ts';

/** The numbers `mcr_source_breaker_state` takes. */
export const BREAKER_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** The exposition text for the sources' health. */
export function renderMetrics(sources: readonly SourceHealth[]): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };

  family(
    'mcr_source_call_duration_seconds',
    'histogram',
    'Duration of calls that asked a source, including any wait for a bulkhead slot.',
  );
  for (const source of sources) {
    const { totals } = source;
    LATENCY_BUCKETS_SECONDS.forEach((bound, index) => {
      lines.push(
        sample(
          'mcr_source_call_duration_seconds_bucket',
          { source: source.id, le: String(bound) },
          totals.latencyBuckets[index] ?? 0,
        ),
      );
    });
    lines.push(
      sample(
        'mcr_source_call_duration_seconds_bucket',
        { source: source.id, le: '+Inf' },
        totals.latencyCount,
      ),
      sample(
        'mcr_source_call_duration_seconds_sum',
        { source: source.id },
        totals.latencySumSeconds,
      ),
      sample('mcr_source_call_duration_seconds_count', { source: source.id }, totals.latencyCount),
    );
  }

  family(
    'mcr_source_calls_total',
    'counter',
    'Source calls by final status, whether or not the source was asked.',
  );
  for (const source of sources) {
    for (const [status, count] of Object.entries(source.totals.byStatus)) {
      lines.push(sample('mcr_source_calls_total', { source: source.id, status }, count));
    }
  }

  family(
    'mcr_source_calls_not_asked_total',
    'counter',
    'Calls answered without asking the source, by reason (breaker-open, bulkhead-full).',
  );
  for (const source of sources) {
    for (const [reason, count] of Object.entries(source.totals.notAsked)) {
      lines.push(sample('mcr_source_calls_not_asked_total', { source: source.id, reason }, count));
    }
  }

  family(
    'mcr_source_breaker_state',
    'gauge',
    'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
  );
  for (const source of sources) {
    lines.push(
      sample(
        'mcr_source_breaker_state',
        { source: source.id },
        BREAKER_STATE_VALUES[source.breaker.state],
      ),
    );
  }

  family(
    'mcr_source_in_flight_calls',
    'gauge',
    'Calls to the source under way (bulkhead slots in use).',
  );
  for (const source of sources) {
    lines.push(
      sample('mcr_source_in_flight_calls', { source: source.id }, source.bulkhead.inFlight),
    );
  }
  family('mcr_source_queued_calls', 'gauge', 'Calls waiting for a bulkhead slot.');
  for (const source of sources) {
    lines.push(sample('mcr_source_queued_calls', { source: source.id }, source.bulkhead.queued));
  }
  return `${lines.join('\n')}\n`;
}

/** `GET /metrics`, outside the signed-in API so a scraper needs no session; it holds no patient data. */
export const metricsRoutes: FastifyPluginAsync<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get('/metrics', async (_request, reply) =>
    reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(renderMetrics(services.sourceHealth?.() ?? [])),
  );
};

function sample(name: string, labels: Readonly<Record<string, string>>, value: number): string {
  const text = Object.entries(labels)
    .map(([key, label]) => `${key}="${escapeLabel(label)}"`)
    .join(',');
  return `${name}{${text}} ${formatValue(value)}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(Math.round(value * 1e6) / 1e6);
}
