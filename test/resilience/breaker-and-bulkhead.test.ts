/** The circuit breaker and the bulkhead on their own, with a clock the test moves. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import type { Connector, SourceResult, SourceStatus } from '../../src/sources/source-result.ts';
import { createBulkhead } from '../../src/sources/resilience/bulkhead.ts';
import { createCircuitBreaker } from '../../src/sources/resilience/circuit-breaker.ts';
import { withResilience } from '../../src/sources/resilience/with-resilience.ts';
import { renderMetrics } from '../../src/server/metrics.ts';

function manualClock() {
  let now = 1000;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const SOURCE = {
  id: 'hospital',
  name: 'Test Hospital',
  organisation: 'RX1',
  kind: 'fhir-r4',
  url: 'http://127.0.0.1:1',
  timeoutMs: 1000,
  maxResponseBytes: 1024 * 1024,
  setting: 'hospital',
  pageSize: 100,
  maxPages: 20,
} satisfies SourceConfig;

/** A connector that answers whatever the test says next. */
function scriptedConnector(): Connector & {
  next: SourceStatus;
  httpStatus?: number;
  calls: number;
} {
  const connector = {
    source: SOURCE,
    next: 'answered' as SourceStatus,
    httpStatus: undefined as number | undefined,
    calls: 0,
    fetchRecord: async (): Promise<SourceResult> => {
      connector.calls += 1;
      return {
        sourceId: SOURCE.id,
        status: connector.next,
        elapsedMs: 5,
        warnings: [],
        ...(connector.httpStatus === undefined ? {} : { httpStatus: connector.httpStatus }),
      };
    },
  };
  return connector;
}

const OPTIONS = {
  timeoutMs: 1000,
  failureThreshold: 3,
  coolDownMs: 10_000,
  maxConcurrent: 4,
  maxQueued: 4,
  windowMs: 60_000,
};

const request = {
  patient: { nhsNumber: '9990000247' },
  user: { id: 'u', username: 'u', displayName: 'U', role: 'gp', organisation: 'A81001' },
  requestId: 'r-1',
};

describe('the circuit breaker', () => {
  test('opens after three timeouts in a row, refuses calls in plain words, and lets one trial call through after the cool-down', async () => {
    const clock = manualClock();
    const inner = scriptedConnector();
    const source = withResilience(inner, OPTIONS, clock);
    inner.next = 'timed-out';
    for (let i = 0; i < 3; i++) await source.fetchRecord(request);
    assert.equal(source.health().breaker.state, 'open');

    const refused = await source.fetchRecord(request);
    assert.equal(refused.status, 'unavailable');
    assert.equal(refused.message, 'Not asked: it failed repeatedly; retrying after 10 s.');
    assert.equal(inner.calls, 3);

    clock.advance(10_000);
    assert.equal(source.health().breaker.state, 'half-open');
    inner.next = 'answered';
    assert.equal((await source.fetchRecord(request)).status, 'answered');
    assert.equal(source.health().breaker.state, 'closed');
  });

  test('a failed trial call opens it again for another cool-down', async () => {
    const clock = manualClock();
    const inner = scriptedConnector();
    const source = withResilience(inner, OPTIONS, clock);
    inner.next = 'refused';
    for (let i = 0; i < 3; i++) await source.fetchRecord(request);
    clock.advance(10_000);
    await source.fetchRecord(request);
    assert.equal(inner.calls, 4);
    assert.equal(source.health().breaker.state, 'open');
    await source.fetchRecord(request);
    assert.equal(inner.calls, 4, 'not asked again until the next cool-down');
  });

  test('a source that says no (patient not found, dissent, access denied) is working, and never opens it', async () => {
    const inner = scriptedConnector();
    const source = withResilience(inner, OPTIONS, manualClock());
    for (const status of ['patient-not-found', 'dissent', 'access-denied'] as const) {
      inner.next = status;
      for (let i = 0; i < 3; i++) await source.fetchRecord(request);
    }
    assert.equal(source.health().breaker.state, 'closed');
    assert.equal(inner.calls, 9);
  });

  test('a 5xx error counts as a failure; a 4xx error does not', async () => {
    const inner = scriptedConnector();
    const source = withResilience(inner, OPTIONS, manualClock());
    inner.next = 'error';
    inner.httpStatus = 400;
    for (let i = 0; i < 3; i++) await source.fetchRecord(request);
    assert.equal(source.health().breaker.state, 'closed');
    inner.httpStatus = 502;
    for (let i = 0; i < 3; i++) await source.fetchRecord(request);
    assert.equal(source.health().breaker.state, 'open');
  });

  test('only one trial call at a time while half-open', () => {
    const clock = manualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, coolDownMs: 100 }, clock);
    breaker.record({ probe: false }, 'failure');
    clock.advance(100);
    const trial = breaker.admit();
    assert.deepEqual(trial, { admitted: true, probe: true });
    assert.deepEqual(breaker.admit(), { admitted: false, retryInMs: 0 });
    breaker.record({ probe: true }, 'neutral');
    assert.deepEqual(breaker.admit(), { admitted: true, probe: true });
  });
});

describe('the bulkhead', () => {
  test('runs at most N at once, queues M, and turns the next away at once', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 2, maxQueued: 1 });
    const signal = new AbortController().signal;
    const first = await bulkhead.acquire(signal);
    const second = await bulkhead.acquire(signal);
    const third = bulkhead.acquire(signal);
    assert.equal((await bulkhead.acquire(signal)).kind, 'full');
    assert.deepEqual(bulkhead.snapshot(), {
      inFlight: 2,
      queued: 1,
      maxConcurrent: 2,
      maxQueued: 1,
    });
    assert.ok(first.kind === 'acquired' && second.kind === 'acquired');
    first.release();
    assert.equal((await third).kind, 'acquired');
    assert.deepEqual(bulkhead.snapshot(), {
      inFlight: 2,
      queued: 0,
      maxConcurrent: 2,
      maxQueued: 1,
    });
  });

  test('a call abandoned while waiting leaves the queue', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const held = await bulkhead.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = bulkhead.acquire(controller.signal);
    controller.abort();
    assert.equal((await waiting).kind, 'cancelled');
    assert.equal(bulkhead.snapshot().queued, 0);
    assert.ok(held.kind === 'acquired');
    held.release();
    assert.equal(bulkhead.snapshot().inFlight, 0);
  });
});

describe('the metrics text', () => {
  test('holds a latency histogram, outcomes and breaker state per source, and nothing about patients', async () => {
    const inner = scriptedConnector();
    const source = withResilience(inner, OPTIONS, manualClock());
    await source.fetchRecord(request);
    inner.next = 'timed-out';
    await source.fetchRecord(request);
    const text = renderMetrics([source.health()]);
    assert.match(text, /^# TYPE mcr_source_call_duration_seconds histogram$/m);
    assert.match(
      text,
      /^mcr_source_call_duration_seconds_bucket\{source="hospital",le="0\.05"\} 2$/m,
    );
    assert.match(
      text,
      /^mcr_source_call_duration_seconds_bucket\{source="hospital",le="\+Inf"\} 2$/m,
    );
    assert.match(text, /^mcr_source_calls_total\{source="hospital",status="answered"\} 1$/m);
    assert.match(text, /^mcr_source_calls_total\{source="hospital",status="timed-out"\} 1$/m);
    assert.match(text, /^mcr_source_breaker_state\{source="hospital"\} 0$/m);
    assert.ok(!text.includes(request.patient.nhsNumber));
  });
});
