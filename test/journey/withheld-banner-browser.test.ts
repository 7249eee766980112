/**
 * A GP opens the record of the patient whose hospital record holds legally restricted items
 * (999 000 0387) in headless Chromium. The page streams the record; when the stream ends it says,
 * neutrally, that some information is not shown, as the JSON view does — never what or how much.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const persona = PERSONAS.find((candidate) => candidate.key === 'restricted-hospital-items');

describe('a streamed record with items withheld, in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const recordRequests: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    system = await startSystem();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (/\/record(\/stream)?$/.test(path)) recordRequests.push(path);
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('999 000 0387: the page that streamed the record says some information is not shown', async () => {
    assert.ok(persona !== undefined, 'the restricted-hospital-items persona exists');
    assert.equal(persona.nhsNumber, '9990000387');
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

    await page.getByText('Some information is not shown.').waitFor({ timeout: 30_000 });
    // Asked once before the permission (refused), once after: both times as a stream.
    assert.ok(recordRequests.length > 0);
    assert.ok(
      recordRequests.every((path) => path === `/api/patients/${persona.nhsNumber}/record/stream`),
      'the page read the record as a stream, not the plain view',
    );
    // Neutral words only: nothing says what was withheld.
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /IVF|in vitro|gender identity|sexual health/i);
  });
});
