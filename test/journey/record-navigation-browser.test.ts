/**
 * @module The record as a clinician moves through it, in headless Chromium against the real server
 * and simulated sources: it opens on the Summary (allergies told apart), keeps its patient and tab
 * across reload and Back with no NHS number in the address, asks before withdrawing, offers
 * emergency access with the server's own choices only, and tells a social worker which sections
 * their role does not show.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import type { Role } from '../../src/shared/roles.ts';
import { PERSONAS, type PersonaKey } from '../../sim/population/personas.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

function persona(key: PersonaKey) {
  const found = PERSONAS.find((candidate) => candidate.key === key);
  assert.ok(found !== undefined, `persona ${key} exists`);
  return found;
}

describe('moving through a record in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  /** A new page signed in as a new user of `role`, with the patient found and chosen. */
  async function openPatient(role: Role, key: PersonaKey): Promise<Page> {
    const account = await system.createUser(role);
    // One profile for every test: each signs in afresh.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const chosen = persona(key);
    await page.getByLabel('NHS number').fill(chosen.nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    const family = chosen.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await page.getByRole('button', { name: new RegExp(family) }).click();
    return page;
  }

  async function givePermission(page: Page): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();
    await everySourceAnswered(page);
  }

  async function everySourceAnswered(page: Page): Promise<void> {
    await page
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor({ timeout: 30_000 });
  }

  const selectedTab = (page: Page) => page.getByRole('tab', { selected: true }).innerText();

  test('999 000 0247: the record opens on the Summary, allergies listed with their source, axe clean', async () => {
    const page = await openPatient('hospital-clinician', 'discharge-medicines-differ');
    await givePermission(page);
    assert.match(await selectedTab(page), /^Summary/);
    const allergies = page.getByRole('region', { name: 'Allergies' });
    const allergyText = await allergies.innerText();
    assert.match(allergyText, /warfarin/i);
    assert.match(allergyText, /from /);
    assert.doesNotMatch(allergyText, /No allergy information returned/);
    const medicines = await page.getByRole('region', { name: 'Current medicines' }).innerText();
    assert.match(medicines, /apixaban/i);
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  test('no allergy entry from any system is "no allergy information returned"; a system that did not answer is named', async () => {
    // 999 000 0875: only the hospital holds a record, and it has no allergy entry.
    let page = await openPatient('gp', 'deceased');
    await givePermission(page);
    let allergies = await page.getByRole('region', { name: 'Allergies' }).innerText();
    assert.match(allergies, /No allergy information returned/);
    assert.doesNotMatch(allergies, /did not answer/);
    assert.doesNotMatch(allergies, /^No known allergies/m);
    await page.close();

    // 999 000 0662: the GP practice answers with the patient's dissent, so its allergies are unknown.
    page = await openPatient('gp', 'gp-dissent');
    await givePermission(page);
    allergies = await page.getByRole('region', { name: 'Allergies' }).innerText();
    assert.match(allergies, /No allergy information returned/);
    assert.match(allergies, /Not known from .+, which did not answer/);
    await page.close();
  });

  test('reload and Back keep the patient and the tab; the address holds no NHS number', async () => {
    const chosen = persona('discharge-medicines-differ');
    const page = await openPatient('hospital-clinician', 'discharge-medicines-differ');
    await givePermission(page);
    const summaryUrl = new URL(page.url());
    assert.match(summaryUrl.pathname, /^\/patients\/[0-9a-f-]{36}\/summary$/);

    await page.getByRole('tab', { name: /^Medications/ }).click();
    await page.waitForURL(/\/medications$/);
    const medicationsUrl = new URL(page.url());
    for (const url of [summaryUrl, medicationsUrl]) {
      assert.ok(!`${url.pathname}${url.search}${url.hash}`.includes(chosen.nhsNumber), `${url}`);
    }

    await page.reload();
    await everySourceAnswered(page);
    assert.match(await selectedTab(page), /^Medications/);
    assert.match(await page.locator('main').innerText(), /apixaban/i);
    assert.ok(page.url().endsWith(medicationsUrl.pathname));

    await page.goBack();
    await page.waitForURL(/\/summary$/);
    assert.match(await selectedTab(page), /^Summary/);
    assert.match(await page.locator('main').innerText(), /Pennington/i);

    // Nothing clinical, and no NHS number, was put in browser storage to get there.
    const stored = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
    }));
    assert.deepEqual(stored, { local: 0, session: 0 });

    // The same address in a fresh tab knows no patient: it says so and shows the search.
    const other = await browser.context.newPage();
    await other.goto(summaryUrl.toString());
    await other.getByText(/holds no patient details/).waitFor();
    await other.getByLabel('NHS number').waitFor();
    await other.close();
    await page.close();
  });

  test('withdrawing a permission asks first, and is not the first Tab stop', async () => {
    const page = await openPatient('hospital-clinician', 'typical');
    await givePermission(page);
    // Focus starts on the permission bar's heading; the next Tab stop is not the withdraw button.
    await page.getByRole('heading', { name: 'Viewing with permission' }).focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.doesNotMatch(focused, /Withdraw/);

    await page.getByRole('button', { name: 'Withdraw permission' }).click();
    await page.getByRole('heading', { name: 'Withdraw permission to view this record?' }).waitFor();
    await page.getByRole('button', { name: 'Keep permission' }).click();
    assert.equal(await page.getByRole('heading', { name: 'Permission needed' }).count(), 0);
    // Keeping it puts focus back on the button the clinician pressed.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Withdraw permission');
    assert.match(await selectedTab(page), /^Summary/);

    await page.getByRole('button', { name: 'Withdraw permission' }).click();
    await page.getByRole('button', { name: 'Yes, withdraw permission' }).click();
    await page.getByRole('heading', { name: 'Permission needed' }).waitFor();
    await page.close();
  });

  test('the emergency dialog offers only what the server allows, and recording from it succeeds', async () => {
    const page = await openPatient('hospital-clinician', 'dob-mismatch');
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/permissions')) {
        answers.push(response.status());
      }
    });
    await page
      .getByRole('dialog', { name: 'Record permission' })
      .getByRole('button', { name: 'Use emergency access instead' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Emergency access' });
    await dialog.getByLabel('Emergency reason').waitFor();
    assert.equal(await dialog.getByText('Who gave permission?').count(), 0);
    assert.equal(await dialog.getByText('How was it given?').count(), 0);

    const reasons = await dialog
      .getByLabel('Emergency reason')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(reasons, [
      '',
      'patient-unconscious',
      'lacks-capacity',
      'life-threatening',
      'other',
    ]);
    const hours = await dialog
      .getByLabel('How long it lasts')
      .locator('option')
      .evaluateAll((options) => options.map((o) => Number((o as HTMLOptionElement).value)));
    const maximum = system.config.permissions.emergencyHours;
    assert.ok(hours.length > 0 && hours.every((h) => h <= maximum), `offered ${hours.join(', ')}`);
    assert.equal(await dialog.getByLabel('How long it lasts').inputValue(), String(maximum));

    await dialog.getByLabel('Emergency reason').selectOption('patient-unconscious');
    await dialog
      .getByLabel('Details of the emergency')
      .fill('Brought in unconscious after a fall.');
    const recorded = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && response.url().endsWith('/permissions'),
    );
    await dialog.getByRole('button', { name: 'Record emergency access' }).click();
    await recorded;
    // The record opens under emergency access (the dialog, with the same name, has gone).
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Emergency access', exact: true }).waitFor();
    assert.deepEqual(answers, [201]);
    await page.close();
  });

  test('a social worker sees that investigations are not available to their role', async () => {
    const page = await openPatient('social-worker', 'discharge-medicines-differ');
    await givePermission(page);
    const tab = page.getByRole('tab', { name: /^Investigations/ });
    assert.equal((await tab.innerText()).trim(), 'Investigations', 'no count on a hidden section');
    await tab.click();
    const panel = await page.getByRole('tabpanel').innerText();
    assert.match(panel, /Investigations: not available to your role/);
    assert.doesNotMatch(panel, /were returned/);
    await page.close();
  });
});
