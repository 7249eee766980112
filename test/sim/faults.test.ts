/** @module Each simulated fault really behaves as set: slow, failing, broken, huge, hung or refused sources. */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startR4Server } from '../../sim/servers/r4-server.ts';
import type { RunningSimServer } from '../../sim/servers/sim-server.ts';
import { DEFAULT_OVERSIZED_BYTES, seededRandom, type Fault } from '../../sim/servers/faults.ts';
import { buildSimPopulation } from '../support/sim-population-builder.ts';

const PATH = '/metadata';

/** A raw GET that reports what arrived, how, and whether it ended cleanly; never throws. */
function rawGet(
  url: string,
  options: { timeoutMs?: number; keep?: boolean } = {},
): Promise<{
  response?: IncomingMessage;
  bytes: number;
  chunks: number;
  body: string;
  outcome: 'complete' | 'error' | 'timeout';
  error?: NodeJS.ErrnoException;
  elapsedMs: number;
  socketEndedByServer: boolean;
}> {
  const started = performance.now();
  return new Promise((resolve) => {
    let bytes = 0;
    let chunks = 0;
    const kept: Buffer[] = [];
    let response: IncomingMessage | undefined;
    const request = httpRequest(url, { agent: false });
    let socketEndedByServer = false;
    request.on('socket', (socket) => socket.on('end', () => (socketEndedByServer = true)));
    const finish = (
      outcome: 'complete' | 'error' | 'timeout',
      error?: NodeJS.ErrnoException,
    ): void => {
      resolve({
        ...(response ? { response } : {}),
        bytes,
        chunks,
        body: Buffer.concat(kept).toString('utf8'),
        outcome,
        ...(error ? { error } : {}),
        elapsedMs: performance.now() - started,
        socketEndedByServer,
      });
    };
    if (options.timeoutMs !== undefined) {
      request.setTimeout(options.timeoutMs, () => {
        finish('timeout');
        request.destroy();
      });
    }
    request.on('error', (error) => {
      finish('error', error);
    });
    request.on('response', (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        chunks += 1;
        if (options.keep !== false) kept.push(chunk);
      });
      res.on('end', () => {
        finish('complete');
      });
      res.on('aborted', () => {
        finish('error');
      });
      res.on('error', (error) => {
        finish('error', error);
      });
    });
    request.end();
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

void describe('simulated faults', () => {
  let source: RunningSimServer;
  let healthyBody = '';
  before(async () => {
    source = await startR4Server({ population: buildSimPopulation(), setting: 'hospital' });
    healthyBody = await (await fetch(`${source.url}${PATH}`)).text();
  });
  after(() => source.close());
  beforeEach(async () => {
    await fetch(`${source.url}/_control/reset`, { method: 'POST' });
  });

  async function setFault(fault: Fault): Promise<void> {
    const response = await fetch(`${source.url}/_control/faults`, {
      method: 'PUT',
      body: JSON.stringify(fault),
    });
    assert.equal(response.status, 200);
    await new Promise((resolve) => setImmediate(resolve));
  }

  void test('fixed latency delays every answer', async () => {
    await setFault({ kind: 'latency', ms: 250 });
    const result = await rawGet(`${source.url}${PATH}`);
    assert.equal(result.outcome, 'complete');
    assert.ok(result.elapsedMs >= 240, `answered after ${result.elapsedMs} ms`);
    assert.equal(result.body, healthyBody);
  });

  void test('random latency stays within its bounds and follows its seed', async () => {
    await setFault({ kind: 'random-latency', minMs: 60, maxMs: 120, seed: 7 });
    for (let i = 0; i < 3; i++) {
      const result = await rawGet(`${source.url}${PATH}`);
      assert.ok(result.elapsedMs >= 55, `answered after ${result.elapsedMs} ms`);
    }
    const a = seededRandom(7);
    const b = seededRandom(7);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  });

  void test('an error rate fails about that share of requests, the same ones for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      await setFault({ kind: 'error-rate', rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await fetch(`${source.url}${PATH}`)).status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((s) => s === 500).length;
    assert.ok(failures >= 8 && failures <= 22, `${failures} of 30 failed`);
    assert.deepEqual(await run(), first);
  });

  void test('an error rate of one with 503 fails every request with an OperationOutcome', async () => {
    await setFault({ kind: 'error-rate', rate: 1, status: 503 });
    const response = await fetch(`${source.url}${PATH}`);
    assert.equal(response.status, 503);
    assert.equal(
      ((await response.json()) as fhir4.OperationOutcome).resourceType,
      'OperationOutcome',
    );
  });

  void test('malformed JSON arrives complete, with the FHIR content type, and does not parse', async () => {
    await setFault({ kind: 'malformed-json' });
    const result = await rawGet(`${source.url}${PATH}`);
    assert.equal(result.outcome, 'complete');
    assert.equal(result.response?.statusCode, 200);
    assert.match(result.response.headers['content-type'] ?? '', /^application\/fhir\+json/);
    assert.equal(parses(result.body), false);
  });

  void test('a truncated body announces more bytes than it sends, then the connection drops', async () => {
    await setFault({ kind: 'truncated-body' });
    const result = await rawGet(`${source.url}${PATH}`);
    assert.equal(result.outcome, 'error');
    const announced = Number(result.response?.headers['content-length']);
    assert.equal(announced, Buffer.byteLength(healthyBody));
    assert.ok(result.bytes < announced, `${result.bytes} of ${announced} bytes`);
    assert.equal(parses(result.body), false);
  });

  void test('an oversized body really streams at least 50 MB in chunks, never held whole in memory', async () => {
    await setFault({ kind: 'oversized-body' });
    // A body built in memory would sit on the heap as one 50 MB string; streamed, the heap stays flat.
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeapGrowth = 0;
    const sampler = setInterval(() => {
      peakHeapGrowth = Math.max(peakHeapGrowth, process.memoryUsage().heapUsed - heapBefore);
    }, 5);
    const result = await rawGet(`${source.url}${PATH}`, { keep: false });
    clearInterval(sampler);
    assert.equal(result.outcome, 'complete');
    assert.ok(result.bytes >= DEFAULT_OVERSIZED_BYTES, `${result.bytes} bytes`);
    assert.equal(result.response?.headers['transfer-encoding'], 'chunked');
    assert.equal(result.response.headers['content-length'], undefined);
    assert.ok(result.chunks > 100, `${result.chunks} chunks`);
    assert.ok(peakHeapGrowth < DEFAULT_OVERSIZED_BYTES / 2, `heap grew by ${peakHeapGrowth} bytes`);
  });

  void test('an oversized body starts as valid FHIR JSON', async () => {
    await setFault({ kind: 'oversized-body', bytes: 200_000 });
    const result = await rawGet(`${source.url}${PATH}`);
    assert.ok(result.body.startsWith('{"resourceType":"Bundle"'));
    assert.ok(result.bytes >= 200_000);
    assert.equal(parses(result.body), true);
  });

  void test('a hung source never answers: the client gives up and the server still holds the socket', async () => {
    await setFault({ kind: 'hang' });
    const result = await rawGet(`${source.url}${PATH}`, { timeoutMs: 500 });
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.response, undefined);
    assert.equal(result.socketEndedByServer, false);
    assert.ok(result.elapsedMs >= 490);
    assert.equal(source.stats.total, 1);
  });

  void test('a hung source keeps the connection open while the client waits', async () => {
    await setFault({ kind: 'hang' });
    const pending = rawGet(`${source.url}${PATH}`, { timeoutMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(source.openConnections() >= 1);
    assert.equal((await pending).outcome, 'timeout');
  });

  void test('a dripping source sends the real answer a few bytes at a time', async () => {
    await setFault({ kind: 'drip', intervalMs: 10, bytes: 200 });
    const result = await rawGet(`${source.url}${PATH}`);
    const expectedTicks = Math.ceil(Buffer.byteLength(healthyBody) / 200);
    assert.equal(result.outcome, 'complete');
    assert.equal(result.body, healthyBody);
    assert.ok(result.chunks >= expectedTicks / 2, `${result.chunks} chunks`);
    assert.ok(result.elapsedMs >= (expectedTicks - 1) * 10 * 0.8, `took ${result.elapsedMs} ms`);
  });

  void test('a wrong content type arrives as an HTML page', async () => {
    await setFault({ kind: 'wrong-content-type' });
    const response = await fetch(`${source.url}${PATH}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /<html/);
  });

  void test('a refused connection is refused until the fault is cleared', async () => {
    await setFault({ kind: 'connection-refused' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await rawGet(`${source.url}${PATH}`);
    assert.equal(refused.outcome, 'error');
    assert.equal(refused.error?.code, 'ECONNREFUSED');
    source.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await fetch(`${source.url}${PATH}`)).status, 200);
  });

  void test('faults never touch the control endpoint, which is not counted as contact', async () => {
    await setFault({ kind: 'hang' });
    const current = (await (await fetch(`${source.url}/_control/faults`)).json()) as Fault;
    assert.deepEqual(current, { kind: 'hang' });
    const stats = (await (await fetch(`${source.url}/_control/stats`)).json()) as { total: number };
    assert.equal(stats.total, 0);
    assert.equal(source.stats.total, 0);
  });

  void test('an impossible fault is refused and the current one kept', async () => {
    const response = await fetch(`${source.url}/_control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ kind: 'error-rate', rate: 2 }),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await (await fetch(`${source.url}/_control/faults`)).json(), { kind: 'none' });
  });

  void test('a fault can be set when the source starts', async () => {
    const slow = await startR4Server({
      population: buildSimPopulation(),
      setting: 'community',
      fault: { kind: 'error-rate', rate: 1 },
    });
    try {
      assert.equal((await fetch(`${slow.url}${PATH}`)).status, 500);
      await fetch(`${slow.url}/_control/reset`, { method: 'POST' });
      assert.equal((await fetch(`${slow.url}${PATH}`)).status, 200);
    } finally {
      await slow.close();
    }
  });

  void test('a source started refusing connections never accepts one', async () => {
    const down = await startR4Server({
      population: buildSimPopulation(),
      setting: 'community',
      fault: { kind: 'connection-refused' },
    });
    try {
      const result = await rawGet(`${down.url}${PATH}`);
      assert.equal(result.error?.code, 'ECONNREFUSED');
      assert.equal(down.stats.total, 0);
    } finally {
      await down.close();
    }
  });
});
