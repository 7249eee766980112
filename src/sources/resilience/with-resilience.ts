/**
 * @module The resilience decorator every connector is wrapped in: a circuit breaker, a bulkhead,
 * one deadline covering the wait for a slot and the call, and the call statistics the status page
 * and /metrics show. Like every connector it returns a value and never throws.
 */
import { startDeadline, type Deadline } from '../../http/deadline.ts';
import { formatSeconds } from '../../http/fetch-source.ts';
import type { Connector, SourceRequest, SourceResult, SourceStatus } from '../source-result.ts';
import { createBulkhead, type BulkheadSnapshot } from './bulkhead.ts';
import { verdictFor } from './call-verdict.ts';
import { createCallStats, type CallTotals, type RecentCalls } from './call-stats.ts';
import { createCircuitBreaker, type Admission, type BreakerSnapshot } from './circuit-breaker.ts';
import { MONOTONIC_CLOCK, type Clock, type ResilienceOptions } from './resilience-options.ts';
import { callSafely } from '../never-throws.ts';

/**
 * A queued call may overrun the connector's own deadline by this much before it is cut: enough that
 * a call which started at once always meets its own deadline first (keeping any partial answer).
 */
const DEADLINE_GRACE_MS = 100;

/** One source's health, for the status page and metrics. No patient data. */
export interface SourceHealth {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly kind: string;
  readonly timeoutMs: number;
  readonly breaker: BreakerSnapshot;
  readonly bulkhead: BulkheadSnapshot;
  readonly recent: RecentCalls;
  readonly totals: CallTotals;
}

/** A connector wrapped with a breaker and a bulkhead, reporting its health. */
export interface ResilientConnector extends Connector {
  health(): SourceHealth;
}

/** Wraps `connector`. The clock drives the breaker's cool-down and the statistics window. */
export function withResilience(
  connector: Connector,
  options: ResilienceOptions,
  clock: Clock = MONOTONIC_CLOCK,
): ResilientConnector {
  const { source } = connector;
  const breaker = createCircuitBreaker(options, clock);
  const bulkhead = createBulkhead(options);
  const stats = createCallStats({ windowMs: options.windowMs, clock });

  const notAsked = (
    status: SourceStatus,
    message: string,
    elapsedMs: number,
    reason?: 'breaker-open' | 'bulkhead-full',
  ): SourceResult => {
    stats.record({ status, elapsedMs, notAsked: reason, failure: false });
    return { sourceId: source.id, status, elapsedMs, message, warnings: [] };
  };

  async function fetchRecord(request: SourceRequest): Promise<SourceResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);

    const admission = breaker.admit();
    if (!admission.admitted) {
      return notAsked(
        'unavailable',
        admission.retryInMs > 0
          ? `Not asked: it failed repeatedly; retrying after ${formatSeconds(admission.retryInMs)}.`
          : 'Not asked: it failed repeatedly; a trial call to see whether it has recovered is under way.',
        elapsed(),
        'breaker-open',
      );
    }

    const cut = startDeadline(options.timeoutMs + DEADLINE_GRACE_MS, request.signal);
    try {
      return await callWithin(request, cut, admission, elapsed);
    } finally {
      cut.dispose();
    }
  }

  /** The call once the breaker admitted it: a slot in the bulkhead, then the connector, under `cut`. */
  async function callWithin(
    request: SourceRequest,
    cut: Deadline,
    admission: Extract<Admission, { admitted: true }>,
    elapsed: () => number,
  ): Promise<SourceResult> {
    const { signal } = cut;
    const slot = await bulkhead.acquire(signal);
    if (slot.kind !== 'acquired') {
      breaker.record(admission, 'neutral');
      if (slot.kind === 'full') {
        const { inFlight, queued } = bulkhead.snapshot();
        return notAsked(
          'busy',
          `Not asked: it is already answering ${inFlight} record views with ${queued} more waiting; try again shortly.`,
          elapsed(),
          'bulkhead-full',
        );
      }
      if (request.signal?.aborted === true) {
        return notAsked('error', 'The view was closed before this source was asked.', elapsed());
      }
      return notAsked(
        'busy',
        `Not asked: it was busy with other record views for the whole ${formatSeconds(options.timeoutMs)} allowed.`,
        elapsed(),
        'bulkhead-full',
      );
    }

    let result: SourceResult;
    try {
      result = await callSafely(connector, { ...request, signal });
    } finally {
      slot.release();
    }

    const abandoned = request.signal?.aborted === true;
    if (!abandoned && cut.expired && result.status === 'error') {
      // Our own deadline cut a call that had waited for its slot: the source ran out of time.
      const waited =
        slot.waitedMs >= 50
          ? ` (it first waited ${formatSeconds(slot.waitedMs)} behind other record views)`
          : '';
      result = {
        sourceId: source.id,
        status: 'timed-out',
        elapsedMs: elapsed(),
        message: `The source did not answer within ${formatSeconds(options.timeoutMs)}${waited}.`,
        warnings: result.warnings,
      };
    } else {
      result = { ...result, elapsedMs: Math.round(result.elapsedMs + slot.waitedMs) };
    }
    const verdict = verdictFor(result, abandoned);
    breaker.record(admission, verdict);
    stats.record({
      status: result.status,
      elapsedMs: result.elapsedMs,
      failure: verdict === 'failure',
    });
    return result;
  }

  return {
    source,
    fetchRecord: (request) => callSafely({ source, fetchRecord }, request),
    health: () => ({
      id: source.id,
      name: source.name,
      organisation: source.organisation,
      kind: source.kind,
      timeoutMs: options.timeoutMs,
      breaker: breaker.snapshot(),
      bulkhead: bulkhead.snapshot(),
      recent: stats.recent(),
      totals: stats.totals(),
    }),
  };
}
