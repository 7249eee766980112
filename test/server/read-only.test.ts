import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeCode, startSystem, type RunningSystem } from '../support/running-system.ts';

let system: RunningSystem;
before(async () => {
  system = await startSystem();
});
after(async () => {
  await system.close();
});

test('every write to the FHIR API is refused as read-only, signed in or not', async () => {
  const account = await system.createUser('gp');
  const signedIn = system.client();
  await signedIn.signIn(account.username, account.password);
  for (const client of [system.client(), signedIn]) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const path of [
        '/fhir/Patient/9990000107',
        '/fhir/Consent',
        '/fhir/AuditEvent/1',
        '/fhir',
      ]) {
        const response = await client.request(method, path, { resourceType: 'Patient' });
        assert.equal(response.status, 405, `${method} ${path}`);
        assert.equal(outcomeCode(response.body), 'METHOD_NOT_ALLOWED');
      }
    }
  }
});

test('security headers are on every response: strict CSP, no framing, no caching', async () => {
  const response = await system.client().get('/health/live');
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('cache-control'), 'no-store');
});

test('an unknown API path is a 404 OperationOutcome, not a page', async () => {
  const response = await system.client().get('/api/nothing-here');
  assert.equal(response.status, 404);
  assert.equal(outcomeCode(response.body), 'NOT_FOUND');
});
