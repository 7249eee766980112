/**
 * @module The privacy officer's journey in a real browser (headless Chromium) against the real
 * server: a clinician views a record (through the API), then the officer searches the audit by
 * NHS number, opens the entry and sees its proof verified in the browser, produces the
 * patient's access report, and reviews an emergency access. Also: navigation by role, the
 * sources page, and nothing kept by the browser.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { formatNhsNumber } from '../../src/identity/nhs-number.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const SCREENSHOTS = process.env['MCR_SCREENSHOT_DIR'];

function nhsOf(key: string): string {
  const persona = PERSONAS.find((candidate) => candidate.key === key);
  assert.ok(persona !== undefined, `persona ${key}`);
  return persona.nhsNumber;
}

describe('the privacy officer’s pages in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const viewed = nhsOf('typical');
  const emergencyPatient = nhsOf('gp-only');
  let emergencyId = '';

  async function shot(name: string): Promise<void> {
    if (SCREENSHOTS !== undefined) {
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    }
  }

  async function signIn(role: 'privacy-officer' | 'admin' | 'gp'): Promise<void> {
    const account = await system.createUser(role);
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();

    // A clinician views a record, and another uses emergency access: fast, through the API.
    const clinician = await system.createUser('hospital-clinician');
    const api = system.client();
    assert.equal((await api.signIn(clinician.username, clinician.password)).status, 200);
    const granted = await api.post(`/api/patients/${viewed}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    const record = await api.get(`/api/patients/${viewed}/record`);
    assert.equal(record.status, 200, record.text);
    const emergency = await api.post(`/api/patients/${emergencyPatient}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Brought in unconscious, no one with them',
    });
    assert.equal(emergency.status, 201, emergency.text);
    emergencyId = (emergency.body as { permission: { id: string } }).permission.id;

    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    // Console errors outlive page loads: CSP refusals land here too.
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const path = new URL(message.location().url || system.url, system.url).pathname;
      const expected = /status of 401/.test(message.text()) && path === '/api/session';
      if (!expected) pageErrors.push(`${message.text()} (${path})`);
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('a privacy officer is offered the audit, report, review and sources pages, not patient search', async () => {
    await signIn('privacy-officer');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    assert.deepEqual(await nav.getByRole('link').allInnerTexts(), [
      'Audit trail',
      'Access report',
      'Review queue',
      'Source systems',
    ]);
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
  });

  test('the audit search by NHS number finds the view, and its entry’s proof is verified in the browser', async () => {
    await page.getByLabel('Patient NHS number').fill(formatNhsNumber(viewed));
    await page.getByRole('button', { name: 'Search the audit trail' }).click();
    const table = page.getByRole('table');
    const viewRow = table.getByRole('row').filter({ hasText: 'Record view started' });
    await viewRow.first().waitFor();
    const text = await viewRow.first().innerText();
    assert.match(text, /Test hospital-clinician/);
    assert.match(text, /Hospital clinician/);
    assert.match(text, /RX1/);
    assert.ok(text.includes(formatNhsNumber(viewed)), text);
    assert.match(text, /Permission \(consent\)/);
    await shot('audit-search');

    await viewRow
      .first()
      .getByRole('button', { name: /^Entry \d+$/ })
      .click();
    const verdict = page
      .getByRole('status')
      .filter({ hasText: /Verified against signed checkpoint \d+/ });
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /Ed25519 signature is valid/);
    const detail = await page.locator('.entry-detail').innerText();
    assert.match(detail, /Record view started/);
    assert.ok(detail.includes(formatNhsNumber(viewed)), detail);
    await shot('audit-entry');

    // Back to the same results, with focus on the entry that was open.
    await page.getByRole('button', { name: 'Back to the results' }).click();
    await viewRow.first().waitFor();
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.match(focused, /^Entry \d+$/);
  });

  test('the access report lists the clinician’s view with role, organisation and basis, and prints the report alone', async () => {
    await page.getByRole('link', { name: 'Access report' }).click();
    await page.getByRole('heading', { name: 'Record access report' }).waitFor();
    await page.getByLabel('NHS number').fill(viewed);
    await page.getByRole('button', { name: 'Produce the report' }).click();
    await page
      .getByRole('heading', {
        name: `Accesses to the record of NHS number ${formatNhsNumber(viewed)}`,
      })
      .waitFor();
    const rows = await page.getByRole('table').getByRole('row').allInnerTexts();
    const view = rows.find((row) => row.includes('Test hospital-clinician'));
    assert.ok(view !== undefined, rows.join('\n'));
    assert.match(view, /Hospital clinician/);
    assert.match(view, /RX1/);
    assert.match(view, /Permission \(consent\)/);
    assert.match(view, /Success/);
    assert.ok((await page.locator('svg.chart__svg rect.chart__bar').count()) >= 1, 'a bar per day');
    assert.equal(
      await page.locator('[style]').count(),
      0,
      'no inline styles anywhere (the CSP allows none)',
    );
    await shot('access-report');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Produce the report' }).isVisible(), false);
    assert.equal(await page.getByText('My Care Record — record access report').isVisible(), true);
    await shot('access-report-print');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), true);
  });

  test('an emergency access is in the review queue with its reason, and a review is recorded with a note', async () => {
    await page.getByRole('link', { name: 'Review queue' }).click();
    const card = page
      .locator('.queue__item')
      .filter({ hasText: formatNhsNumber(emergencyPatient) })
      .filter({ hasText: 'Patient unconscious' });
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /Brought in unconscious, no one with them/);
    assert.match(text, /Test hospital-clinician, Hospital clinician \(RX1\)/);
    await shot('review-queue');

    await card.getByRole('button', { name: 'Record review' }).click();
    await card.getByText('Choose an outcome.').waitFor();
    await card.getByLabel('Needs follow-up').check();
    await card.getByLabel('Note').fill('Ask the clinician why the family was not contacted');
    await card.getByRole('button', { name: 'Record review' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Review recorded: Needs follow-up.' })
      .waitFor();
    assert.equal(await card.count(), 0, 'the reviewed access leaves the open queue');

    const reviewed = (await system.app.services.emergencyReviews.list('all')).find(
      (review) => review.permission.id === emergencyId,
    );
    assert.equal(reviewed?.outcome, 'needs-follow-up');
    assert.equal(reviewed?.note, 'Ask the clinician why the family was not contacted');
  });

  test('the sources page shows each source’s breaker, latency and load, refreshed', async () => {
    await page.getByRole('link', { name: 'Source systems' }).click();
    await page.getByRole('heading', { name: 'Source systems', level: 1 }).waitFor();
    const table = page.getByRole('table');
    await table.waitFor();
    const text = await table.innerText();
    for (const source of system.config.sources) assert.ok(text.includes(source.name), source.name);
    assert.match(text, /Closed: asked normally/);
    await shot('sources');
  });

  test('the pages are usable from the keyboard alone', async () => {
    await page.getByRole('link', { name: 'Audit trail' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.id);
    assert.equal(
      first,
      'audit-nhs-number',
      'focus starts at the page heading, then the first field',
    );
  });

  test('an administrator sees the sources page only; a path their role may not use shows it instead', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('admin');
    await page.getByRole('heading', { name: 'Source systems', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    await page.goto(`${system.url}/audit`);
    await page.getByRole('heading', { name: 'Source systems', level: 1 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Audit trail' }).count(), 0);
  });

  test('the browser keeps nothing, and the pages raise no errors or CSP violations', async () => {
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      violations: (window as unknown as { cspViolations: string[] }).cspViolations,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, databases: 0, violations: [] });
    assert.deepEqual(pageErrors, []);
  });
});
