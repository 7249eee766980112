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

/** A counter or gauge with one or more samples per source; each sample adds its own labels. */
interface PerSourceFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly samples: (source: SourceHealth) => ReadonlyArray<readonly [Labels, number]>;
}

type Labels = Readonly<Record<string, string>>;

/** Every family after the latency histogram, in the order they are exposed. */
const PER_SOURCE_FAMILIES: readonly PerSourceFamily[] = [
  {
    name: 'mcr_source_calls_total',
    type: 'counter',
    help: 'Source calls by final status, whether or not the source was asked.',
    samples: (source) =>
      Object.entries(source.totals.byStatus).map(([status, count]) => [{ status }, count]),
  },
  {
    name: 'mcr_source_calls_not_asked_total',
    type: 'counter',
    help: 'Calls answered without asking the source, by reason (breaker-open, bulkhead-full).',
    samples: (source) =>
      Object.entries(source.totals.notAsked).map(([reason, count]) => [{ reason }, count]),
  },
  {
    name: 'mcr_source_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    samples: (source) => [[{}, BREAKER_STATE_VALUES[source.breaker.state]]],
  },
  {
    name: 'mcr_source_in_flight_calls',
    type: 'gauge',
    help: 'Calls to the source under way (bulkhead slots in use).',
    samples: (source) => [[{}, source.bulkhead.inFlight]],
  },
  {
    name: 'mcr_source_queued_calls',
    type: 'gauge',
    help: 'Calls waiting for a bulkhead slot.',
    samples: (source) => [[{}, source.bulkhead.queued]],
  },
];

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

  for (const { name, type, help, samples } of PER_SOURCE_FAMILIES) {
    family(name, type, help);
    for (const source of sources) {
      for (const [labels, value] of samples(source)) {
        lines.push(sample(name, { source: source.id, ...labels }, value));
      }
    }
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

function sample(name: string, labels: Labels, value: number): string {
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
