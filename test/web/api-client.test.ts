/** @module Tests the browser API client against a real HTTP server on loopback. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createApiClient,
  toApiError,
  type ApiError,
  type ApiResult,
} from '../../src/web/api-client.ts';

function errorOf(result: ApiResult<unknown>): ApiError {
  if (result.ok) assert.fail('expected the call to fail');
  return result.error;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const outcome = (code: string, text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'forbidden',
      details: { coding: [{ system: 'https://example.org/codes', code }], text },
    },
  ],
});

const PATIENT = {
  nhsNumber: '9990000018',
  nhsNumberFormatted: '999 000 0018',
  name: { given: ['Jane'], family: 'Smith' },
  restricted: false,
};

const PERMISSION = {
  id: 'p1',
  nhsNumber: '9990000018',
  basis: 'consent',
  method: 'verbal',
  givenBy: 'patient',
  scope: 'user',
  createdAt: '2026-01-01T09:00:00.000Z',
  expiresAt: '2026-01-02T09:00:00.000Z',
  recordedBy: { userId: 'u1' },
  live: true,
};

void describe('the API client', () => {
  const seen: Seen[] = [];
  let server: Server;
  let baseUrl = '';

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/api/session' && req.method === 'POST') {
          const { password } = JSON.parse(body) as { password: string };
          if (password !== 'right') {
            json(401, outcome('BAD_CREDENTIALS', 'Wrong username or password.'));
            return;
          }
          json(200, {
            user: {
              id: 'u1',
              username: 'a',
              displayName: 'A',
              role: 'gp',
              roleName: 'GP',
              organisation: 'RX1',
              actions: ['view-record'],
            },
            csrfToken: 'token-1',
          });
          return;
        }
        if (req.url === '/api/session' && req.method === 'DELETE') {
          res.writeHead(204);
          res.end();
          return;
        }
        if (req.url === '/api/patients?nhsNumber=9990000026') {
          // Not the contract's shape: no name, no formatted number.
          json(200, { patients: [{ nhsNumber: '9990000026' }] });
          return;
        }
        if (req.url?.startsWith('/api/patients?')) {
          json(200, { patients: [PATIENT] });
          return;
        }
        if (req.url === '/api/patients/9990000018/record') {
          json(403, outcome('PERMISSION_REQUIRED', 'Record the patient’s permission first.'));
          return;
        }
        if (req.url === '/api/patients/9990000018/record/stream') {
          json(403, outcome('PERMISSION_REQUIRED', 'Record the patient’s permission first.'));
          return;
        }
        if (req.url === '/api/patients/9990000107/record/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
          // Split mid-line and mid-character, as the network may.
          const text =
            'id: 1\r\nevent: started\r\ndata: {"n":"Zoë"}\r\n\r\n' +
            ': keep-alive\n\nid: 2\nevent: source\ndata: {"a":1}\n\n' +
            'id: 3\nevent: complete\ndata: {}\n\n';
          const bytes = Buffer.from(text, 'utf8');
          const cut = bytes.indexOf(Buffer.from('ë')) + 1;
          res.write(bytes.subarray(0, cut));
          setTimeout(() => res.end(bytes.subarray(cut)), 20);
          return;
        }
        if (req.url === '/api/patients/9990000115/record/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(
            'event: started\ndata: {}\n\nevent: error\ndata: {"resourceType":"OperationOutcome"}\n\n',
          );
          return;
        }
        if (req.url === '/api/patients/9990000123/record/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('event: started\ndata: {}\n\nevent: source\ndata: {}\n\n');
          return;
        }
        if (req.url?.startsWith('/api/audit?')) {
          json(200, { entries: [] });
          return;
        }
        if (req.url === '/api/patients/9990000018/permissions' && req.method === 'POST') {
          json(201, { permission: PERMISSION });
          return;
        }
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>oops</h1>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  void test('a failed sign-in gives the server’s own words', async () => {
    const api = createApiClient({ baseUrl });
    const error = errorOf(await api.signIn('a', 'wrong'));
    assert.equal(error.status, 401);
    assert.equal(error.message, 'Wrong username or password.');
  });

  void test('after sign-in every state-changing request carries the CSRF token, and reads do not need it', async () => {
    const api = createApiClient({ baseUrl });
    assert.equal((await api.signIn('a', 'right')).ok, true);
    seen.length = 0;
    const permission = await api.recordPermission('9990000018', {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      durationHours: 24,
    });
    assert.deepEqual(permission, { ok: true, value: PERMISSION });
    await api.findByNhsNumber('9990000018');
    await api.signOut();
    const [post, get, del] = seen;
    assert.equal(post?.headers['x-csrf-token'], 'token-1');
    assert.deepEqual(JSON.parse(post.body), {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      durationHours: 24,
    });
    assert.equal(get?.headers['x-csrf-token'], undefined);
    assert.equal(del?.method, 'DELETE');
    assert.equal(del.headers['x-csrf-token'], 'token-1');
  });

  void test('after sign-out the token is forgotten', async () => {
    const api = createApiClient({ baseUrl });
    await api.signIn('a', 'right');
    await api.signOut();
    seen.length = 0;
    await api.recordPermission('9990000018', {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(seen[0]?.headers['x-csrf-token'], undefined);
  });

  void test('a demographic search leaves empty fields out of the query', async () => {
    const api = createApiClient({ baseUrl });
    seen.length = 0;
    const result = await api.findByDemographics({
      family: ' Smith ',
      given: '',
      birthdate: '1980-03-12',
      gender: '',
      postcode: '',
    });
    assert.equal(result.ok, true);
    assert.equal(seen[0]?.url, '/api/patients?family=Smith&birthdate=1980-03-12');
  });

  void test('an answer not of the contract’s shape is not shown half-read: the clinician is told', async () => {
    const api = createApiClient({ baseUrl });
    const found = await api.findByNhsNumber('9990000018');
    assert.deepEqual(found, { ok: true, value: [PATIENT] });
    const error = errorOf(await api.findByNhsNumber('9990000026'));
    assert.equal(error.code, 'UNREADABLE_ANSWER');
    assert.match(error.message, /could not be read/);
  });

  void test('a record needing permission answers the PERMISSION_REQUIRED code for the UI to open the dialog', async () => {
    const api = createApiClient({ baseUrl });
    const error = errorOf(await api.getRecord('9990000018'));
    assert.equal(error.status, 403);
    assert.equal(error.code, 'PERMISSION_REQUIRED');
  });

  void test('an error without an OperationOutcome still gives words, and an unreachable server does not throw', async () => {
    const api = createApiClient({ baseUrl });
    assert.match(errorOf(await api.listPermissions('9990000018')).message, /HTTP 500/);
    const gone = createApiClient({ baseUrl: 'http://127.0.0.1:1' });
    assert.equal(errorOf(await gone.getSession()).status, 0);
  });

  void test('an OperationOutcome without details text falls back to diagnostics, then to a generic message', () => {
    assert.equal(
      toApiError(400, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Bad NHS number' }],
      }).message,
      'Bad NHS number',
    );
    assert.equal(
      toApiError(429, { resourceType: 'OperationOutcome', issue: [] }).message,
      'Too many attempts. Wait a few minutes and try again.',
    );
  });

  /** Collects what a record stream tells its listener, until it ends one way or another. */
  function stream(nhsNumber: string): Promise<string[]> {
    const api = createApiClient({ baseUrl });
    const seen: string[] = [];
    return new Promise((resolve) => {
      api.streamRecord?.(nhsNumber, {
        started: (data) => seen.push(`started ${data}`),
        source: (data) => seen.push(`source ${data}`),
        complete: (data) => {
          seen.push(`complete ${data}`);
          resolve(seen);
        },
        refused: (error) => {
          seen.push(`refused ${error.status} ${error.code ?? ''} ${error.message}`);
          resolve(seen);
        },
        failed: (data) => {
          seen.push(`failed ${data ?? '(no data)'}`);
          resolve(seen);
        },
      });
    });
  }

  void test('the record stream passes each event on in order, however the bytes are split', async () => {
    assert.deepEqual(await stream('9990000107'), [
      'started {"n":"Zoë"}',
      'source {"a":1}',
      'complete {}',
    ]);
  });

  void test('a refused record view is read from the stream’s own answer: one request, the server’s words', async () => {
    seen.length = 0;
    assert.deepEqual(await stream('9990000018'), [
      'refused 403 PERMISSION_REQUIRED Record the patient’s permission first.',
    ]);
    assert.deepEqual(
      seen.map((request) => request.url),
      ['/api/patients/9990000018/record/stream'],
      'no second request to the plain record endpoint',
    );
  });

  void test('a stream that stops part-way says so, with the error event’s body when there is one', async () => {
    assert.deepEqual(await stream('9990000115'), [
      'started {}',
      'failed {"resourceType":"OperationOutcome"}',
    ]);
    assert.deepEqual(await stream('9990000123'), ['started {}', 'source {}', 'failed (no data)']);
  });

  void test('an unreachable server refuses the stream with status 0', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:1' });
    const status = await new Promise<number>((resolve) => {
      api.streamRecord?.('9990000107', {
        started: () => undefined,
        source: () => undefined,
        complete: () => undefined,
        refused: (error) => {
          resolve(error.status);
        },
        failed: () => {
          resolve(-1);
        },
      });
    });
    assert.equal(status, 0);
  });

  void test('an audit search leaves empty filters out of the query', async () => {
    const api = createApiClient({ baseUrl });
    seen.length = 0;
    await api.searchAudit({
      nhsNumber: ' 943 476 5919 ',
      userId: '',
      action: 'record-view-started',
      beforeSeq: 40,
      limit: 25,
    });
    assert.equal(
      seen[0]?.url,
      '/api/audit?nhsNumber=943+476+5919&action=record-view-started&limit=25&beforeSeq=40',
    );
  });
});
