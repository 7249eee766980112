/**
 * A hospital clinician prints the record of the man discharged after a heart attack
 * (999 000 0247), against the real server and its SQLite audit trail: the print is audited before
 * the page may print, under the same gates as a view; a refusal is audited too; and when the audit
 * trail cannot be written the print is refused with 503, so nothing is printed unaudited.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { PERSONAS } from '../../sim/population/personas.ts';
import { accessHistoryFrom } from '../../src/audit/patient-access-history.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const ARTHUR = PERSONAS.find((p) => p.key === 'discharge-medicines-differ')?.nhsNumber ?? '';
const MARGARET = '9990000107';

describe('printing the record', () => {
  let system: RunningSystem;
  let clinician: ApiClient;
  let account: { username: string; password: string };

  const print = (nhsNumber: string, body: unknown) =>
    clinician.post(`/api/patients/${nhsNumber}/record-print`, body);

  async function entries(action: 'record-printed' | 'access-denied', nhsNumber: string) {
    return system.app.services.audit.list({ action, nhsNumber, limit: 100 });
  }

  before(async () => {
    system = await startSystem();
    account = await system.createUser('hospital-clinician');
    clinician = system.client();
    assert.equal((await clinician.signIn(account.username, account.password)).status, 200);
    const granted = await clinician.post(`/api/patients/${ARTHUR}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
  });
  beforeEach(async () => {
    await sql`DROP TRIGGER IF EXISTS audit_refuses`.execute(system.app.store.db);
  });
  after(async () => {
    await system.close();
  });

  test('with permission, printing the summary is audited and answers what each page is marked with', async () => {
    const response = await print(ARTHUR, { scope: 'summary' });
    assert.equal(response.status, 200, response.text);
    const printed = response.body as Record<string, unknown>;
    assert.equal(printed['scope'], 'summary');
    assert.equal(printed['basis'], 'consent');
    assert.ok(response.headers.get('cache-control')?.includes('no-store'));

    const [entry] = await entries('record-printed', ARTHUR);
    assert.ok(entry !== undefined, 'the print is in the audit trail');
    const event = entry.entry.event;
    assert.ok(event.action === 'record-printed');
    assert.equal(event.scope, 'summary');
    assert.equal(event.basis.basis, 'consent');
    assert.equal(event.actor.username, account.username);
    assert.equal(event.time, printed['printedAt'], 'the marking carries the audit entry’s time');
    assert.equal(printed['organisation'], event.actor.organisation);
    assert.equal(printed['printedBy'], event.actor.displayName);
  });

  test('the print appears in the patient’s own access history, naming the organisation', async () => {
    const records = await system.app.services.audit.list({ nhsNumber: ARTHUR, limit: 1000 });
    const history = accessHistoryFrom(
      records,
      [],
      new Map(),
      {
        organisationName: (ods) => `Organisation ${ods}`,
        professionalNames: false,
        emergencyReasonOf: () => undefined,
      },
      { from: '2000-01-01', generatedAt: new Date().toISOString(), truncated: false },
    );
    const printed = history.lines.filter((line) => line.kind === 'record-printed');
    assert.equal(printed.length, 1);
    assert.match(
      printed[0]?.summary ?? '',
      /printed a summary of your record with your permission/,
    );
    assert.equal(printed[0]?.basis, 'your-permission');
  });

  test('without a live permission the print is refused, and the refusal is audited', async () => {
    const before = (await entries('access-denied', MARGARET)).length;
    const response = await print(MARGARET, { scope: 'record' });
    assert.equal(response.status, 403, response.text);
    assert.equal(outcomeCode(response.body), 'PERMISSION_REQUIRED');
    const refusals = await entries('access-denied', MARGARET);
    assert.equal(refusals.length, before + 1);
    const refusal = refusals[0]?.entry.event;
    assert.ok(refusal?.action === 'access-denied');
    assert.equal(refusal.attempted, 'record-print');
    assert.equal(refusal.reasonCode, 'no-live-permission');
    assert.equal((await entries('record-printed', MARGARET)).length, 0);
  });

  test('a role that may not view records may not print, and is audited as refused', async () => {
    const officer = await system.createUser('privacy-officer');
    const client = system.client();
    assert.equal((await client.signIn(officer.username, officer.password)).status, 200);
    const response = await client.post(`/api/patients/${ARTHUR}/record-print`, {
      scope: 'record',
    });
    assert.equal(response.status, 403, response.text);
    assert.equal(outcomeCode(response.body), 'FORBIDDEN');
    const [refusal] = await entries('access-denied', ARTHUR);
    assert.ok(refusal?.entry.event.action === 'access-denied');
    assert.equal(refusal.entry.event.attempted, 'record-print');
    assert.equal(refusal.entry.event.reasonCode, 'role-not-allowed');
  });

  test('anything but the record or the summary is refused', async () => {
    const response = await print(ARTHUR, { scope: 'everything' });
    assert.equal(response.status, 400, response.text);
    assert.equal(outcomeCode(response.body), 'INVALID_REQUEST');
  });

  test('when the audit trail cannot be written, the print is refused with 503 and nothing is recorded', async () => {
    const before = (await entries('record-printed', ARTHUR)).length;
    await sql`
      CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries
      BEGIN SELECT RAISE(ABORT, 'full'); END
    `.execute(system.app.store.db);
    const response = await print(ARTHUR, { scope: 'record' });
    assert.equal(response.status, 503, response.text);
    assert.equal(outcomeCode(response.body), 'AUDIT_UNAVAILABLE');
    await sql`DROP TRIGGER IF EXISTS audit_refuses`.execute(system.app.store.db);
    assert.equal((await entries('record-printed', ARTHUR)).length, before);
  });

  test('the privacy officer’s access report lists the print, with who printed what', async () => {
    const officer = await system.createUser('privacy-officer');
    const client = system.client();
    assert.equal((await client.signIn(officer.username, officer.password)).status, 200);
    const response = await client.get(`/api/patients/${ARTHUR}/access-report`);
    assert.equal(response.status, 200, response.text);
    const report = response.body as {
      accesses: { kind: string; scope?: string; basis?: string; user: { name: string } }[];
    };
    const prints = report.accesses.filter((access) => access.kind === 'record-print');
    assert.equal(prints.length, 1, 'the one print that was audited (not the refused ones)');
    assert.equal(prints[0]?.scope, 'summary');
    assert.equal(prints[0]?.basis, 'consent');
  });
});
