/**
 * The national trace does not hold back the FHIR R4 sources: once the permission is checked and
 * the start is in the audit trail, the hospital, community and social care systems are asked by
 * NHS number while the trace is still under way. Their items are still checked against the trace
 * before anything is sent; when the trace fails, nothing they returned is shown and the view's end
 * entry names every system that was asked. Against the real simulated sources and server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { DEMOGRAPHICS_ID } from '../../sim/start-sims.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

const PATIENT = '9990000107';
const R4 = ['hospital', 'community', 'social-care'];

let system: RunningSystem;
let clinician: ApiClient;

before(async () => {
  system = await startSystem();
  const account = await system.createUser('hospital-clinician');
  clinician = system.client();
  assert.equal((await clinician.signIn(account.username, account.password)).status, 200);
  const granted = await clinician.post(`/api/patients/${PATIENT}/permissions`, {
    basis: 'consent',
    method: 'verbal',
    givenBy: 'patient',
  });
  assert.equal(granted.status, 201, granted.text);
});
after(async () => {
  await system.close();
});

function r4Requests(): number {
  return R4.reduce((sum, id) => sum + (system.sims.stats[id]?.total ?? 0), 0);
}

test('with the national trace never answering, the R4 systems were asked, nothing is shown, and the end entry names them', async () => {
  const pds = system.sims.servers[DEMOGRAPHICS_ID];
  assert.ok(pds !== undefined);
  const before = r4Requests();
  pds.faults.set({ kind: 'hang' });
  let response;
  try {
    response = await clinician.get(`/api/patients/${PATIENT}/record`);
  } finally {
    pds.faults.set({ kind: 'none' });
  }
  assert.equal(response.status, 503, response.text);
  assert.doesNotMatch(response.text, /sections/);
  // The trace never answered, so every R4 request was sent while it was under way.
  assert.ok(r4Requests() > before, 'the R4 systems were asked beside the trace');

  const requestId = response.headers.get('x-request-id') ?? '';
  const entries = (await system.app.services.audit.list({ nhsNumber: PATIENT, limit: 50 }))
    .map((record) => record.entry.event)
    .filter((event: AuditEvent) => event.requestId === requestId);
  assert.deepEqual(
    entries.map((event) => event.action),
    ['record-view-started', 'record-view-completed'],
  );
  const end = entries[1];
  assert.ok(end !== undefined && end.action === 'record-view-completed');
  assert.equal(end.outcome, 'failure');
  assert.deepEqual(end.sources.map((source) => source.id).sort(), [...R4].sort());
  for (const source of end.sources) assert.deepEqual(source.counts, {});
});

test('with the trace answering, the record shows the R4 systems’ items as before', async () => {
  const response = await clinician.get(`/api/patients/${PATIENT}/record`);
  assert.equal(response.status, 200, response.text);
  const body = response.body as { sources: { id: string; status: string }[] };
  for (const id of R4) {
    assert.equal(body.sources.find((source) => source.id === id)?.status, 'answered', id);
  }
});
