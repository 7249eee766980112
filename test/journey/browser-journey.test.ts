/**
 * @module The clinician's journey in a real browser (headless Chromium) against the real server
 * and simulated sources: sign in → find → permission → the record with its sources → withdraw.
 * Also pins what the browser must never keep: no storage, no IndexedDB, no cacheable API answers.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsoleMessage, Page, Response } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const INDEX_HTML = `${DEFAULT_WEB_ROOT}/index.html`;
const SCREENSHOT = '/tmp/record.png';
const persona = PERSONAS.find((candidate) => candidate.key === 'discharge-medicines-differ');

/** Responses the journey expects to be refused: not errors of the page itself. */
const EXPECTED_REFUSALS: readonly { readonly status: number; readonly path: RegExp }[] = [
  { status: 401, path: /^\/api\/session$/ },
  { status: 403, path: /^\/api\/patients\/\d{10}\/record(\/stream)?$/ },
];

interface ApiResponseSeen {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly cacheControl: string | undefined;
}

describe('the clinician’s journey in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const consoleErrors: string[] = [];
  const apiResponses: ApiResponseSeen[] = [];

  before(async () => {
    assert.ok(
      existsSync(INDEX_HTML),
      `${INDEX_HTML} is missing: build the web UI first with \`npm run build:web\` (npm test does this)`,
    );
    system = await startSystem();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // Collected inside the page: every Content-Security-Policy violation it reports.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const url = new URL(message.location().url || system.url, system.url);
      const status = /status of (\d{3})/.exec(message.text())?.[1];
      const expected = EXPECTED_REFUSALS.some(
        (refusal) => String(refusal.status) === status && refusal.path.test(url.pathname),
      );
      if (!expected) consoleErrors.push(`${message.text()} (${url.pathname})`);
    });
    page.on('pageerror', (error) => {
      consoleErrors.push(`uncaught: ${error.message}`);
    });
    page.on('response', (response: Response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/')) return;
      apiResponses.push({
        method: response.request().method(),
        path: url.pathname,
        status: response.status(),
        cacheControl: response.headers()['cache-control'],
      });
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('sign in, find the patient, give permission, read GP and hospital medicines, withdraw', async () => {
    assert.ok(persona !== undefined, 'the discharge-medicines-differ persona exists');
    const gpSource = system.config.sources.find((source) => source.id === 'gp-a81001');
    const hospital = system.config.sources.find((source) => source.id === 'hospital');
    assert.ok(gpSource !== undefined && hospital !== undefined);
    const account = await system.createUser('hospital-clinician');

    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByLabel('NHS number').fill(persona.nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    const family = persona.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await page.getByRole('button', { name: new RegExp(family) }).click();

    // Asked for permission before anything is shown.
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('heading', { name: 'Record permission' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Medications' }).count(), 0);
    await dialog.getByRole('button', { name: 'Record permission' }).click();

    // The record opens on its Summary; the medicines of every source are in their own tab.
    await page.getByRole('heading', { name: 'Summary', exact: true }).waitFor();
    await page.getByRole('tab', { name: /^Medications/ }).click();
    const medications = page.getByRole('tabpanel').filter({
      has: page.getByRole('heading', { name: 'Medications' }),
    });
    await medications.waitFor();
    // The record streams in source by source: wait until every system has answered.
    await page
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor();
    const text = await medications.innerText();
    assert.match(text, /apixaban/i, 'the hospital’s discharge medicine is shown');
    assert.match(text, /simvastatin/i, 'the GP’s medicine is shown');
    assert.ok(text.includes(`from ${gpSource.name}`), `GP provenance missing in:\n${text}`);
    assert.ok(text.includes(`from ${hospital.name}`), `hospital provenance missing in:\n${text}`);
    const sources = await page
      .getByRole('region', { name: 'Where this record came from' })
      .innerText();
    assert.ok(sources.includes(gpSource.name) && sources.includes(hospital.name), sources);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByRole('button', { name: 'Withdraw permission' }).click();
    await page.getByRole('button', { name: 'Yes, withdraw permission' }).click();
    await page.getByRole('heading', { name: 'Permission needed' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Medications' }).count(), 0);
    assert.doesNotMatch(await page.locator('main').innerText(), /apixaban/i);

    // The view after withdrawing was refused by the server, not just hidden by the page; each
    // refusal was read from the stream's own answer, so no view was asked for (or audited) twice.
    const views = apiResponses.filter((response) => /\/record(\/stream)?$/.test(response.path));
    assert.deepEqual(
      views.map(
        (response) => `${response.status} ${response.path.replace(/^.*\/record/, 'record')}`,
      ),
      ['403 record/stream', '200 record/stream', '403 record/stream'],
    );
  });

  test('the browser keeps nothing: no local or session storage, no IndexedDB, no caches', async () => {
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).map((database) => database.name ?? ''),
      caches: 'caches' in window ? await caches.keys() : [],
    }));
    assert.deepEqual(stored, { local: 0, session: 0, databases: [], caches: [] });
  });

  test('every API answer tells the browser and any cache not to store it', () => {
    assert.ok(apiResponses.some((response) => /^\/api\/patients$/.test(response.path)));
    assert.ok(apiResponses.some((response) => response.status === 200));
    const storable = apiResponses.filter((response) => response.cacheControl !== 'no-store');
    assert.deepEqual(storable, []);
  });

  test('no console errors and no Content-Security-Policy violations', async () => {
    const violations = await page.evaluate(
      () => (window as unknown as { cspViolations: string[] }).cspViolations,
    );
    assert.deepEqual(violations, []);
    assert.deepEqual(consoleErrors, []);
  });
});
