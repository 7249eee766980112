/**
 * @module Promise 5's second half: no audit entry, no data. When the audit trail cannot be
 * written, a record view stops with 503 AUDIT_UNAVAILABLE — before any source is asked if the
 * start cannot be recorded, and without any clinical data if the end cannot.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const nhsNumber = PERSONAS.find((p) => p.key === 'discharge-medicines-differ')?.nhsNumber ?? '';

/** Every simulated server, the demographics service included. */
function requestsSoFar(system: RunningSystem): number {
  return Object.values(system.sims.stats).reduce((sum, stats) => sum + stats.total, 0);
}

describe('a record view fails closed when the audit trail cannot be written', () => {
  let system: RunningSystem;
  let gp: ApiClient;

  before(async () => {
    system = await startSystem();
    const account = await system.createUser('gp');
    gp = system.client();
    assert.equal((await gp.signIn(account.username, account.password)).status, 200);
    const granted = await gp.post(`/api/patients/${nhsNumber}/permissions`, {
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

  test('with the audit trail working, the permission opens the record', async () => {
    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /apixaban/i);
  });

  test('when the start of the view cannot be audited, it is refused and no source is asked', async () => {
    await sql`
      CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries
      BEGIN SELECT RAISE(ABORT, 'full'); END
    `.execute(system.app.store.db);
    const before = requestsSoFar(system);

    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 503, response.text);
    assert.equal(outcomeCode(response.body), 'AUDIT_UNAVAILABLE');
    assert.equal(requestsSoFar(system), before, 'no source or demographics request was made');
  });

  test('when the end of the view cannot be audited, it is refused and no clinical data is sent', async () => {
    await sql`
      CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries
      WHEN NEW.entry LIKE '%record-view-completed%'
      BEGIN SELECT RAISE(ABORT, 'full'); END
    `.execute(system.app.store.db);
    const before = requestsSoFar(system);

    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 503, response.text);
    assert.equal(outcomeCode(response.body), 'AUDIT_UNAVAILABLE');
    assert.ok(requestsSoFar(system) > before, 'the sources were asked: only the end failed');
    assert.doesNotMatch(response.text, /apixaban|simvastatin|medication|sections/i);
    const started = await system.app.services.audit.list({
      action: 'record-view-started',
      limit: 100,
    });
    assert.ok(started.length >= 2, 'the start of the refused view is in the trail');
  });
});
