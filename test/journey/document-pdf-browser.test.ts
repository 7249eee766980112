/**
 * @module A PDF opens in the page: the typical patient's ReSPECT form, an NRL pointer in the
 * simulated region, fetched live through the server and drawn by pdf.js from the fetched bytes,
 * under the page's own Content-Security-Policy (no worker-src, so pdf.js runs in the page).
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

describe('a PDF document in the browser', () => {
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(`${DEFAULT_WEB_ROOT}/index.html`), 'build the web UI first');
    system = await startSystem({ sims: { region: true, size: 400 } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test("the patient's ReSPECT form (an NRL pointer to a PDF) opens and is drawn page by page", async () => {
    const persona = PERSONAS.find((candidate) => candidate.key === 'typical');
    assert.ok(persona !== undefined);
    const account = await system.createUser('hospital-clinician', 'RXX01');
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('NHS number').fill(persona.nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    const family = persona.name.split(' ').at(-1)?.toUpperCase() ?? '';
    await page.getByRole('button', { name: new RegExp(family) }).click();
    await page
      .getByRole('dialog', { name: 'Record permission' })
      .getByRole('button', { name: 'Record permission' })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: /answered or reported/ })
      .waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: /^Documents/ }).click();
    const form = page
      .locator('.sections .item')
      .filter({ hasText: /ReSPECT/i })
      .first();
    const fetched = page.waitForResponse((response) =>
      /\/documents\/RYY02-respect-0107$/.test(response.url()),
    );
    await form.getByRole('button', { name: 'Open document' }).click();
    const response = await fetched;
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    assert.equal(response.headers()['cache-control'], 'no-store');
    const pageImage = form.getByRole('img', { name: /page 1 of \d+/ });
    await pageImage.waitFor({ timeout: 15_000 });
    const drawn = await pageImage.evaluate((canvas) => {
      const element = canvas as HTMLCanvasElement;
      const pixels = element
        .getContext('2d')
        ?.getImageData(0, 0, element.width, element.height).data;
      let inked = 0;
      for (let i = 0; pixels !== undefined && i < pixels.length; i += 4)
        if ((pixels[i] ?? 255) < 128 && (pixels[i + 3] ?? 0) > 0) inked += 1;
      return { width: element.width, height: element.height, inked };
    });
    assert.ok(drawn.width > 100 && drawn.height > 100, `page drawn ${drawn.width}×${drawn.height}`);
    assert.ok(drawn.inked > 50, `the page has text on it (${drawn.inked} dark pixels)`);
    assert.equal(await form.getByRole('alert').count(), 0, 'no "could not be drawn" message');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(pageErrors, []);
  });
});
