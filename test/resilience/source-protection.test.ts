/**
 * Breakers, bulkheads, the sources' status page, /metrics and the streamed record, through the real
 * simulated sources and server. One system; the tests run in order and each sets the faults it needs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from '../../sim/servers/faults.ts';
import { outcomeCode, type ApiClient } from '../support/running-system.ts';
import {
  PATIENT,
  startResilientSystem,
  viewRecord,
  type ResilientSystem,
} from './resilient-system.ts';

const TIMEOUT_MS = 1500;
// Long enough that a loaded CI machine cannot let the breaker half-open between two views.
const COOL_DOWN_MS = 2500;

interface SourceStatusBody {
  sources: {
    id: string;
    breaker: { state: string; consecutiveFailures: number };
    bulkhead: { inFlight: number; queued: number; maxConcurrent: number; maxQueued: number };
    recent: { calls: number; p50Ms: number | null; p95Ms: number | null; errorRate: number | null };
  }[];
}

interface StreamEvent {
  readonly event: string;
  readonly id: string;
  readonly data: Record<string, unknown>;
  readonly at: number;
}

describe('protecting the record from a source in trouble', () => {
  let system: ResilientSystem;
  const hospitalFault = (fault: Fault): void => {
    system.sims.servers['hospital']?.faults.set(fault);
  };
  const hospitalRequests = (): number => system.sims.stats['hospital']?.total ?? 0;
  const status = async (client: ApiClient, id: string) => {
    const response = await client.get('/api/sources/status');
    assert.equal(response.status, 200, response.text);
    const source = (response.body as SourceStatusBody).sources.find((s) => s.id === id);
    assert.ok(source !== undefined);
    return source;
  };

  before(async () => {
    system = await startResilientSystem({
      source: { timeoutMs: TIMEOUT_MS, maxConcurrent: 50, maxQueued: 50 },
      perSource: {
        hospital: {
          breaker: { failureThreshold: 3, coolDownMs: COOL_DOWN_MS },
          maxConcurrent: 2,
          maxQueued: 1,
        },
      },
    });
  });
  after(async () => {
    await system.close();
  });

  test('after repeated failures the hospital is not asked, and is tried again once the cool-down has passed', async () => {
    hospitalFault({ kind: 'error-rate', rate: 1, status: 503 });
    for (let i = 0; i < 3; i++) {
      const view = await viewRecord(system.clinician);
      assert.equal(view.body.sources.find((s) => s.id === 'hospital')?.status, 'unavailable');
    }
    assert.equal((await status(system.clinician, 'hospital')).breaker.state, 'open');

    const asked = hospitalRequests();
    const view = await viewRecord(system.clinician);
    const hospital = view.body.sources.find((s) => s.id === 'hospital');
    assert.equal(hospital?.status, 'unavailable');
    assert.match(hospital?.message ?? '', /^Not asked: it failed repeatedly; retrying after \d/);
    assert.equal(hospitalRequests(), asked, 'an open breaker does not call the source');
    assert.ok((hospital?.elapsedMs ?? Infinity) < 50, 'and answers at once');
    assert.equal(view.body.sources.find((s) => s.id === 'gp-a81001')?.status, 'answered');

    const metrics = await fetch(new URL('/metrics', system.url));
    const text = await metrics.text();
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^mcr_source_breaker_state\{source="hospital"\} 2$/m);
    assert.match(text, /^mcr_source_breaker_state\{source="gp-a81001"\} 0$/m);
    assert.match(text, /^mcr_source_calls_total\{source="hospital",status="unavailable"\} 4$/m);
    assert.match(
      text,
      /^mcr_source_calls_not_asked_total\{source="hospital",reason="breaker-open"\} 1$/m,
    );
    assert.match(text, /^mcr_source_call_duration_seconds_count\{source="gp-a81001"\} 4$/m);
    assert.ok(!text.includes(PATIENT), 'no NHS number in the metrics');

    hospitalFault({ kind: 'none' });
    await sleep(COOL_DOWN_MS + 50);
    const recovered = await viewRecord(system.clinician);
    assert.equal(recovered.body.sources.find((s) => s.id === 'hospital')?.status, 'answered');
    const after = await status(system.clinician, 'hospital');
    assert.equal(after.breaker.state, 'closed');
    assert.equal(after.breaker.consecutiveFailures, 0);
  });

  test('the sources’ status shows latency and error rate to any signed-in role, and to nobody else', async () => {
    const admin = await system.signedIn('admin');
    const hospital = await status(admin, 'hospital');
    assert.ok(hospital.recent.calls >= 5);
    assert.ok(hospital.recent.errorRate !== null && hospital.recent.errorRate > 0.5);
    assert.ok(hospital.recent.p50Ms !== null && hospital.recent.p95Ms !== null);
    assert.ok(hospital.recent.p95Ms >= hospital.recent.p50Ms);
    assert.deepEqual(
      { max: hospital.bulkhead.maxConcurrent, queue: hospital.bulkhead.maxQueued },
      { max: 2, queue: 1 },
    );
    await status(await system.signedIn('privacy-officer'), 'hospital');
    const anonymous = await fetch(new URL('/api/sources/status', system.url));
    assert.equal(anonymous.status, 401);
  });

  test('a slow hospital saturated by many views turns the extra ones away as busy without slowing the other sources', async () => {
    // Each request to the hospital takes 600 ms (a view makes two rounds: patient, then searches),
    // so all six views reach it while the first two are still waiting, even on a loaded machine.
    hospitalFault({ kind: 'latency', ms: 600 });
    const views = await Promise.all(Array.from({ length: 6 }, () => viewRecord(system.clinician)));
    hospitalFault({ kind: 'none' });

    const hospitals = views.map((view) => view.body.sources.find((s) => s.id === 'hospital'));
    const busy = hospitals.filter((source) => source?.status === 'busy');
    assert.equal(busy.length, 3, JSON.stringify(hospitals.map((s) => s?.status)));
    for (const source of busy) {
      assert.match(
        source?.message ?? '',
        /^Not asked: it is already answering 2 record views with 1 more waiting/,
      );
    }
    assert.ok(hospitals.some((source) => source?.status === 'answered'));
    for (const view of views) {
      assert.equal(view.status, 200);
      assert.ok(view.ms < TIMEOUT_MS + 800, `a view took ${Math.round(view.ms)} ms`);
      for (const source of view.body.sources.filter((s) => s.id !== 'hospital')) {
        // Well under the hospital's 1200 ms: the other sources never wait for it.
        assert.ok(source.elapsedMs < 900, `${source.id} took ${source.elapsedMs} ms`);
      }
    }
  });

  test('the streamed record sends each source as it arrives, the slow hospital last, then the summary', async () => {
    hospitalFault({ kind: 'latency', ms: 400 });
    const response = await openStream(system.clinician);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const events = await readEvents(response);
    hospitalFault({ kind: 'none' });

    assert.deepEqual(
      events.map((e) => e.event),
      ['started', 'source', 'source', 'source', 'source', 'source', 'complete'],
    );
    const started = events[0]?.data as {
      sources: { id: string }[];
      patient: { nhsNumber: string };
    };
    assert.equal(started.patient.nhsNumber, PATIENT);
    assert.equal(started.sources.length, 5);
    const arrivals = events.filter((e) => e.event === 'source');
    const sourceOf = (e: StreamEvent) => e.data['source'] as { id: string; status: string };
    assert.equal(
      sourceOf(arrivals.at(-1) as StreamEvent).id,
      'hospital',
      'the slow source comes last',
    );
    const gp = arrivals.find((e) => sourceOf(e).id === 'gp-a81001');
    assert.ok(
      gp !== undefined && (arrivals.at(-1)?.at ?? 0) - gp.at > 300,
      'and well after the GP',
    );
    const gpSections = gp.data['sections'] as Record<string, { source: { sourceId: string } }[]>;
    assert.ok((gpSections['medications']?.length ?? 0) > 0, 'with the GP’s items in it');
    assert.ok(
      Object.values(gpSections)
        .flat()
        .every((item) => item.source.sourceId === 'gp-a81001'),
    );
    const complete = events.at(-1)?.data as { sources: { id: string; status: string }[] };
    assert.equal(complete.sources.find((s) => s.id === 'hospital')?.status, 'answered');

    // No audit entry, no data: each source's outcome is written before it is sent, the end before `complete`.
    const entries = await system.app.services.audit.list({
      nhsNumber: PATIENT,
      newestFirst: true,
      limit: 7,
    });
    const actions = entries.map((e) => e.entry.event.action).reverse();
    assert.deepEqual(actions, [
      'record-view-started',
      'record-view-source',
      'record-view-source',
      'record-view-source',
      'record-view-source',
      'record-view-source',
      'record-view-completed',
    ]);
  });

  test('a stream without permission is refused with the same OperationOutcome, before any event', async () => {
    const other = await system.signedIn('nurse');
    const response = await openStream(other);
    assert.equal(response.status, 403);
    assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    const body: unknown = await response.json();
    assert.equal(outcomeCode(body), 'PERMISSION_REQUIRED');
    const anonymous = await fetch(new URL(`/api/patients/${PATIENT}/record/stream`, system.url));
    assert.equal(anonymous.status, 401);
  });

  test('closing the stream stops the calls still waiting on a hanging source', async () => {
    hospitalFault({ kind: 'hang' });
    const started = performance.now();
    const controller = new AbortController();
    const response = await openStream(system.clinician, controller.signal);
    await readEvents(response, (events) => events.filter((e) => e.event === 'source').length === 4);
    assert.equal((await status(system.clinician, 'hospital')).bulkhead.inFlight, 1);
    controller.abort();
    let inFlight = 1;
    while (inFlight > 0 && performance.now() - started < 3000) {
      await sleep(10);
      inFlight = (await status(system.clinician, 'hospital')).bulkhead.inFlight;
    }
    const endedAfter = performance.now() - started;
    hospitalFault({ kind: 'none' });
    assert.equal(inFlight, 0);
    assert.ok(
      endedAfter < TIMEOUT_MS - 300,
      `the hanging call ended after ${Math.round(endedAfter)} ms, not at its deadline`,
    );

    let completed;
    for (let tries = 0; tries < 50 && completed === undefined; tries++) {
      const [latest] = await system.app.services.audit.list({
        nhsNumber: PATIENT,
        newestFirst: true,
        limit: 1,
      });
      if (latest?.entry.event.action === 'record-view-completed') completed = latest.entry.event;
      else await sleep(20);
    }
    assert.equal(completed?.outcome, 'failure', 'the abandoned view is audited as such');
  });
});

function openStream(client: ApiClient, signal?: AbortSignal): Promise<Response> {
  return fetch(new URL(`/api/patients/${PATIENT}/record/stream`, client.baseUrl), {
    headers: { accept: 'text/event-stream', cookie: client.cookie ?? '' },
    signal,
  });
}

/** Reads Server-Sent Events until the stream ends (or `enough` says so), timing each one. */
async function readEvents(
  response: Response,
  enough: (events: StreamEvent[]) => boolean = () => false,
): Promise<StreamEvent[]> {
  assert.ok(response.body !== null);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamEvent[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string): string =>
        block
          .split('\n')
          .filter((line) => line.startsWith(`${name}: `))
          .map((line) => line.slice(name.length + 2))
          .join('\n');
      events.push({
        event: field('event'),
        id: field('id'),
        data: JSON.parse(field('data')) as Record<string, unknown>,
        at: performance.now(),
      });
      if (enough(events)) {
        await reader.cancel();
        return events;
      }
    }
  }
}
