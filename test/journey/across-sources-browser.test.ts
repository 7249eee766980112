/**
 * @module A clinician reads across the record in headless Chromium: an adult's HbA1c and eGFR
 * charted over time with their reference ranges and a table of the same results; axe clean on
 * each new view.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { PERSONAS, type PersonaKey } from '../../sim/population/personas.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const SCREENSHOT = process.env['MCR_SCREENSHOT_DIR'];

describe('reading across every source, in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const permitted = new Set<PersonaKey>();

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // Installed before every navigation: every long task the page runs is noted.
    await page.addInitScript(() => {
      const tasks: { start: number; duration: number }[] = [];
      (window as unknown as { mcrLongTasks: typeof tasks }).mcrLongTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          tasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    const account = await system.createUser('gp');
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('NHS number').waitFor();
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  /** Finds the persona, records permission and waits until every source has answered. */
  async function openRecord(key: PersonaKey): Promise<void> {
    const persona = PERSONAS.find((candidate) => candidate.key === key);
    assert.ok(persona !== undefined, `persona ${key} exists`);
    await page.goto(system.url);
    await page.getByLabel('NHS number').fill(persona.nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    const family = persona.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await page.getByRole('button', { name: new RegExp(family) }).click();
    if (!permitted.has(key)) {
      const dialog = page.getByRole('dialog', { name: 'Record permission' });
      await dialog.getByRole('button', { name: 'Record permission' }).click();
      permitted.add(key);
    }
    await page
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor({ timeout: 30_000 });
  }

  test("the diabetic patient's HbA1c and eGFR are charted over time, with a table of the same results", async () => {
    await openRecord('typical');
    await page.getByRole('tab', { name: 'Trends' }).click();
    const hba1c = page.getByRole('figure', { name: /Haemoglobin A1c/ });
    await hba1c.waitFor();
    const chart = hba1c.getByRole('img', { name: /Chart of Haemoglobin A1c/ });
    const points = await chart.locator('circle').count();
    assert.ok(points >= 3, `${points} HbA1c results are charted`);
    assert.equal(
      await chart.locator('.trend-chart__range').count(),
      1,
      'the reference range is drawn',
    );
    const description = await chart.locator('desc').textContent();
    assert.match(description ?? '', /results from \d{2}-\w{3}-\d{4} to \d{2}-\w{3}-\d{4}/);
    assert.match(description ?? '', /Reference range 20 to 41 mmol\/mol/);
    // The same results as a table: one row a result, newest first, each with its source.
    const rows = hba1c.getByRole('table').locator('tbody tr');
    assert.equal(await rows.count(), points);
    const first = await rows.first().innerText();
    assert.match(first, /^\d{2}-\w{3}-\d{4}\s+\d+ mmol\/mol/);
    assert.match(first, /Riverside Medical Practice|Hospital/);

    if (SCREENSHOT !== undefined) await hba1c.screenshot({ path: `${SCREENSHOT}/trend-hba1c.png` });

    const egfr = page.getByRole('figure', { name: /eGFR/ });
    assert.ok((await egfr.locator('svg circle').count()) >= 3, 'eGFR is charted too');

    // Narrowing by name leaves only the matching tests.
    await page.getByLabel('Find a test').fill('egfr');
    assert.equal(await page.getByRole('figure').count(), 1);
    await page.getByLabel('Find a test').fill('');

    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(pageErrors, []);
  });

  test("the hospital's discharge letter opens in the page, fetched live, and nothing of it is stored", async () => {
    await openRecord('typical');
    await page.getByRole('tab', { name: /^Documents/ }).click();
    const panel = page
      .getByRole('tabpanel')
      .filter({ has: page.getByRole('heading', { name: 'Documents', exact: true }) });
    const letter = panel.locator('.item').filter({ hasText: 'Northgate' }).first();
    const fetched = page.waitForResponse((response) =>
      /\/sources\/hospital\/documents\//.test(response.url()),
    );
    await letter.getByRole('button', { name: 'Open document' }).click();
    const response = await fetched;
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['cache-control'], 'no-store');
    const frame = letter.frameLocator('iframe');
    await frame.locator('p').first().waitFor();
    const words = await frame.locator('body').innerText();
    assert.ok(words.length > 20, `the letter's words are shown (${words.length} characters)`);
    assert.equal(
      await letter.getByRole('button', { name: 'Close document' }).getAttribute('aria-expanded'),
      'true',
    );
    const stored = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
    }));
    assert.deepEqual(stored, { local: 0, session: 0 });
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(pageErrors, []);
  });

  test('the very large GP record (999 000 1014): timeline and trends open and scroll with no long task over 200 ms', async () => {
    await openRecord('large-gp-record');
    const longTasks = async (): Promise<{ start: number; duration: number }[]> =>
      page.evaluate(
        () =>
          (window as unknown as { mcrLongTasks: { start: number; duration: number }[] })
            .mcrLongTasks,
      );
    const from = await page.evaluate(() => performance.now());
    let started = Date.now();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator('.timeline__line').first().waitFor();
    const timelineMs = Date.now() - started;
    const shown = await page.locator('.timeline__line').count();
    assert.ok(shown <= 100, `${shown} timeline lines drawn at first`);
    await page.getByRole('button', { name: /^Show \d+ more$/ }).click();
    await page.mouse.wheel(0, 4000);
    started = Date.now();
    await page.getByRole('tab', { name: 'Trends' }).click();
    await page.getByRole('figure').first().waitFor();
    const trendsMs = Date.now() - started;
    const charts = await page.getByRole('figure').count();
    await page.mouse.wheel(0, 8000);
    await page.getByLabel('Find a test').fill('hba1c');
    await page.mouse.wheel(0, -8000);
    const tasks = (await longTasks()).filter((task) => task.start >= from);
    const longest = Math.max(0, ...tasks.map((task) => task.duration));
    console.log(
      `large record: timeline drawn in ${timelineMs} ms, ${charts} trend charts in ${trendsMs} ms; ` +
        `${tasks.length} long tasks while switching and scrolling, longest ${Math.round(longest)} ms (target under 200 ms)`,
    );
    assert.ok(longest < 200, `the longest task took ${Math.round(longest)} ms`);
    assert.deepEqual(pageErrors, []);
  });
});
