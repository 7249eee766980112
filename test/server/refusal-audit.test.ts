import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/app.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ApiClient, outcomeCode } from '../support/running-system.ts';

let app: App;
let url: string;
const dataDir = mkdtempSync(join(tmpdir(), 'mcr-refusals-'));

before(async () => {
  const config = loadConfig({
    base: {
      demographics: { url: 'http://127.0.0.1:1' },
      dataDir,
      server: { port: 0 },
      logging: { level: 'silent' },
    },
    env: {},
  });
  app = await buildApp(config, { webRoot: undefined });
  url = await app.server.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Denied = Extract<AuditEvent, { action: 'access-denied' }>;

async function denials(reasonCode: string): Promise<Denied[]> {
  const records = await app.services.audit.list({ action: 'access-denied', limit: 1000 });
  return records
    .map((record) => record.entry.event)
    .filter((event): event is Denied => event.action === 'access-denied')
    .filter((event) => event.reasonCode === reasonCode);
}

const total = (events: readonly Denied[]): number =>
  events.reduce((sum, event) => sum + (event.count ?? 1), 0);

test('the first request without a session is in the audit before its answer arrives', async () => {
  const response = await new ApiClient(url).get('/api/patients?nhsNumber=9990000107');
  assert.equal(response.status, 401);
  assert.equal(outcomeCode(response.body), 'UNAUTHENTICATED');
  const [entry, ...more] = await denials('no-session');
  assert.deepEqual(more, []);
  assert.equal(entry?.actor, null);
  assert.equal(entry.client?.address, '127.0.0.1');
  assert.equal(entry.attempted, 'get-_api_patients');
  assert.equal(entry.count, 1);
});

test('a thousand refused requests from one address make a bounded number of entries, with every refusal counted', async () => {
  const before = await app.services.audit.count();
  const client = new ApiClient(url);
  for (let i = 0; i < 1000; i += 1) {
    const response = await client.get('/api/session');
    assert.equal(response.status, 401);
  }
  // A forged cookie is its own reason, counted apart from "no session".
  const forger = new ApiClient(url);
  forger.cookie = 'mcr_session=forged-token-that-names-no-session';
  for (let i = 0; i < 50; i += 1) {
    assert.equal((await forger.get('/api/session')).status, 401);
  }
  await app.services.refusals.flush(true);

  const written = (await app.services.audit.count()) - before;
  // One entry at the first refusal of each reason and one with the count of the rest, per
  // minute: a minute boundary during the loop can at most double that.
  assert.ok(written >= 2 && written <= 8, `${written} entries`);
  // The first test's refusal was counted too.
  assert.equal(total(await denials('no-session')), 1 + 1000);
  const forged = await denials('session-unknown');
  assert.equal(total(forged), 50);
  const counted = forged.find((event) => (event.count ?? 1) > 1);
  assert.ok(counted?.until !== undefined && counted.until >= counted.time);
});

test('a state-changing request with a wrong CSRF token is audited with the signed-in user', async () => {
  const account = { username: 'csrf.check', password: 'a password long enough' };
  await app.services.accounts.add({ ...account, role: 'gp', organisation: 'A81001' });
  const client = new ApiClient(url);
  assert.equal((await client.signIn(account.username, account.password)).status, 200);
  const refused = await client.request(
    'POST',
    '/api/patients/9990000107/permissions',
    { basis: 'consent', method: 'verbal', givenBy: 'patient' },
    { 'x-csrf-token': 'not the token' },
  );
  assert.equal(refused.status, 403);
  assert.equal(outcomeCode(refused.body), 'CSRF_FAILED');
  const [entry] = await denials('csrf-token-invalid');
  assert.equal(entry?.actor?.username, account.username);
  assert.equal(entry.attempted, 'post-_api_patients_:nhsNumber_permissions');
});
