/**
 * The fault matrix through the real simulated sources: with the hospital in each fault in turn and
 * every other source healthy, the clinician gets the rest of the record on time, is told plainly
 * what is missing, the audit records it, and the server keeps serving.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from '../../sim/servers/faults.ts';
import {
  PATIENT,
  startResilientSystem,
  viewRecord,
  type ResilientSystem,
  type SourceRecordBody,
} from './resilient-system.ts';

const TIMEOUT_MS = 1500;
/** Trace, consent, audit writes and assembly on top of the sources' deadline, on a busy CI box. */
const MARGIN_MS = 800;
const CAP_BYTES = 4 * 1024 * 1024;
const FAULTY = 'hospital';

interface FaultCase {
  readonly name: string;
  readonly fault: Fault;
  readonly status: string;
  readonly message: RegExp;
}

const MATRIX: readonly FaultCase[] = [
  {
    name: 'answers only after the deadline',
    fault: { kind: 'latency', ms: 4000 },
    status: 'timed-out',
    message: /did not answer within 1\.5 s/,
  },
  {
    name: 'hangs without ever answering',
    fault: { kind: 'hang' },
    status: 'timed-out',
    message: /did not answer within 1\.5 s/,
  },
  {
    name: 'fails with HTTP 500',
    fault: { kind: 'error-rate', rate: 1, status: 500 },
    status: 'unavailable',
    message: /not working just now \(HTTP 500\)/,
  },
  {
    name: 'fails with HTTP 503',
    fault: { kind: 'error-rate', rate: 1, status: 503 },
    status: 'unavailable',
    message: /not working just now \(HTTP 503\)/,
  },
  {
    name: 'sends JSON that does not parse',
    fault: { kind: 'malformed-json' },
    status: 'malformed',
    message: /could not be read: it is not valid JSON/,
  },
  {
    name: 'cuts its answer off half way',
    fault: { kind: 'truncated-body' },
    status: 'malformed',
    message: /cut off before it was complete/,
  },
  {
    name: 'sends a 50 MB answer',
    fault: { kind: 'oversized-body' },
    status: 'too-large',
    message: /larger than the 4 MB limit/,
  },
  {
    name: 'drips its answer a few bytes at a time',
    fault: { kind: 'drip', intervalMs: 25, bytes: 16 },
    status: 'timed-out',
    message: /did not answer within 1\.5 s/,
  },
  {
    name: 'sends a web page instead of FHIR',
    fault: { kind: 'wrong-content-type' },
    status: 'wrong-content-type',
    message: /with text\/html, which is not a kind of content it should send/,
  },
  {
    name: 'refuses connections',
    fault: { kind: 'connection-refused' },
    status: 'refused',
    message: /refused the connection/,
  },
];

describe('one source in trouble while the others are healthy', () => {
  let system: ResilientSystem;
  let healthy: SourceRecordBody;

  before(async () => {
    system = await startResilientSystem({
      source: { timeoutMs: TIMEOUT_MS, maxResponseBytes: CAP_BYTES },
    });
    const first = await viewRecord(system.clinician);
    assert.equal(first.status, 200, first.text);
    healthy = first.body;
    assert.equal(statusOf(healthy, FAULTY), 'answered');
    assert.ok(itemsFrom(healthy, FAULTY) > 0, 'the hospital holds items for this patient');
  });
  after(async () => {
    await system.close();
  });

  for (const fault of MATRIX) {
    test(`when the hospital ${fault.name}, the rest of the record arrives on time and says why the hospital is missing`, async () => {
      await setFault(system, fault.fault);
      const memory = fault.fault.kind === 'oversized-body' ? watchMemory() : undefined;
      const view = await viewRecord(system.clinician);
      const peakGrowth = memory?.stop();

      assert.equal(view.status, 200, view.text);
      assert.ok(
        view.ms < TIMEOUT_MS + MARGIN_MS,
        `the record took ${Math.round(view.ms)} ms (deadline ${TIMEOUT_MS} ms)`,
      );
      const hospital = view.body.sources.find((source) => source.id === FAULTY);
      assert.equal(hospital?.status, fault.status, hospital?.message);
      assert.match(hospital?.message ?? '', fault.message);
      assert.equal(itemsFrom(view.body, FAULTY), 0, 'nothing is shown from the faulty source');
      for (const source of healthy.sources.filter((s) => s.id !== FAULTY)) {
        const now = view.body.sources.find((s) => s.id === source.id);
        assert.equal(now?.status, source.status, `${source.id}: ${now?.message ?? 'missing'}`);
        assert.deepEqual(now?.counts, source.counts, `${source.id} holds all its items`);
      }

      const [completed] = await system.app.services.audit.list({
        action: 'record-view-completed',
        nhsNumber: PATIENT,
        newestFirst: true,
        limit: 1,
      });
      const event = completed?.entry.event;
      assert.ok(event?.action === 'record-view-completed');
      assert.equal(event.sources.find((source) => source.id === FAULTY)?.status, fault.status);

      if (peakGrowth !== undefined) {
        assert.ok(
          peakGrowth < 30 * 1024 * 1024,
          `memory grew by ${Math.round(peakGrowth / 1024 / 1024)} MB while a 50 MB answer arrived`,
        );
      }

      await setFault(system, { kind: 'none' });
      const again = await viewRecord(system.clinician);
      assert.equal(again.status, 200, 'the server keeps serving');
      assert.equal(
        statusOf(again.body, FAULTY),
        'answered',
        'the hospital is read again once well',
      );
    });
  }
});

function statusOf(body: SourceRecordBody, id: string): string | undefined {
  return body.sources.find((source) => source.id === id)?.status;
}

function itemsFrom(body: SourceRecordBody, id: string): number {
  return Object.values(body.sections)
    .flat()
    .filter((item) => item.source.sourceId === id).length;
}

/** Sets the hospital's fault and, for a refused connection, waits until the port really refuses (and back). */
async function setFault(system: ResilientSystem, fault: Fault): Promise<void> {
  const server = system.sims.servers[FAULTY];
  assert.ok(server !== undefined);
  server.faults.set(fault);
  const refusing = fault.kind === 'connection-refused';
  for (let tries = 0; tries < 100; tries++) {
    if ((await accepts(server.port)) !== refusing) return;
    await sleep(10);
  }
  assert.fail(`the hospital's port did not ${refusing ? 'close' : 'reopen'}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Samples heap and buffer memory until stopped; returns the peak growth in bytes. */
function watchMemory(): { stop(): number } {
  const used = (): number => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const baseline = used();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, used());
      return peak - baseline;
    },
  };
}
