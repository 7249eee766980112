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
              role: 'Clinician',
              organisation: 'RX1',
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
        if (req.url?.startsWith('/api/patients?')) {
          json(200, { patients: [{ nhsNumber: '9990000018' }] });
          return;
        }
        if (req.url === '/api/patients/9990000018/record') {
          json(403, outcome('PERMISSION_REQUIRED', 'Record the patient’s permission first.'));
          return;
        }
        if (req.url === '/api/patients/9990000018/permissions' && req.method === 'POST') {
          json(201, { permission: { id: 'p1' } });
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
    assert.deepEqual(permission, { ok: true, value: { id: 'p1' } });
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
        issue: [{ diagnostics: 'Bad NHS number' }],
      }).message,
      'Bad NHS number',
    );
    assert.equal(
      toApiError(429, { resourceType: 'OperationOutcome', issue: [] }).message,
      'Too many attempts. Wait a few minutes and try again.',
    );
  });
});
