import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type ApiResponse,
  type RunningSystem,
} from '../support/running-system.ts';

let system: RunningSystem;
let gp: ApiClient;
const nhsNumber = '9990000107';

before(async () => {
  system = await startSystem({ sims: { size: 5 } });
  const account = await system.createUser('gp');
  gp = system.client();
  assert.equal((await gp.signIn(account.username, account.password)).status, 200);
});
after(async () => {
  await system.close();
});

function outcomeField(body: unknown): string | undefined {
  return (body as { issue?: { expression?: string[] }[] }).issue?.[0]?.expression?.[0];
}

function outcomeText(body: unknown): string {
  return (body as { issue?: { details?: { text?: string } }[] }).issue?.[0]?.details?.text ?? '';
}

function assertAppHeaders(response: ApiResponse, what: string): void {
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, what);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(response.headers.get('cache-control'), 'no-store', what);
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, what);
  assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/, what);
}

void describe('unknown fields and parameters are refused, naming them', () => {
  void test('a sign-in with an extra field is refused and names the field', async () => {
    const response = await system
      .client()
      .post('/api/session', { username: 'anyone', password: 'whatever it is', remember: true });
    assert.equal(response.status, 400);
    assert.equal(outcomeCode(response.body), 'INVALID_REQUEST');
    assert.equal(outcomeField(response.body), 'remember');
    assert.match(outcomeText(response.body), /remember/);
  });

  void test('a permission with a misspelt field is refused, and no permission is recorded', async () => {
    const response = await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      durationHour: 2,
    });
    assert.equal(response.status, 400);
    assert.equal(outcomeField(response.body), 'durationHour');
    const listed = await gp.get(`/api/patients/${nhsNumber}/permissions`);
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body as { permissions: unknown[] }).permissions, []);
  });

  void test('an unknown query parameter is refused, on routes with a query schema and without', async () => {
    const search = await gp.get(`/api/patients?nhsNumber=${nhsNumber}&surname=Smith`);
    assert.equal(search.status, 400);
    assert.equal(outcomeField(search.body), 'surname');
    assert.match(outcomeText(search.body), /query parameter "surname"/);

    const session = await gp.get('/api/session?debug=1');
    assert.equal(session.status, 400);
    assert.equal(outcomeField(session.body), 'debug');

    assert.equal((await gp.get('/api/session')).status, 200);
  });

  void test('a body sent to a route that takes none is refused, naming its field', async () => {
    const response = await gp.request('DELETE', '/api/session', { everywhere: true });
    assert.equal(response.status, 400);
    assert.equal(outcomeField(response.body), 'everywhere');
    // The session was not ended by the refused request.
    assert.equal((await gp.get('/api/session')).status, 200);
  });
});

void describe('every error leaves through the app, with its headers', () => {
  void test('a path parameter over 100 characters is an OperationOutcome, not a raw Fastify error', async () => {
    const response = await gp.get(`/api/patients/${'9'.repeat(101)}/record`);
    assert.equal(response.status, 400);
    assert.equal(outcomeCode(response.body), 'INVALID_REQUEST');
    assert.match(outcomeText(response.body), /100 characters/);
    assert.doesNotMatch(response.text, /FST_ERR/);
    assertAppHeaders(response, 'long parameter');
  });

  void test('a 2 MB body answers 413 saying the limit', async () => {
    const response = await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      givenBy: 'x'.repeat(2 * 1024 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal(outcomeCode(response.body), 'PAYLOAD_TOO_LARGE');
    assert.match(outcomeText(response.body), /64 KB/);
    assertAppHeaders(response, '413');
  });

  void test('unreadable JSON, a wrong content type and an unknown route each answer an OperationOutcome', async () => {
    const badJson = await fetch(new URL('/api/session', system.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    const badJsonResponse = await asResponse(badJson);
    assert.equal(badJsonResponse.status, 400);
    assert.match(outcomeText(badJsonResponse.body), /not valid JSON/);
    assertAppHeaders(badJsonResponse, 'bad JSON');

    const xml = await asResponse(
      await fetch(new URL('/api/session', system.url), {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<x/>',
      }),
    );
    assert.equal(xml.status, 400);
    assert.equal(outcomeCode(xml.body), 'INVALID_REQUEST');
    assertAppHeaders(xml, 'unsupported media type');

    const missing = await system.client().get('/api/no-such-thing');
    assert.equal(missing.status, 404);
    assert.equal(outcomeCode(missing.body), 'NOT_FOUND');
    assertAppHeaders(missing, '404');
  });

  void test('headers too large for the HTTP parser still get an OperationOutcome with the security headers', async () => {
    const raw = await rawRequest(
      `GET /api/session HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 431 /);
    assert.match(raw, /\r\nContent-Security-Policy: default-src 'none'/);
    assert.match(raw, /\r\nCache-Control: no-store/);
    assert.match(raw, /"HEADERS_TOO_LARGE"/);
  });
});

async function asResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

function rawRequest(request: string): Promise<string> {
  const { hostname, port } = new URL(system.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
