/**
 * @module What one source's calls have been like: a sliding window (latency p50/p95, error rate)
 * for the status page, and running totals (latency histogram, outcomes) for Prometheus.
 * Only statuses, durations and counts: never anything a source returned.
 */
import type { SourceStatus } from '../source-result.ts';
import type { Clock } from './resilience-options.ts';

/** Why a call was answered without asking the source. */
export type NotAskedReason = 'breaker-open' | 'bulkhead-full';

export interface CallSample {
  readonly status: SourceStatus;
  readonly elapsedMs: number;
  /** Set when the source was not asked at all (the breaker or the bulkhead refused the call). */
  readonly notAsked?: NotAskedReason | undefined;
  /** The call counted as a failure of the source (see `verdictFor`). */
  readonly failure: boolean;
}

/** The sliding window's summary; percentiles and rate are null when no call was made in it. */
export interface RecentCalls {
  readonly windowSeconds: number;
  /** Every call in the window, asked or not. */
  readonly calls: number;
  /** Calls answered without asking the source (breaker open, bulkhead full). */
  readonly notAsked: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  /** Failures of the source among the calls that asked it, 0 to 1. */
  readonly errorRate: number | null;
  readonly lastStatus: SourceStatus | null;
}

/** Upper bounds, in seconds, of the latency histogram's buckets. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30,
];

export interface CallTotals {
  /** Cumulative counts per bucket of {@link LATENCY_BUCKETS_SECONDS} (calls that asked the source). */
  readonly latencyBuckets: readonly number[];
  readonly latencyCount: number;
  readonly latencySumSeconds: number;
  /** Calls by final status, asked or not. */
  readonly byStatus: Readonly<Partial<Record<SourceStatus, number>>>;
  readonly notAsked: Readonly<Record<NotAskedReason, number>>;
}

export interface CallStats {
  record(sample: CallSample): void;
  recent(): RecentCalls;
  totals(): CallTotals;
}

interface Timed extends CallSample {
  readonly at: number;
}

/** Keeps at most `maxSamples` calls of the last `windowMs`. */
export function createCallStats(options: {
  readonly windowMs: number;
  readonly clock: Clock;
  readonly maxSamples?: number;
}): CallStats {
  const maxSamples = options.maxSamples ?? 1000;
  const samples: Timed[] = [];
  const buckets = LATENCY_BUCKETS_SECONDS.map(() => 0);
  let latencyCount = 0;
  let latencySumSeconds = 0;
  const byStatus: Partial<Record<SourceStatus, number>> = {};
  const notAsked: Record<NotAskedReason, number> = { 'breaker-open': 0, 'bulkhead-full': 0 };

  const prune = (): void => {
    const oldest = options.clock.now() - options.windowMs;
    let drop = 0;
    while (drop < samples.length && (samples[drop] as Timed).at < oldest) drop += 1;
    if (samples.length - drop > maxSamples) drop = samples.length - maxSamples;
    if (drop > 0) samples.splice(0, drop);
  };

  return {
    record(sample) {
      samples.push({ ...sample, at: options.clock.now() });
      prune();
      byStatus[sample.status] = (byStatus[sample.status] ?? 0) + 1;
      if (sample.notAsked !== undefined) {
        notAsked[sample.notAsked] += 1;
        return;
      }
      const seconds = sample.elapsedMs / 1000;
      latencyCount += 1;
      latencySumSeconds += seconds;
      LATENCY_BUCKETS_SECONDS.forEach((bound, index) => {
        if (seconds <= bound) buckets[index] = (buckets[index] ?? 0) + 1;
      });
    },
    recent() {
      prune();
      const asked = samples.filter((sample) => sample.notAsked === undefined);
      const latencies = asked.map((sample) => sample.elapsedMs).sort((a, b) => a - b);
      return {
        windowSeconds: Math.round(options.windowMs / 1000),
        calls: samples.length,
        notAsked: samples.length - asked.length,
        p50Ms: percentile(latencies, 0.5),
        p95Ms: percentile(latencies, 0.95),
        errorRate:
          asked.length === 0
            ? null
            : Math.round((asked.filter((sample) => sample.failure).length / asked.length) * 1000) /
              1000,
        lastStatus: samples.at(-1)?.status ?? null,
      };
    },
    totals() {
      return {
        latencyBuckets: [...buckets],
        latencyCount,
        latencySumSeconds,
        byStatus: { ...byStatus },
        notAsked: { ...notAsked },
      };
    },
  };
}

/** Nearest-rank percentile of sorted values; null for none. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return Math.round(sorted[rank - 1] as number);
}
