/**
 * @module A patient signed in through the simulated NHS login (a real `oidc-provider` on loopback)
 * sees who looked at their record and nobody else's, objects and is obeyed at the next view,
 * withdraws a permission, raises a concern the privacy officer answers, and is emailed (at a real
 * SMTP server on loopback) of emergency access, even when the mail server was down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  NHS_LOGIN_SCOPES,
  startNhsLoginSim,
  type RunningNhsLoginSim,
} from '../../sim/servers/nhs-login-server.ts';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { RedirectFollowingClient } from '../oidc/redirect-following-client.ts';
import { LoopbackSmtp } from '../support/loopback-smtp.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const MARGARET = '9990000107';
const ARTHUR = '9990000247';

describe('a patient signed in through NHS login', () => {
  let nhsLogin: RunningNhsLoginSim;
  let system: RunningSystem;
  const smtp = new LoopbackSmtp();

  before(async () => {
    await smtp.start();
    nhsLogin = await startNhsLoginSim();
    system = await startSystem({
      sims: { size: 10 },
      config: {
        nhsLogin: {
          issuer: nhsLogin.issuer,
          clientId: nhsLogin.clientId,
          clientSecret: nhsLogin.clientSecret,
          scopes: NHS_LOGIN_SCOPES,
        },
        notifications: {
          email: {
            smtpUrl: `smtp://127.0.0.1:${String(smtp.port)}`,
            from: 'My Care Record <no-reply@example.org>',
          },
          retrySeconds: 3600,
        },
        audit: { checkpointEvery: 1 },
      },
    });
    nhsLogin.registerClient(new URL('/auth/nhs-login/callback', system.url).href);
  });

  after(async () => {
    await system.close();
    await nhsLogin.close();
    await smtp.stop();
  });

  /** Signs in at the simulated NHS login and returns a browser-like client holding the patient cookie. */
  async function signInPatient(login: string) {
    const browser = new RedirectFollowingClient();
    const start = await browser.follow(new URL('/auth/nhs-login/login', system.url).href);
    assert.ok(start.url.startsWith(nhsLogin.issuer), `expected NHS login's page, got ${start.url}`);
    const back = await browser.submitForm(start, { login, password: 'any' });
    const api = async (method: string, path: string, body?: unknown) => {
      const session = await browser.request(new URL('/api/patient/session', system.url).href, {
        accept: 'application/json',
      });
      const csrf =
        session.status === 200 ? (JSON.parse(session.text) as { csrfToken: string }).csrfToken : '';
      const response = await fetch(new URL(path, system.url), {
        method,
        headers: {
          accept: 'application/json',
          cookie: browser.cookieHeader(system.url),
          'x-csrf-token': csrf,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: (text === '' ? undefined : JSON.parse(text)) as unknown,
      };
    };
    return { browser, back, api };
  }

  async function clinician(
    role: 'gp' | 'hospital-clinician' | 'privacy-officer',
  ): Promise<ApiClient> {
    const { username, password } = await system.createUser(role);
    const client = system.client();
    assert.equal((await client.signIn(username, password)).status, 200);
    return client;
  }

  async function grant(
    client: ApiClient,
    nhsNumber: string,
    basis: 'consent' | 'emergency' = 'consent',
  ) {
    const body =
      basis === 'consent'
        ? { basis, method: 'verbal', givenBy: 'patient' }
        : { basis, reasonCode: 'patient-unconscious', reason: 'Brought in unconscious' };
    const response = await client.post(`/api/patients/${nhsNumber}/permissions`, body);
    assert.equal(response.status, 201, response.text);
    return (response.body as { permission: { id: string } }).permission.id;
  }

  interface Line {
    seq: number;
    kind: string;
    summary: string;
    role?: string;
    professional?: string;
    basis?: string;
    emergencyReason?: string;
    organisation?: { odsCode: string; name: string };
    concern?: { status: string; note?: string };
  }

  async function history(api: Awaited<ReturnType<typeof signInPatient>>['api']): Promise<Line[]> {
    const response = await api('GET', '/api/patient/access-history');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body as { lines: Line[] }).lines;
  }

  test('a view with permission appears in the patient’s own history, in plain words, and in nobody else’s', async () => {
    const gp = await clinician('gp');
    // The normal journey: open the record, be told to record permission, record it, open it.
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 403);
    await grant(gp, MARGARET);
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 200);

    const margaret = await signInPatient('margaret.oakley');
    assert.equal(margaret.back.url, new URL('/patient', system.url).href);
    const lines = await history(margaret.api);
    const view = lines.find((line) => line.kind === 'record-viewed');
    assert.ok(view, JSON.stringify(lines));
    assert.equal(view.basis, 'your-permission');
    assert.equal(view.role, 'GP');
    assert.equal(view.professional, 'Test gp');
    assert.ok(view.organisation !== undefined && view.organisation.name !== '');
    assert.ok(lines.some((line) => line.kind === 'permission-recorded'));
    // Opening the record before permission was recorded is not an attempt on it.
    assert.ok(!lines.some((line) => line.kind === 'flagged-attempt'), JSON.stringify(lines));
    assert.ok(!JSON.stringify(lines).includes('no-live-permission'));

    // Each line can be checked against the signed audit.
    const proof = await margaret.api(
      'GET',
      `/api/patient/access-history/${String(view.seq)}/proof`,
    );
    assert.equal(proof.status, 200, JSON.stringify(proof.body));
    const entry = JSON.parse((proof.body as { entry: string }).entry) as AuditEntry;
    assert.equal(entry.seq, view.seq);
    assert.equal(entry.event.action, 'record-view-started');

    // A second patient sees none of it, and cannot fetch its proof.
    const arthur = await signInPatient('arthur.pennington');
    const theirs = await history(arthur.api);
    assert.ok(!theirs.some((line) => line.seq === view.seq));
    const stolen = await arthur.api('GET', `/api/patient/access-history/${String(view.seq)}/proof`);
    assert.equal(stolen.status, 404);
    const refusals = await system.app.services.audit.list({
      action: 'patient-access-denied',
      limit: 10,
    });
    assert.ok(
      refusals.some(
        (r) =>
          r.entry.event.action === 'patient-access-denied' && r.entry.event.nhsNumber === ARTHUR,
      ),
    );
  });

  test('a patient below the high proofing level (P9) is not signed in, and the refusal is audited', async () => {
    const browser = new RedirectFollowingClient();
    const start = await browser.follow(new URL('/auth/nhs-login/login', system.url).href);
    const back = await browser.submitForm(start, { login: 'daniel.hughes', password: 'any' });
    assert.equal(back.status, 403);
    assert.match(back.text, /highest level \(P9\)/);
    const failures = await system.app.services.audit.list({
      action: 'patient-sign-in-failed',
      limit: 10,
    });
    const reasons = failures.map((r) =>
      'reasonCode' in r.entry.event ? r.entry.event.reasonCode : '',
    );
    assert.ok(reasons.includes('proofing-level-too-low'), JSON.stringify(reasons));
  });

  test('no staff route accepts a patient session, and no patient route accepts a staff session', async () => {
    const margaret = await signInPatient('margaret.oakley');
    const patientCookie = margaret.browser.cookieHeader(system.url);
    const staffRoutes = [
      ['GET', '/api/session'],
      ['GET', `/api/patients?nhsNumber=${MARGARET}`],
      ['GET', '/api/audit/1/proof'],
      ['GET', `/api/patients/${MARGARET}/record`],
      ['GET', `/api/patients/${MARGARET}/permissions`],
      ['POST', `/api/patients/${MARGARET}/permissions`],
      ['GET', '/api/audit'],
      ['GET', `/api/patients/${MARGARET}/access-report`],
      ['GET', '/api/privacy-alerts'],
      ['GET', '/api/emergency-reviews'],
      ['POST', `/api/patients/${MARGARET}/dissent`],
      ['GET', '/api/sources/status'],
    ] as const;
    for (const [method, path] of staffRoutes) {
      const response = await fetch(new URL(path, system.url), {
        method,
        headers: {
          accept: 'application/json',
          cookie: patientCookie,
          'content-type': 'application/json',
        },
        body: method === 'POST' ? '{}' : undefined,
      });
      await response.body?.cancel();
      assert.equal(
        response.status,
        401,
        `${method} ${path} answered ${String(response.status)} to a patient session`,
      );
    }

    const gp = await clinician('gp');
    const patientRoutes = [
      ['GET', '/api/patient/session'],
      ['GET', '/api/patient/access-history'],
      ['GET', '/api/patient/objection'],
      ['POST', '/api/patient/objection'],
      ['GET', '/api/patient/permissions'],
      ['GET', '/api/patient/concerns'],
      ['GET', '/api/patient/settings'],
    ] as const;
    for (const [method, path] of patientRoutes) {
      const response = await gp.request(method, path);
      assert.equal(
        response.status,
        401,
        `${method} ${path} answered ${String(response.status)} to a staff session`,
      );
      assert.equal(outcomeCode(response.body), 'UNAUTHENTICATED');
    }
  });

  test('an objection recorded by the patient refuses the next clinician’s view with DISSENT, and withdrawing it lifts that', async () => {
    const arthur = await signInPatient('arthur.pennington');
    const hospital = await clinician('hospital-clinician');
    await grant(hospital, ARTHUR);
    assert.equal((await hospital.get(`/api/patients/${ARTHUR}/record`)).status, 200);

    const objected = await arthur.api('POST', '/api/patient/objection');
    assert.equal(objected.status, 200);
    assert.equal((objected.body as { objected: boolean }).objected, true);
    const refused = await hospital.get(`/api/patients/${ARTHUR}/record`);
    assert.equal(refused.status, 403);
    assert.equal(outcomeCode(refused.body), 'DISSENT');
    // The refusal is shown to the patient as the effect of their objection, not as an attack.
    assert.ok((await history(arthur.api)).some((line) => line.kind === 'refused-objection'));

    assert.equal((await arthur.api('DELETE', '/api/patient/objection')).status, 200);
    assert.equal((await hospital.get(`/api/patients/${ARTHUR}/record`)).status, 200);
  });

  test('a permission the patient withdraws stops the next record view', async () => {
    const arthur = await signInPatient('arthur.pennington');
    const gp = await clinician('gp');
    const permissionId = await grant(gp, ARTHUR);
    const live = await arthur.api('GET', '/api/patient/permissions');
    assert.ok(
      (live.body as { permissions: { id: string }[] }).permissions.some(
        (p) => p.id === permissionId,
      ),
    );
    assert.equal(
      (await arthur.api('DELETE', `/api/patient/permissions/${permissionId}`)).status,
      204,
    );
    const next = await gp.get(`/api/patients/${ARTHUR}/record`);
    assert.equal(outcomeCode(next.body), 'PERMISSION_REQUIRED');
  });

  test('a concern about an access line reaches the privacy officer’s queue with its entry, and the outcome returns to the patient', async () => {
    const gp = await clinician('gp');
    await grant(gp, MARGARET);
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 200);
    const margaret = await signInPatient('margaret.oakley');
    const line = (await history(margaret.api)).find(
      (l) => l.kind === 'record-viewed' && l.concern === undefined,
    );
    assert.ok(line);
    const raised = await margaret.api('POST', '/api/patient/concerns', {
      seq: line.seq,
      reason: 'do-not-know-organisation',
    });
    assert.equal(raised.status, 201, JSON.stringify(raised.body));
    assert.equal(
      (await margaret.api('POST', '/api/patient/concerns', { seq: line.seq, reason: 'other' }))
        .status,
      409,
    );

    const officer = await clinician('privacy-officer');
    const queue = await officer.get('/api/privacy-alerts');
    const alert = (
      queue.body as { alerts: { id: string; rule: string; seq: number }[] }
    ).alerts.find((a) => a.rule === 'patient-concern' && a.seq === line.seq);
    assert.ok(alert, JSON.stringify(queue.body));
    const reviewed = await officer.post(`/api/privacy-alerts/${alert.id}`, {
      outcome: 'appropriate',
      note: 'Dr Test is your GP practice’s locum; the view was for your appointment.',
    });
    assert.equal(reviewed.status, 200, reviewed.text);

    const after = (await history(margaret.api)).find((l) => l.seq === line.seq);
    assert.equal(after?.concern?.status, 'reviewed');
    assert.match(after?.concern?.note ?? '', /locum/);
  });

  test('emergency access sends exactly one email, and one after the mail server was down and came back', async () => {
    const margaret = await signInPatient('margaret.oakley');
    const saved = await margaret.api('POST', '/api/patient/settings', {
      keepEmail: true,
      notifyEmergency: true,
      notifyNewOrganisation: false,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const hospital = await clinician('hospital-clinician');

    const before = smtp.received.length;
    await grant(hospital, MARGARET, 'emergency');
    await smtp.waitFor(before + 1);
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    assert.equal(smtp.received.length, before + 1, 'exactly one email');
    const mail = smtp.received[before];
    assert.equal(mail?.to, 'margaret.oakley@example.com');
    assert.match(mail?.text ?? '', /in an emergency/);
    assert.ok(!(mail?.text ?? '').includes(MARGARET), 'no NHS number in the email');

    await smtp.stop();
    await grant(hospital, MARGARET, 'emergency');
    await system.app.notifications.runOnce();
    const pending = await system.app.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('status', '=', 'pending')
      .execute();
    assert.equal(pending.length, 1, 'queued, not lost');
    assert.ok((pending[0]?.attempts ?? 0) >= 1);

    await smtp.start();
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    await smtp.waitFor(before + 2);
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    assert.equal(smtp.received.length, before + 2, 'one more email, not two');
  });
});
