/** @module A source's breaker and bulkhead settings, with their defaults, and the clock they run on. */
import type { SourceConfig } from '../../config/config-schema.ts';

/** Monotonic milliseconds (performance.now by default); tests pass a clock they can move. */
export interface Clock {
  now(): number;
}

/** The real monotonic clock. */
export const MONOTONIC_CLOCK: Clock = { now: () => performance.now() };

export interface ResilienceOptions {
  /** The source's deadline for one whole call, including any wait for a free slot. */
  readonly timeoutMs: number;
  /** Failures in a row that open the breaker. */
  readonly failureThreshold: number;
  /** How long an open breaker refuses calls before letting one trial call through. */
  readonly coolDownMs: number;
  /** Calls to the source at once. */
  readonly maxConcurrent: number;
  /** Calls waiting for a free slot; one more fails at once as `busy`. */
  readonly maxQueued: number;
  /** The sliding window over which latency percentiles and the error rate are reported. */
  readonly windowMs: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOL_DOWN_MS = 30_000;
export const DEFAULT_MAX_CONCURRENT = 8;
export const DEFAULT_MAX_QUEUED = 16;
export const DEFAULT_WINDOW_MS = 5 * 60_000;

/** The settings for one configured source, defaults filled in. */
export function resilienceOptionsFor(source: SourceConfig): ResilienceOptions {
  return {
    timeoutMs: source.timeoutMs,
    failureThreshold: source.breaker?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    coolDownMs: source.breaker?.coolDownMs ?? DEFAULT_COOL_DOWN_MS,
    maxConcurrent: source.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    maxQueued: source.maxQueued ?? DEFAULT_MAX_QUEUED,
    windowMs: DEFAULT_WINDOW_MS,
  };
}
