/**
 * A hospital clinician reads the record of the man discharged after a heart attack (999 000 0247)
 * in headless Chromium, against the real simulated sources: the medicines are reconciled side by
 * side with every discrepancy named; the warfarin allergy both systems hold is one line naming
 * both, each system's own entry a click away; and printing is audited before the page prints,
 * every printed page marked "Not for storage", no buttons printed, no print when the audit fails.
 * Then Arthur signs in through the simulated NHS login and sees the print in his access history.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Locator, Page } from 'playwright-core';
import {
  NHS_LOGIN_SCOPES,
  startNhsLoginSim,
  type RunningNhsLoginSim,
} from '../../sim/servers/nhs-login-server.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';
import { axeViolations } from '../support/axe.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const arthur = PERSONAS.find((persona) => persona.key === 'discharge-medicines-differ');

/** Counts the page's calls to window.print (the headless browser has no print dialog). */
const COUNT_PRINTS = `window.__prints = 0; window.print = () => { window.__prints += 1; };`;

describe('medicines reconciled, duplicates once, and an audited print, in the browser', () => {
  let nhsLogin: RunningNhsLoginSim;
  let system: RunningSystem;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  const prints = (): Promise<number> =>
    page.evaluate(() => (window as unknown as { __prints: number }).__prints);

  /** The reconciliation table's rows whose status reads `status`, as text. */
  async function rowsSaying(status: RegExp): Promise<string[]> {
    const rows = page.locator('.reconciliation__table tbody tr');
    const texts = await rows.allInnerTexts();
    return texts.filter((text) => status.test(text));
  }

  async function visibleButtons(): Promise<Locator[]> {
    const all = await page.locator('button, summary').all();
    const visible: Locator[] = [];
    for (const button of all) if (await button.isVisible()) visible.push(button);
    return visible;
  }

  before(async () => {
    assert.ok(
      existsSync(`${DEFAULT_WEB_ROOT}/index.html`),
      'build the web UI first with `npm run build:web` (npm test does this)',
    );
    assert.ok(arthur !== undefined && arthur.nhsNumber === '9990000247');
    nhsLogin = await startNhsLoginSim();
    system = await startSystem({
      config: {
        nhsLogin: {
          issuer: nhsLogin.issuer,
          clientId: nhsLogin.clientId,
          clientSecret: nhsLogin.clientSecret,
          scopes: NHS_LOGIN_SCOPES,
        },
      },
    });
    nhsLogin.registerClient(new URL('/auth/nhs-login/callback', system.url).href);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.addInitScript(COUNT_PRINTS);
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
    await nhsLogin?.close();
  });

  test('999 000 0247: the reconciliation names simvastatin and atorvastatin as one class, ramipril and amlodipine as only at the GP', async () => {
    const account = await system.createUser('hospital-clinician');
    await page.goto(system.url);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('NHS number').fill('9990000247');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: /PENNINGTON/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();
    // The record opens on its summary; the reconciliation sits with the medicines.
    await page.getByRole('tab', { name: /Medications/ }).click();

    const table = page.getByRole('table', { name: /Medicines reconciliation/ });
    await table.waitFor({ timeout: 30_000 });
    const sameClass = await rowsSaying(/possible duplication/);
    assert.equal(sameClass.length, 1, 'one same-class line');
    assert.match(sameClass[0] ?? '', /Simvastatin/);
    assert.match(sameClass[0] ?? '', /Atorvastatin/);
    assert.match(sameClass[0] ?? '', /Statins \(BNF 2\.12\)/);
    assert.match(
      sameClass[0] ?? '',
      /last issued \d{2}-[A-Z][a-z]{2}-\d{4}/,
      'the GP’s deciding date',
    );
    assert.match(sameClass[0] ?? '', /prescribed \d{2}-[A-Z][a-z]{2}-\d{4}/, 'the discharge date');
    assert.match(sameClass[0] ?? '', /Check with the patient/);

    const gpOnly = (await rowsSaying(/Only on the GP list/)).join('\n');
    assert.match(gpOnly, /Ramipril/);
    assert.match(gpOnly, /Amlodipine/);
    assert.match(gpOnly, /stopped in hospital, or omitted\?/);
    const started = (await rowsSaying(/Not on the GP list/)).join('\n');
    for (const drug of ['Apixaban', 'Bisoprolol', 'Furosemide'])
      assert.match(started, new RegExp(drug));
    assert.deepEqual(await axeViolations(page), []);
  });

  test('the warfarin allergy from the GP and the hospital is one line from both, each system’s entry a click away', async () => {
    await page.getByRole('tab', { name: /Allergies/ }).click();
    // The section's own lines (each source's copy sits inside its line, folded away).
    const warfarin = page
      .locator('ul.items:not(.items--copies) > li.item')
      .filter({ hasText: /warfarin/i });
    assert.equal(await warfarin.count(), 1, 'one line, not one per source');
    const line = warfarin.first();
    const source = await line.locator('.item__source').first().innerText();
    assert.match(
      source,
      /from Riverside Medical Practice and Northgate Teaching Hospitals/,
      `names both sources: ${source}`,
    );
    assert.match(
      await page
        .locator('li.source')
        .filter({ hasText: 'Northgate Teaching Hospitals' })
        .innerText(),
      /Allergies 1\b/,
      'the source panel still counts each source’s allergies',
    );
    await line.getByText('Show each source’s entry').click();
    const copy = line.locator('.items--copies li.item');
    assert.equal(await copy.count(), 1);
    await copy.first().waitFor();
    assert.match(await copy.first().innerText(), /warfarin/i);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('tab', { name: /Medications/ }).click();
  });

  test('printing the summary is audited first; every printed page is marked not for storage, with no buttons', async () => {
    await page.getByRole('button', { name: 'Print summary' }).click();
    await page.getByText('Printing the summary: recorded in the audit trail.').waitFor();
    assert.equal(await prints(), 1, 'the page printed once the audit answered');
    const [entry] = await system.app.services.audit.list({
      action: 'record-printed',
      nhsNumber: '9990000247',
      limit: 1,
    });
    assert.ok(entry?.entry.event.action === 'record-printed');
    assert.equal(entry.entry.event.scope, 'summary');

    await page.emulateMedia({ media: 'print' });
    const marking = page.locator('.print-view .print-marking').first();
    assert.ok(await marking.isVisible(), 'the marking is printed');
    assert.match(
      await marking.innerText(),
      /^Not for storage — printed by .+, [A-Z0-9]+, \d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}; the live record may have changed$/,
    );
    assert.equal(
      await page.locator('.print-view thead .print-marking').count(),
      1,
      'in the repeated page head',
    );
    const printed = await page.locator('.print-view').innerText();
    assert.match(printed, /Medicines reconciliation/);
    assert.match(printed, /999 000 0247/);
    assert.deepEqual(await visibleButtons(), [], 'no buttons are printed');
    assert.equal(await page.locator('#root').isVisible(), false, 'only the print view prints');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await marking.isVisible(), false, 'the print view is never on screen');
  });

  test('when the print cannot be audited, the page does not print and says so', async () => {
    await page.evaluate(() => {
      window.dispatchEvent(new Event('afterprint'));
    });
    await sql`
      CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries
      BEGIN SELECT RAISE(ABORT, 'full'); END
    `.execute(system.app.store.db);
    try {
      const before = await prints();
      await page.getByRole('button', { name: 'Print whole record' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /Not printed/ })
        .waitFor();
      assert.match(
        await page
          .getByRole('alert')
          .filter({ hasText: /Not printed/ })
          .innerText(),
        /could not be recorded in the audit trail/,
      );
      assert.equal(await prints(), before, 'window.print was not called');
    } finally {
      await sql`DROP TRIGGER IF EXISTS audit_refuses`.execute(system.app.store.db);
    }
  });

  test('printed any other way, the page prints a notice instead of the record', async () => {
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.record').isVisible(), false);
    assert.ok(await page.locator('.print-refusal').isVisible());
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await page.locator('.record').isVisible());
  });

  test('the 14-month-old’s five vaccines, from the GP and the health visitors, are five lines from both', async () => {
    await page.getByRole('button', { name: 'Find another patient' }).click();
    await page.getByLabel('NHS number').fill('9990000948');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.results__name').first().click();
    const dialog = page.getByRole('dialog', { name: 'Record permission' });
    await dialog.getByRole('button', { name: 'Record permission' }).click();
    const tab = page.getByRole('tab', { name: /Immunisations/ });
    await tab.waitFor({ timeout: 30_000 });
    // Every system has answered once printing is offered.
    await page.locator('.print-controls button:not([disabled])').first().waitFor();
    assert.match(await tab.innerText(), /Immunisations\s*5\b/, 'the tab counts lines, not copies');
    await tab.click();
    const lines = page.locator('ul.items:not(.items--copies) > li.item');
    assert.equal(await lines.count(), 5);
    for (const source of await lines.locator('> .item__source').allInnerTexts()) {
      assert.match(source, / from .+ and .+,/, source);
    }
    assert.match(
      await page
        .locator('li.source')
        .filter({ hasText: /Immunisations/ })
        .first()
        .innerText(),
      /Immunisations 5\b/,
    );
    assert.deepEqual(await axeViolations(page), []);
  });

  test('Arthur sees the print in who has looked at his record', async () => {
    const patient = await browser.context.newPage();
    await patient.goto(new URL('/patient', system.url).href);
    await patient.getByRole('link', { name: 'Continue with NHS login' }).click();
    await patient.locator('input[name=login]').fill('arthur.pennington');
    await patient.locator('input[name=password]').fill('any');
    await patient.locator('[type=submit]').click();
    await patient
      .getByRole('heading', { name: 'Who has looked at your record', level: 1 })
      .waitFor();
    const line = patient
      .locator('li.history__line')
      .filter({ hasText: 'Printed from your record' });
    await line.first().waitFor();
    assert.equal(await line.count(), 1);
    assert.match(await line.innerText(), /printed a summary of your record with your permission/);
    assert.deepEqual(await axeViolations(patient), []);
    assert.deepEqual(pageErrors, []);
  });
});
