/**
 * @module A very large GP record (several MB: hundreds of consultations, thousands of results)
 * in headless Chromium: the page stays responsive while it arrives and while the clinician moves
 * between sections, which draw a page at a time with "Show more".
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const persona = PERSONAS.find((candidate) => candidate.key === 'large-gp-record');
const SCREENSHOT = process.env['MCR_SCREENSHOT_DIR'];

/** What the page records about itself: long tasks, and when each stream event arrived. */
interface PageTimings {
  readonly longTasks: readonly { readonly start: number; readonly duration: number }[];
  readonly events: readonly { readonly type: string; readonly at: number; readonly size: number }[];
  /** When the Summary first showed the GP practice's lines (performance.now()). */
  readonly summaryAt?: number;
}

async function timings(page: Page): Promise<PageTimings> {
  return page.evaluate(() => (window as unknown as { mcrTimings: PageTimings }).mcrTimings);
}

async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * Installed before the page loads: records long tasks, when each stream event arrives, and the
 * first frame in which the Summary shows the GP practice's data.
 */
function observePage(): void {
  const record: {
    longTasks: { start: number; duration: number }[];
    events: { type: string; at: number; size: number }[];
    summaryAt?: number;
  } = { longTasks: [], events: [] };
  (window as unknown as { mcrTimings: typeof record }).mcrTimings = record;
  // Notes the first frame in which the Summary shows the GP practice's lines (each line keeps
  // its source): a frame callback runs just before that frame is painted.
  const watch = (): void => {
    const summary = document.getElementById('heading-summary')?.parentElement;
    if (summary?.textContent?.includes('Riverside Medical Practice') === true) {
      record.summaryAt = performance.now();
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      record.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  // Notes when each stream event reaches the page: the record stream's body is read a
  // second time here (a tee), event by event, as the page's own reader sees it.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await nativeFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/record/stream') || response.body === null) return response;
    const [mine, theirs] = response.body.tee();
    void (async () => {
      // Frames are counted as they pass, keeping only each one's first characters (for its
      // event name) and its length: no rescanning of a multi-megabyte frame.
      let head = '';
      let length = 0;
      let last = '';
      const add = (text: string): void => {
        if (head.length < 200) head += text.slice(0, 200 - head.length);
        length += text.length;
      };
      const finish = (): void => {
        const type = /^event: (.*)$/m.exec(head)?.[1] ?? 'message';
        record.events.push({ type, at: performance.now(), size: length });
        head = '';
        length = 0;
      };
      const reader = mine.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        // The page stops its own reading at `complete`, which aborts this copy too.
        const { done, value } = await reader.read().catch(() => ({ done: true, value: '' }));
        if (done) return;
        let start = 0;
        if (last === '\n' && value.startsWith('\n')) {
          finish();
          start = 1;
        }
        let end = value.indexOf('\n\n', start);
        while (end !== -1) {
          add(value.slice(start, end));
          finish();
          start = end + 2;
          end = value.indexOf('\n\n', start);
        }
        add(value.slice(start));
        last = value.at(-1) ?? last;
      }
    })();
    return new Response(theirs, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

describe('a very large GP record in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.addInitScript(observePage);
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('the record opens without freezing the page, and each section draws a page at a time', async () => {
    assert.ok(persona !== undefined, 'the large-gp-record persona exists');
    const account = await system.createUser('gp');
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('NHS number').fill(persona.nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    const family = persona.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await page.getByRole('button', { name: new RegExp(family) }).click();
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();

    // The GP practice's answer is the big one: wait until it has reached the page.
    const panel = page.getByRole('tabpanel');
    await page.getByRole('tab', { name: /^Medications/ }).click();
    await panel
      .locator('.item')
      .filter({ hasText: 'Riverside Medical Practice' })
      .first()
      .waitFor({ timeout: 30_000 });
    const shownAt = await now(page);
    await page
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor({
        timeout: 30_000,
      });
    const seen = await timings(page);
    const biggest = [...seen.events]
      .filter((event) => event.type === 'source')
      .sort((a, b) => b.size - a.size)[0];
    assert.ok(biggest !== undefined, 'the record arrived over the stream');
    assert.ok(biggest.size > 1_000_000, `the GP answer is several MB (${biggest.size} bytes)`);
    assert.ok(
      shownAt - biggest.at < 3000,
      `medications shown ${Math.round(shownAt - biggest.at)} ms after the GP data arrived`,
    );
    assert.ok(
      await page.getByRole('heading', { name: 'Medications', exact: true }).isVisible(),
      'the Medications heading is visible',
    );

    // Encounters: hundreds, a page at a time, each opening into its consultation.
    let started = Date.now();
    await page.getByRole('tab', { name: /^Encounters/ }).click();
    await page.getByRole('heading', { name: 'Encounters', exact: true }).waitFor();
    const encounterCount = await panel.locator('.encounter').count();
    assert.ok(Date.now() - started < 1500, `encounters drawn in ${Date.now() - started} ms`);
    assert.ok(encounterCount > 0 && encounterCount <= 30, `${encounterCount} encounters drawn`);
    const moreEncounters = panel.getByRole('button', { name: /^Show \d+ more$/ });
    await moreEncounters.click();
    assert.ok(
      (await panel.locator('.encounter').count()) > encounterCount,
      'Show more adds encounters',
    );
    const consultation = panel.locator('.encounter').filter({ hasText: 'topic' }).first();
    await consultation.locator('.disclosure').click();
    await consultation.locator('.topic').first().waitFor();

    // Investigations: thousands of results, a page of report tables at a time.
    started = Date.now();
    await page.getByRole('tab', { name: /^Investigations/ }).click();
    await page.getByRole('heading', { name: 'Test reports' }).waitFor();
    assert.ok(Date.now() - started < 2000, `investigations drawn in ${Date.now() - started} ms`);
    const reports = await panel.locator('.report').count();
    assert.ok(reports > 0 && reports <= 20, `${reports} reports drawn`);
    assert.ok((await panel.locator('table.results').count()) > 0, 'results are shown as tables');
    await panel
      .getByRole('button', { name: /^Show \d+ more$/ })
      .first()
      .click();
    assert.ok((await panel.locator('.report').count()) > reports, 'Show more adds reports');
    if (SCREENSHOT !== undefined) {
      await page.screenshot({ path: `${SCREENSHOT}/large-record.png`, fullPage: false });
    }

    const { longTasks } = await timings(page);
    const afterData = longTasks.filter((task) => task.start + task.duration >= biggest.at);
    const longest = Math.max(0, ...afterData.map((task) => task.duration));
    assert.ok(
      longest < 1000,
      `the longest task after the data arrived took ${Math.round(longest)} ms`,
    );
    assert.deepEqual(pageErrors, []);
  });
  test('the Summary is painted within a second of the record arriving, and sections and their search never freeze the page', async () => {
    assert.ok(persona !== undefined, 'the large-gp-record persona exists');
    await browser.context.clearCookies();
    const fresh = await browser.context.newPage();
    await fresh.addInitScript(observePage);
    const errors: string[] = [];
    fresh.on('pageerror', (error) => {
      errors.push(error.message);
    });
    const account = await system.createUser('gp');
    await fresh.goto(system.url);
    await fresh.getByLabel('Username').fill(account.username);
    await fresh.getByLabel('Password').fill(account.password);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByLabel('NHS number').fill(persona.nhsNumber);
    await fresh.getByRole('button', { name: 'Search' }).click();
    const family = persona.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await fresh.getByRole('button', { name: new RegExp(family) }).click();
    const dialog = fresh.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();

    // The record opens on its Summary; every source answers or reports a problem.
    await fresh
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor({ timeout: 30_000 });
    assert.ok(
      await fresh.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')),
      'Chromium reports long tasks',
    );
    const summaryHeading = fresh.getByRole('heading', { name: 'Summary', exact: true });
    await summaryHeading.waitFor();
    assert.ok(await summaryHeading.isVisible(), 'the Summary heading is visible');
    await fresh.waitForFunction(
      () => (window as unknown as { mcrTimings: PageTimings }).mcrTimings.summaryAt !== undefined,
    );
    const opened = await timings(fresh);
    const gp = [...opened.events]
      .filter((event) => event.type === 'source')
      .sort((a, b) => b.size - a.size)[0];
    assert.ok(gp !== undefined && gp.size > 1_000_000, 'the GP answer arrived over the stream');
    const summaryAt = opened.summaryAt ?? Number.NaN;
    const toSummary = summaryAt - gp.at;
    const openingTasks = opened.longTasks.filter((task) => task.start + task.duration >= gp.at);

    // Medications, then Problems, then the clinician looks for the diabetes in Problems.
    const panel = fresh.getByRole('tabpanel');
    await fresh.getByRole('tab', { name: /^Medications/ }).click();
    await fresh.getByRole('heading', { name: 'Medications', exact: true }).waitFor();
    const medicines = panel.getByRole('status').filter({ hasText: / shown$/ });
    const allMedicines = (await medicines.textContent()) ?? '';
    // The first medicine's name, as its card shows it, finds it (and fewer than all).
    const firstTitle = (await panel.locator('.item__title').first().textContent()) ?? '';
    const firstWord = firstTitle.split(/\s+/)[0] ?? '';
    await panel.getByLabel('Find in medications').pressSequentially(firstWord, { delay: 50 });
    await medicines.filter({ hasNotText: allMedicines }).waitFor();
    const someMedicines = (await medicines.textContent()) ?? '';
    await fresh.getByRole('tab', { name: /^Problems/ }).click();
    await fresh.getByRole('heading', { name: 'Problems', exact: true }).waitFor();
    const count = panel.getByRole('status').filter({ hasText: / shown$/ });
    const before = (await count.textContent()) ?? '';
    const all = /^([\d,]+) of ([\d,]+) shown$/.exec(before);
    assert.ok(all !== null && all[1] === all[2], `every problem is shown at first (${before})`);
    await panel.getByLabel('Find in problems').pressSequentially('diabetes', { delay: 50 });
    await count.filter({ hasNotText: before }).waitFor();
    const after = (await count.textContent()) ?? '';
    const narrowed = /^([\d,]+) of ([\d,]+) shown$/.exec(after);
    assert.ok(
      narrowed !== null &&
        Number((narrowed[1] ?? '').replaceAll(',', '')) > 0 &&
        narrowed[1] !== all[1],
      `the search narrows the problems (${after})`,
    );
    const items = panel.locator('.item');
    const shownItems = await items.count();
    assert.ok(shownItems > 0, 'the problems found are shown');
    assert.equal(
      await items.filter({ hasNotText: /diabetes/i }).count(),
      0,
      'every problem shown names diabetes',
    );

    // Investigations: thousands of results, searched as the clinician types.
    await fresh.getByRole('tab', { name: /^Investigations/ }).click();
    await fresh.getByRole('heading', { name: 'Investigations', exact: true }).waitFor();
    const investigationsAt = (await now(fresh)) - gp.at;
    const results = panel.getByRole('status').filter({ hasText: / shown$/ });
    const allResults = (await results.textContent()) ?? '';
    const typingAt = await now(fresh);
    await panel
      .getByLabel('Find in investigations')
      .pressSequentially('haemoglobin', { delay: 50 });
    await results.filter({ hasNotText: allResults }).waitFor();
    const someResults = (await results.textContent()) ?? '';
    assert.ok(
      (await panel.getByText(/haemoglobin/i).count()) > 0,
      `the results found are shown (${someResults})`,
    );

    const { longTasks } = await timings(fresh);
    const afterData = longTasks.filter((task) => task.start + task.duration >= gp.at);
    const longest = Math.max(0, ...afterData.map((task) => task.duration));
    console.log(
      `Summary painted ${Math.round(toSummary)} ms after the GP data (${gp.size} bytes) arrived; ` +
        `longest task while opening it ${Math.round(Math.max(0, ...openingTasks.map((task) => task.duration)))} ms; ` +
        `medications ${allMedicines}, found ${someMedicines}; problems found ${after}; investigations ${allResults}, found ${someResults}; longest task from the data to the last search ${Math.round(longest)} ms ` +
        `(investigations drawn at ${Math.round(investigationsAt)}, typing from ${Math.round(typingAt - gp.at)}; ${afterData.length} long tasks: ${afterData.map((task) => `${Math.round(task.duration)} ms at ${Math.round(task.start - gp.at)}`).join(', ')})`,
    );
    assert.ok(
      toSummary < 1000,
      `the Summary was painted ${Math.round(toSummary)} ms after the data arrived`,
    );
    assert.ok(
      longest <= 200,
      `the longest task after the data arrived took ${Math.round(longest)} ms`,
    );
    assert.deepEqual(errors, []);
    await fresh.close();
  });
});
