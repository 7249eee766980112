import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { fetchSource, createByteBudget } from '../../src/http/fetch-source.ts';
import type { SourceHttpRequest } from '../../src/http/http-outcome.ts';
import { startLoopback, closedPortUrl, sendJson, type Loopback } from '../sources/loopback.ts';

const FHIR_JSON = ['application/fhir+json', 'application/json'];

function get(url: string, extra: Partial<SourceHttpRequest> = {}): SourceHttpRequest {
  return {
    method: 'GET',
    url,
    headers: {},
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    acceptContentTypes: FHIR_JSON,
    ...extra,
  };
}

const servers: Loopback[] = [];
async function serve(handler: Parameters<typeof startLoopback>[0]): Promise<Loopback> {
  const server = await startLoopback(handler);
  servers.push(server);
  return server;
}
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Writes `total` bytes of a JSON array in 64 KB chunks, honouring back-pressure; resolves with what was written. */
function streamHuge(res: ServerResponse, total: number): Promise<number> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(written);
    });
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    const pump = (): void => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
}

void describe('fetchSource: the guarded call to a source', () => {
  void test('a JSON answer is parsed, with its status, lower-cased headers and byte count', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('X-Request-Trace', 'abc');
      sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] });
    });
    const outcome = await fetchSource(
      get(`${server.url}/Patient/1`, { headers: { Authorization: 'Bearer t' } }),
    );
    assert.equal(outcome.kind, 'response');
    assert.equal(outcome.status, 404);
    assert.deepEqual(outcome.json, { resourceType: 'OperationOutcome', issue: [] });
    assert.equal(outcome.headers['x-request-trace'], 'abc');
    assert.equal(outcome.bytes, JSON.stringify(outcome.json).length);
    assert.ok(outcome.elapsedMs >= 0);
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer t');
    assert.match(server.requests[0].headers['accept'] ?? '', /application\/fhir\+json/);
  });

  void test('a source that accepts the connection and never answers is given up on at the deadline', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const started = performance.now();
    const outcome = await fetchSource(get(`${server.url}/hang`, { timeoutMs: 300 }));
    const took = performance.now() - started;
    assert.equal(outcome.kind, 'timed-out');
    assert.match(outcome.message, /did not answer within 0\.3 s/);
    assert.ok(took >= 280 && took < 800, `took ${took} ms`);
  });

  void test('a source that sends its body a drip at a time is given up on at the deadline, not after the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.write('{"resourceType":"Bundle","entry":[');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => {
        clearInterval(timer);
      });
    });
    const started = performance.now();
    const outcome = await fetchSource(get(`${server.url}/drip`, { timeoutMs: 400 }));
    const took = performance.now() - started;
    assert.equal(outcome.kind, 'timed-out');
    assert.equal(outcome.status, 200);
    assert.ok(took >= 380 && took < 900, `took ${took} ms`);
  });

  void test('a 50 MB answer is cut off as soon as it passes the cap, without being held in memory', async () => {
    let written: Promise<number> = Promise.resolve(0);
    const server = await serve((_req, res) => {
      written = streamHuge(res, 50 * 1024 * 1024);
    });
    globalThis.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const outcome = await fetchSource(
      get(`${server.url}/huge`, { maxResponseBytes: 1024 * 1024, timeoutMs: 10_000 }),
    );
    const took = performance.now() - started;
    const afterUse = process.memoryUsage();
    assert.equal(outcome.kind, 'too-large');
    assert.match(outcome.message, /larger than the 1 MB limit/);
    assert.ok(took < 2000, `took ${took} ms`);
    const sent = await written;
    assert.ok(sent < 10 * 1024 * 1024, `the server got to send ${sent} bytes`);
    const grew =
      afterUse.heapUsed + afterUse.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    assert.ok(grew < 20 * 1024 * 1024, `memory grew by ${grew} bytes`);
  });

  void test('an answer that declares itself too large is refused before any of it is read', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/fhir+json',
        'content-length': String(50 * 1024 * 1024),
      });
      res.write('{');
      // and then nothing: reading on would hang until the deadline
    });
    const started = performance.now();
    const outcome = await fetchSource(get(`${server.url}/declared`, { timeoutMs: 3000 }));
    assert.equal(outcome.kind, 'too-large');
    assert.ok(performance.now() - started < 1000);
  });

  void test('an answer cut off part-way is reported as malformed, not as data', async () => {
    const server = await serve((req, res) => {
      const body = '{"resourceType":"Bundle","type":"searchset","entry":[]}';
      res.writeHead(200, {
        'content-type': 'application/fhir+json',
        'content-length': String(body.length + 100),
      });
      res.write(body.slice(0, 20), () => {
        req.socket.destroy();
      });
    });
    const outcome = await fetchSource(get(`${server.url}/truncated`));
    assert.equal(outcome.kind, 'malformed');
    assert.match(outcome.message, /cut off/);
  });

  void test('an answer that is not valid JSON is reported as malformed', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"resourceType":"Bundle",');
    });
    const outcome = await fetchSource(get(`${server.url}/bad-json`));
    assert.equal(outcome.kind, 'malformed');
    assert.equal(outcome.status, 200);
  });

  void test('an HTML page where JSON was expected is reported as the wrong kind of content, without reading it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'Text/HTML; charset=utf-8' });
      res.write('<html><body>Bad gateway');
      // never ends: the outcome must not wait for the body
    });
    const started = performance.now();
    const outcome = await fetchSource(get(`${server.url}/html`, { timeoutMs: 3000 }));
    assert.equal(outcome.kind, 'wrong-content-type');
    assert.equal(outcome.status, 502);
    assert.match(outcome.message, /text\/html/);
    assert.ok(performance.now() - started < 1000);
  });

  void test('the media type is compared without its parameters and case-insensitively', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'Application/FHIR+JSON;charset=UTF-8;fhirVersion=4.0' });
      res.end('{"ok":true}');
    });
    const outcome = await fetchSource(get(`${server.url}/params`));
    assert.equal(outcome.kind, 'response');
  });

  void test('a port with nothing listening is reported as refused', async () => {
    const outcome = await fetchSource(get(`${await closedPortUrl()}/Patient`));
    assert.equal(outcome.kind, 'refused');
  });

  void test('a connection dropped before any answer is a network error', async () => {
    const server = await serve((req) => {
      req.socket.destroy();
    });
    const outcome = await fetchSource(get(`${server.url}/reset`));
    assert.equal(outcome.kind, 'network-error');
  });

  void test('the caller abandoning the view stops the call at once', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const started = performance.now();
    const outcome = await fetchSource(
      get(`${server.url}/hang`, { timeoutMs: 5000, signal: controller.signal }),
    );
    assert.equal(outcome.kind, 'aborted');
    assert.ok(performance.now() - started < 1000);
  });

  void test('calls sharing a byte budget cannot together exceed it', async () => {
    const server = await serve((_req, res) => {
      sendJson(res, 200, { padding: 'x'.repeat(600 * 1024) });
    });
    const budget = createByteBudget(1024 * 1024);
    const outcomes = await Promise.all([
      fetchSource(get(`${server.url}/a`, { byteBudget: budget })),
      fetchSource(get(`${server.url}/b`, { byteBudget: budget })),
    ]);
    assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['response', 'too-large']);
    assert.ok(budget.used <= budget.limit);
  });

  void test('a fresh connection is opened when asked, instead of a pooled one', async () => {
    const server = await serve((_req, res) => {
      sendJson(res, 200, { ok: true });
    });
    await fetchSource(get(`${server.url}/one`));
    await fetchSource(get(`${server.url}/two`));
    await fetchSource(get(`${server.url}/three`, { freshConnection: true }));
    const [one, two, three] = server.clientPorts;
    assert.equal(two, one, 'keep-alive reuses the connection');
    assert.notEqual(three, one);
  });

  void test('a POST sends its JSON body', async () => {
    let received = '';
    const server = await serve((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        sendJson(res, 200, { ok: true });
      });
    });
    const outcome = await fetchSource({
      ...get(`${server.url}/op`),
      method: 'POST',
      body: '{"a":1}',
    });
    assert.equal(outcome.kind, 'response');
    assert.equal(received, '{"a":1}');
    assert.equal(server.requests[0]?.headers['content-type'], 'application/json');
  });

  void test('an HTTPS source is trusted through its configured CA alone, and is shown the client certificate', async () => {
    // One self-signed certificate for 127.0.0.1, made by openssl: the server's, the CA the client
    // trusts, and the client's own certificate the server asks for.
    const dir = mkdtempSync(join(tmpdir(), 'mcr-fetch-tls-'));
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    const clientCertificates: string[] = [];
    const server = createHttpsServer(
      { key, cert, ca: cert, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket;
        if (socket instanceof TLSSocket && socket.authorized)
          clientCertificates.push(String(socket.getPeerCertificate().subject.CN));
        sendJson(res, 200, { ok: true });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/Patient`;
      const trusted = await fetchSource(get(url, { tls: { ca: cert, cert, key } }));
      assert.equal(trusted.kind, 'response');
      assert.deepEqual(clientCertificates, ['127.0.0.1']);

      const untrusted = await fetchSource(get(url));
      assert.equal(untrusted.kind, 'network-error');
      assert.match(untrusted.message, /security certificate could not be checked/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
