/**
 * @module The patient's journey in a real browser (headless Chromium) against the real server and
 * the simulated NHS login (a real `oidc-provider` on loopback): the public page without signing in;
 * a patient signs in, sees a GP's view with organisation, role and basis, checks the line against
 * the signed audit in the browser, objects (the GP's next view is refused with DISSENT) and
 * withdraws it, raises a concern the privacy officer answers, and turns on emails (an emergency
 * access then reaches the loopback SMTP server once); a second patient sees none of it.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  NHS_LOGIN_SCOPES,
  startNhsLoginSim,
  type RunningNhsLoginSim,
} from '../../sim/servers/nhs-login-server.ts';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { LoopbackSmtp } from '../support/loopback-smtp.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const SCREENSHOTS = process.env['MCR_SCREENSHOT_DIR'];
const MARGARET = '9990000107';

describe('a patient’s pages in the browser', () => {
  let nhsLogin: RunningNhsLoginSim;
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  let gp: ApiClient;
  const smtp = new LoopbackSmtp();
  const pageErrors: string[] = [];
  let viewSeq = 0;

  async function shot(name: string): Promise<void> {
    if (SCREENSHOTS !== undefined) {
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    }
  }

  async function clinician(role: 'gp' | 'hospital-clinician' | 'privacy-officer') {
    const { username, password } = await system.createUser(role);
    const client = system.client();
    assert.equal((await client.signIn(username, password)).status, 200);
    return client;
  }

  function watch(target: Page): void {
    target.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    target.on('console', (message) => {
      if (message.type() !== 'error') return;
      const at = new URL(message.location().url || system.url, system.url);
      // The simulated NHS login's own page (its fonts and favicon) is not ours.
      if (at.origin !== new URL(system.url).origin) return;
      const path = at.pathname;
      // The signed-out page asks for the session first; a 401 there is the answer, not an error.
      const expected = /status of 40[14]/.test(message.text()) && path.startsWith('/api/patient/');
      if (!expected) pageErrors.push(`${message.text()} (${path})`);
    });
  }

  /** Signs in at the simulated NHS login from the patient sign-in page. */
  async function signIn(target: Page, login: string): Promise<void> {
    await target.goto(new URL('/patient', system.url).href);
    await target.getByRole('heading', { name: 'See who has looked at your record' }).waitFor();
    await target.getByRole('link', { name: 'Continue with NHS login' }).click();
    await target.locator('input[name=login]').fill(login);
    await target.locator('input[name=password]').fill('any');
    await target.locator('[type=submit]').click();
    await target
      .getByRole('heading', { name: 'Who has looked at your record', level: 1 })
      .waitFor();
  }

  function lineFor(target: Page, seq: number) {
    return target.locator('li.history__line').filter({
      has: target.locator(`[id="line-${String(seq)}"]`),
    });
  }

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
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
        },
        audit: { checkpointEvery: 1 },
      },
    });
    nhsLogin.registerClient(new URL('/auth/nhs-login/callback', system.url).href);

    // The normal journey of a GP: open the record, be asked for permission, record it, open it.
    gp = await clinician('gp');
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 403);
    const granted = await gp.post(`/api/patients/${MARGARET}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 200);
    const [started] = await system.app.services.audit.list({
      action: 'record-view-started',
      nhsNumber: MARGARET,
      limit: 1,
    });
    assert.ok(started !== undefined);
    viewSeq = started.seq;

    browser = await launchBrowser();
    page = await browser.context.newPage();
    watch(page);
  });

  after(async () => {
    await browser?.close();
    await system?.close();
    await nhsLogin?.close();
    await smtp.stop();
  });

  test('the public information page needs no sign-in, says what My Care Record does and how to opt out, and is accessible', async () => {
    await page.goto(new URL('/about', system.url).href);
    await page.getByRole('heading', { name: 'About My Care Record', level: 1 }).waitFor();
    const text = await page.locator('main').innerText();
    assert.match(text, /stores nothing from your record/i);
    assert.match(text, /read only/i);
    assert.match(text, /How to opt out/);
    assert.match(text, /Who to contact/);
    assert.deepEqual(await axeViolations(page), []);
    await shot('patient-about');
    await page.emulateMedia({ media: 'print' });
    assert.equal(
      await page.getByRole('link', { name: 'Sign in with NHS login' }).isVisible(),
      false,
    );
    await page.emulateMedia({ media: 'screen' });
  });

  test('after NHS login the patient lands on /patient and sees the GP’s view with organisation, role and basis, and no normal-journey refusal', async () => {
    await signIn(page, 'margaret.oakley');
    assert.equal(new URL(page.url()).pathname, '/patient');
    const line = lineFor(page, viewSeq);
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, /Looked at your record/);
    assert.match(text, /Role\s+GP/);
    assert.match(text, /Basis\s+Your permission/);
    assert.match(text, /Organisation\s+\S/);
    assert.match(text, /Name\s+Test gp/);
    // Opening the record before permission was recorded is the normal journey, not an attempt.
    assert.equal(await page.getByRole('heading', { name: /^Refused attempt/ }).count(), 0);
    assert.doesNotMatch(await page.locator('main').innerText(), /no-live-permission/);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(
      await page.locator('[style]').count(),
      0,
      'no inline styles (the CSP allows none)',
    );
    await shot('patient-history');
  });

  test('the line checks out against the signed audit, in the browser', async () => {
    const line = lineFor(page, viewSeq);
    await line.getByRole('button', { name: 'Check this line against the signed audit' }).click();
    const verdict = line.getByRole('status').filter({ hasText: /^Checked: / });
    await verdict.waitFor();
    assert.match(
      await verdict.innerText(),
      new RegExp(`in the signed audit trail \\(entry ${String(viewSeq)}, checkpoint \\d+`),
    );
  });

  test('an objection refuses the GP’s next view with DISSENT, is shown as the effect of the objection, and can be withdrawn', async () => {
    await page.getByRole('link', { name: 'My choices' }).click();
    await page.getByRole('heading', { name: 'Your choices', level: 1 }).waitFor();
    assert.match(await page.locator('main').innerText(), /set at the practice/);
    await page.getByRole('button', { name: 'Object to sharing' }).click();
    await page.getByRole('button', { name: 'Yes, record my objection' }).click();
    await page.getByRole('status').filter({ hasText: 'Your objection is recorded' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await shot('patient-choices-objected');

    const refused = await gp.get(`/api/patients/${MARGARET}/record`);
    assert.equal(refused.status, 403);
    assert.equal(outcomeCode(refused.body), 'DISSENT');

    await page.getByRole('link', { name: 'Who has looked at my record' }).click();
    await page.getByText('Refused because you objected').first().waitFor();

    await page.getByRole('link', { name: 'My choices' }).click();
    await page.getByRole('button', { name: 'Withdraw my objection' }).click();
    await page.getByRole('status').filter({ hasText: 'Your objection is withdrawn' }).waitFor();
    assert.equal((await gp.get(`/api/patients/${MARGARET}/record`)).status, 200);
  });

  test('the GP’s live permission is listed and the patient can end it', async () => {
    const row = page.getByRole('row').filter({ hasText: 'Your permission' });
    await row.first().waitFor();
    await row
      .first()
      .getByRole('button', { name: /^End it now \(the permission for / })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: /The permission for .* has ended/ })
      .waitFor();
    const next = await gp.get(`/api/patients/${MARGARET}/record`);
    assert.equal(outcomeCode(next.body), 'PERMISSION_REQUIRED');
  });

  test('a concern about the view reaches the privacy officer, and the outcome comes back to the patient', async () => {
    await page.getByRole('link', { name: 'Who has looked at my record' }).click();
    const line = lineFor(page, viewSeq);
    await line.getByRole('button', { name: 'Raise a concern about this' }).click();
    await line.getByRole('button', { name: 'Send my concern' }).click();
    await line.getByText('Choose why you are concerned.').waitFor();
    await line.getByLabel('I do not know this organisation').check();
    assert.deepEqual(await axeViolations(page), []);
    await line.getByRole('button', { name: 'Send my concern' }).click();
    await line.getByText('A privacy officer will look into your concern.').waitFor();

    const officer = await clinician('privacy-officer');
    const queue = await officer.get('/api/privacy-alerts');
    const alert = (
      queue.body as { alerts: { id: string; rule: string; seq: number }[] }
    ).alerts.find((a) => a.rule === 'patient-concern' && a.seq === viewSeq);
    assert.ok(alert, JSON.stringify(queue.body));
    const reviewed = await officer.post(`/api/privacy-alerts/${alert.id}`, {
      outcome: 'appropriate',
      note: 'The GP is your practice’s locum; the view was for your appointment.',
    });
    assert.equal(reviewed.status, 200, reviewed.text);

    await page.getByRole('link', { name: 'My concerns' }).click();
    const concern = page.locator('li.history__line').filter({
      hasText: 'I do not know this organisation',
    });
    await concern.waitFor();
    const text = await concern.innerText();
    assert.match(text, /found the access was appropriate/);
    assert.match(text, /locum/);
    assert.deepEqual(await axeViolations(page), []);
    await shot('patient-concerns');
  });

  test('with emails turned on, an emergency access sends exactly one email and is shown with its reason and the privacy check', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByLabel('When someone uses emergency access to my record').check();
    await page.getByLabel('The first time a new organisation looks at my record').uncheck();
    await page.getByLabel(/Keep my email address \(margaret\.oakley@example\.com\)/).check();
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.getByRole('status').filter({ hasText: 'Your choices are saved.' }).waitFor();

    const hospital = await clinician('hospital-clinician');
    const before = smtp.received.length;
    const emergency = await hospital.post(`/api/patients/${MARGARET}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Brought in unconscious',
    });
    assert.equal(emergency.status, 201, emergency.text);
    await smtp.waitFor(before + 1);
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    assert.equal(smtp.received.length, before + 1, 'exactly one email');
    assert.equal(smtp.received[before]?.to, 'margaret.oakley@example.com');
    // Privacy monitoring evaluates new audit entries shortly after they are written.
    await system.app.privacyMonitor.catchUp();

    await page.getByRole('link', { name: 'Who has looked at my record' }).click();
    const line = page.locator('li.history__line').filter({ hasText: 'Emergency access' }).first();
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, /Role\s+Hospital clinician/);
    assert.match(text, /Emergency, without asking you: you were unconscious/);
    assert.match(text, /Checked by a privacy officer/);
  });

  test('a second patient sees none of the first patient’s history, in the page or through the API', async () => {
    // Another browser, another person.
    const other = await launchBrowser();
    try {
      const arthur = await other.context.newPage();
      watch(arthur);
      await signIn(arthur, 'arthur.pennington');
      assert.equal(await lineFor(arthur, viewSeq).count(), 0);
      assert.doesNotMatch(await arthur.locator('main').innerText(), /Test gp/);
      assert.match(await arthur.locator('header').innerText(), /999 000 0247/);
      const stolen = await arthur.evaluate(async (seq) => {
        const response = await fetch(`/api/patient/access-history/${String(seq)}/proof`, {
          headers: { accept: 'application/json' },
        });
        return response.status;
      }, viewSeq);
      assert.equal(stolen, 404);
    } finally {
      await other.close();
    }
    assert.deepEqual(pageErrors, []);
  });
});
