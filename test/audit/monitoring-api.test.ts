/**
 * Privacy alerts end to end, through the real server and the simulated sources: record views raise
 * alerts a privacy officer reviews through `/api/privacy-alerts`, and every review is audited.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const persona = (key: string): string => {
  const found = PERSONAS.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`no persona ${key}`);
  return found.nhsNumber;
};

interface AlertBody {
  id: string;
  rule: string;
  seq: number;
  userId: string;
  user?: { name: string; username: string; role: string; organisation: string };
  nhsNumber?: string;
  detail: string;
  status: string;
  outcome?: string;
  note?: string;
  reviewedBy?: string;
}

describe('privacy alerts through the API', () => {
  let system: RunningSystem;
  let clinician: ApiClient;
  let clinicianId: string;
  let officer: ApiClient;
  let officerId: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcr-monitoring-'));
    const directory = join(dir, 'staff.yaml');
    writeFileSync(directory, `jane.oakley: "${persona('gp-only')}"\n`);
    system = await startSystem({
      config: {
        monitoring: {
          staffDirectory: directory,
          // The test runs at any hour: working hours are the whole week here.
          rules: { outOfHours: { start: '00:00', end: '24:00', weekends: false } },
        },
      },
    });
    const accounts = system.app.services.accounts;
    await accounts.add({
      username: 'jane.oakley',
      displayName: 'Dr Jane Oakley',
      role: 'hospital-clinician',
      organisation: 'RXX01',
      password: 'correct horse battery oakley',
    });
    await accounts.add({
      username: 'pat.officer',
      displayName: 'Pat Officer',
      role: 'privacy-officer',
      organisation: 'RXX01',
      password: 'correct horse battery officer',
    });
    clinician = system.client();
    const signedIn = await clinician.signIn('jane.oakley', 'correct horse battery oakley');
    assert.equal(signedIn.status, 200, signedIn.text);
    clinicianId = (signedIn.body as { user: { id: string } }).user.id;
    officer = system.client();
    const officerIn = await officer.signIn('pat.officer', 'correct horse battery officer');
    assert.equal(officerIn.status, 200, officerIn.text);
    officerId = (officerIn.body as { user: { id: string } }).user.id;
  });
  after(async () => {
    await system.close();
  });

  async function view(key: string): Promise<string> {
    const nhsNumber = persona(key);
    const granted = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    const response = await clinician.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId !== null && requestId !== '', 'the response names its request id');
    return requestId;
  }

  async function openAlerts(): Promise<AlertBody[]> {
    await system.app.privacyMonitor.catchUp();
    const response = await officer.get('/api/privacy-alerts?status=open');
    assert.equal(response.status, 200, response.text);
    return (response.body as { alerts: AlertBody[] }).alerts;
  }

  test('a clinician opening a record that shares her surname, her own, and a restricted patient’s raises one alert each', async () => {
    const sameName = await view('typical'); // family name OAKLEY
    await view('gp-only'); // her own NHS number, per the staff directory
    await view('sensitive-patient'); // PDS restricted (R)

    const alerts = await openAlerts();
    const byRule = new Map(alerts.map((alert) => [alert.rule, alert]));
    assert.deepEqual([...byRule.keys()].sort(), [
      'own-record',
      'restricted-patient',
      'same-surname',
    ]);
    assert.equal(byRule.get('same-surname')?.nhsNumber, persona('typical'));
    assert.equal(byRule.get('own-record')?.nhsNumber, persona('gp-only'));
    assert.equal(byRule.get('restricted-patient')?.nhsNumber, persona('sensitive-patient'));
    for (const alert of alerts) assert.equal(alert.userId, clinicianId);
    // Named for the privacy officer, though she never used emergency access.
    for (const alert of alerts) {
      assert.deepEqual(alert.user, {
        name: 'Dr Jane Oakley',
        username: 'jane.oakley',
        role: 'hospital-clinician',
        organisation: 'RXX01',
      });
    }

    // The surname alert names the view's start entry; the patient's name never enters the trail.
    const [started] = await system.app.services.audit.list({
      afterSeq: (byRule.get('same-surname')?.seq ?? 0) - 1,
      limit: 1,
    });
    assert.equal(started?.entry.event.action, 'record-view-started');
    assert.equal(started?.entry.event.requestId, sameName);
    const trail = await system.app.services.audit.list({ limit: 1000 });
    const completed = trail
      .map((record) => record.entry.event)
      .filter((event) => event.action === 'record-view-completed');
    assert.deepEqual(
      completed.map((event) => [event.nhsNumber, event.patientRestricted]),
      [
        [persona('typical'), false],
        [persona('gp-only'), false],
        [persona('sensitive-patient'), true],
      ],
    );
  });

  test('a privacy officer reviews an alert once, and the review is audited', async () => {
    const [alert] = await openAlerts();
    assert.ok(alert !== undefined);
    const noNote = await officer.post(`/api/privacy-alerts/${alert.id}`, {
      outcome: 'appropriate',
      note: '  ',
    });
    assert.equal(noNote.status, 400);
    assert.equal(outcomeCode(noNote.body), 'INVALID_REQUEST');

    const reviewed = await officer.post(`/api/privacy-alerts/${alert.id}`, {
      outcome: 'needs-follow-up',
      note: 'Asked the line manager to speak to the clinician.',
    });
    assert.equal(reviewed.status, 200, reviewed.text);
    const body = (reviewed.body as { alert: AlertBody }).alert;
    assert.deepEqual(
      [body.status, body.outcome, body.reviewedBy],
      ['reviewed', 'needs-follow-up', officerId],
    );

    const twice = await officer.post(`/api/privacy-alerts/${alert.id}`, {
      outcome: 'appropriate',
      note: 'Second thoughts.',
    });
    assert.equal(twice.status, 409);
    assert.equal(outcomeCode(twice.body), 'CONFLICT');

    const [entry] = await system.app.services.audit.list({
      action: 'privacy-alert-reviewed',
      limit: 1,
      newestFirst: true,
    });
    const event = entry?.entry.event;
    assert.ok(event?.action === 'privacy-alert-reviewed');
    assert.deepEqual(
      [event.alertId, event.rule, event.reviewOutcome, event.actor.userId, event.requestId],
      [alert.id, alert.rule, 'needs-follow-up', officerId, reviewed.headers.get('x-request-id')],
    );
    assert.ok(!(await openAlerts()).some((open) => open.id === alert.id));
    const all = await officer.get('/api/privacy-alerts?status=all');
    assert.ok(
      (all.body as { alerts: AlertBody[] }).alerts.some(
        (a) => a.id === alert.id && a.note !== undefined,
      ),
    );
  });

  test('a clinician cannot read or review the alert queue, and the refusal is audited', async () => {
    const list = await clinician.get('/api/privacy-alerts');
    assert.equal(list.status, 403);
    assert.equal(outcomeCode(list.body), 'FORBIDDEN');
    const review = await clinician.post(`/api/privacy-alerts/${crypto.randomUUID()}`, {
      outcome: 'appropriate',
      note: 'Nothing to see.',
    });
    assert.equal(review.status, 403);
    const denied = await system.app.services.audit.list({
      userId: clinicianId,
      action: 'access-denied',
      limit: 10,
    });
    assert.deepEqual(
      denied.map(
        (record) => record.entry.event.action === 'access-denied' && record.entry.event.attempted,
      ),
      ['privacy-alert-list', 'privacy-alert-review'],
    );
  });

  test('an alert that does not exist is 404', async () => {
    const response = await officer.post(`/api/privacy-alerts/${crypto.randomUUID()}`, {
      outcome: 'appropriate',
      note: 'Checked.',
    });
    assert.equal(response.status, 404);
    assert.equal(outcomeCode(response.body), 'NOT_FOUND');
  });
  test('one review closes both the emergency access and its privacy alert, whichever is reviewed', async () => {
    const nhsNumber = persona('typical');
    async function emergency(): Promise<string> {
      const response = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
        basis: 'emergency',
        reasonCode: 'patient-unconscious',
        reason: 'Brought in unconscious',
      });
      assert.equal(response.status, 201, response.text);
      return (response.body as { permission: { id: string } }).permission.id;
    }
    async function openReviews(): Promise<string[]> {
      const response = await officer.get('/api/emergency-reviews?status=open');
      assert.equal(response.status, 200, response.text);
      return (response.body as { reviews: { permissionId: string }[] }).reviews.map(
        (r) => r.permissionId,
      );
    }
    const first = await emergency();
    const second = await emergency();
    const alerts = (await openAlerts()).filter((a) => a.rule === 'emergency-access');
    assert.equal(alerts.length, 2, JSON.stringify(alerts));

    // Reviewing the emergency access closes its alert.
    const reviewed = await officer.post(`/api/emergency-reviews/${first}`, {
      outcome: 'appropriate',
      note: 'Seen in resus; the record was needed.',
    });
    assert.equal(reviewed.status, 200, reviewed.text);
    const stillOpen = (await openAlerts()).filter((a) => a.rule === 'emergency-access');
    assert.equal(stillOpen.length, 1);
    const secondAlert = stillOpen[0];
    assert.ok(secondAlert !== undefined);
    const all = await officer.get('/api/privacy-alerts?status=all');
    const closed = (all.body as { alerts: AlertBody[] }).alerts.find(
      (a) => a.rule === 'emergency-access' && a.id !== secondAlert.id && a.status === 'reviewed',
    );
    assert.equal(closed?.note, 'Seen in resus; the record was needed.');

    // Reviewing the other's alert closes its emergency access review.
    assert.ok((await openReviews()).includes(second));
    const alertReviewed = await officer.post(`/api/privacy-alerts/${secondAlert.id}`, {
      outcome: 'needs-follow-up',
      note: 'Ask why the GP was not called.',
    });
    assert.equal(alertReviewed.status, 200, alertReviewed.text);
    const open = await openReviews();
    assert.ok(!open.includes(first) && !open.includes(second), JSON.stringify(open));

    // Each closing is audited, in the same request as the review that caused it.
    const entries = await system.app.services.audit.list({
      afterSeq: 0,
      limit: 1000,
      nhsNumber,
    });
    const byRequest = (requestId: string | null) =>
      entries
        .filter((r) => r.entry.event.requestId === requestId)
        .map((r) => r.entry.event.action)
        .sort();
    assert.deepEqual(byRequest(reviewed.headers.get('x-request-id')), [
      'emergency-access-reviewed',
      'privacy-alert-reviewed',
    ]);
    assert.deepEqual(byRequest(alertReviewed.headers.get('x-request-id')), [
      'emergency-access-reviewed',
      'privacy-alert-reviewed',
    ]);
  });
});
