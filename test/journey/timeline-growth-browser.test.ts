/**
 * A hospital clinician, in headless Chromium against the real simulated sources, reads Margaret
 * Oakley's record (999 000 0107) as one timeline across her GP, the hospital, community nursing
 * and social care, and narrows it to the hospital; then the 14-month-old Lily Carter's growth
 * (999 000 0948): her weight, length and head circumference charted against the UK-WHO centiles,
 * each chart with its table. axe finds nothing on either view.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

describe('the timeline and a child’s growth charts, in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  /** Opens a patient's record with recorded permission and waits for every source. */
  async function openRecord(nhsNumber: string): Promise<void> {
    await page.getByLabel('NHS number').fill(nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.results__name').first().click();
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();
    // Every system has answered once printing is offered.
    await page
      .locator('.print-controls button:not([disabled])')
      .first()
      .waitFor({ timeout: 30_000 });
  }

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    const account = await system.createUser('hospital-clinician');
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('999 000 0107: the timeline lists entries from several sources, newest first; choosing the hospital leaves only its lines', async () => {
    await openRecord('9990000107');
    await page.getByRole('tab', { name: /Timeline/ }).click();
    const lines = page.locator('ol.timeline > li.timeline__line');
    await lines.first().waitFor();
    const sources = new Set(
      (
        await lines.evaluateAll((items) => items.map((li) => li.getAttribute('data-source') ?? ''))
      ).flatMap((ids) => ids.split(' ')),
    );
    assert.ok(sources.size >= 3, `several sources: ${[...sources].join(', ')}`);
    const dates = await lines.locator('.timeline__date').allInnerTexts();
    assert.match(dates[0] ?? '', /^\d{2}-[A-Z][a-z]{2}-\d{4}$/, 'UK dates');
    const times = dates
      .filter((date) => date !== 'Undated')
      .map((date) => Date.parse(date.replace(/-/g, ' ')));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );
    const types = await lines.locator('.timeline__type').allInnerTexts();
    for (const type of ['Encounter', 'Admission', 'Result', 'Document'])
      assert.ok(types.includes(type), `has a line of type ${type}`);
    assert.deepEqual(await axeViolations(page), []);

    const sourceSelect = page.getByLabel('Source');
    const hospital = sourceSelect
      .locator('option')
      .filter({ hasText: /Hospital/ })
      .first();
    const hospitalId = (await hospital.getAttribute('value')) ?? '';
    const hospitalName = (await hospital.innerText()).trim();
    await sourceSelect.selectOption(hospitalId);
    await page
      .getByRole('status')
      .filter({ hasText: /entries shown/ })
      .waitFor();
    const narrowed = await lines.evaluateAll((items) =>
      items.map((li) => li.getAttribute('data-source') ?? ''),
    );
    assert.ok(narrowed.length > 0 && narrowed.length < dates.length, 'fewer lines');
    for (const ids of narrowed) assert.ok(ids.split(' ').includes(hospitalId), ids);
    for (const text of await lines.locator('.timeline__source').allInnerTexts())
      assert.ok(text.includes(hospitalName), text);

    await page.getByLabel('Type').selectOption('admission');
    const admissions = await lines.locator('.timeline__type').allInnerTexts();
    assert.ok(admissions.length >= 1);
    assert.ok(admissions.every((type) => type === 'Admission'));
    assert.deepEqual(await axeViolations(page), []);
  });

  test('999 000 0948: the 14-month-old’s weight, length and head circumference are charted against the UK-WHO centiles, with tables', async () => {
    await page.getByRole('button', { name: 'Find another patient' }).click();
    await openRecord('9990000948');
    const tab = page.getByRole('tab', { name: /Growth/ });
    await tab.click();
    await page.getByRole('heading', { name: 'Growth', level: 2 }).waitFor();
    assert.match(await page.locator('#heading-growth ~ .hint').innerText(), /Girls’ UK-WHO/);
    for (const name of ['weight', 'length', 'head circumference']) {
      const chart = page.getByRole('img', { name: new RegExp(`Growth chart of ${name}`) });
      await chart.waitFor();
      const points = Number(await chart.getAttribute('data-points'));
      assert.ok(points >= 3, `${name}: ${points} points`);
      assert.equal(await chart.locator('circle').count(), points, 'each point drawn');
      assert.equal(await chart.locator('.growth-chart__centile').count(), 9, 'nine centile lines');
      assert.match((await chart.textContent()) ?? '', /99\.6th/);
    }
    const weights = page.getByRole('table', { name: /Weight \(kg\)/ });
    const rows = await weights.locator('tbody tr').allInnerTexts();
    assert.ok(rows.length >= 3);
    assert.match(
      rows[0] ?? '',
      /\d{2}-[A-Z][a-z]{2}-\d{4}\s+\d+ months\s+[\d.]+ kg\s+(on|between) the/,
    );
    for (const row of rows)
      assert.match(row, /(on|between) the (50th|75th)/, 'she grows along her centiles');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(pageErrors, []);
  });
});
