/**
 * The clinician's first page load: the script the record page starts from stays under 500 kB
 * (minified), and the charts' code (visx, d3's scales) and pdf.js are chunks of their own, fetched
 * only when Trends, Growth or a PDF document opens. Reads the build `npm test` makes first
 * (`npm run build:web`, into dist/web).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_WEB_ROOT } from '../../src/app.ts';

const ENTRY_LIMIT_BYTES = 500 * 1000;

function entryScript(): string {
  const index = readFileSync(join(DEFAULT_WEB_ROOT, 'index.html'), 'utf8');
  const match = /<script[^>]*\bsrc="\/assets\/([^"]+\.js)"/.exec(index);
  assert.ok(match?.[1], 'index.html names its entry script');
  return match[1];
}

test('the record page starts from one script under 500 kB; charts and pdf.js come when opened', () => {
  const entry = entryScript();
  const assets = readdirSync(join(DEFAULT_WEB_ROOT, 'assets'));
  const entryBytes = statSync(join(DEFAULT_WEB_ROOT, 'assets', entry)).size;
  assert.ok(
    entryBytes < ENTRY_LIMIT_BYTES,
    `entry script ${entry} is ${entryBytes} bytes (limit ${ENTRY_LIMIT_BYTES})`,
  );
  for (const chunk of ['trend-chart-', 'growth-chart-', 'pdf-']) {
    assert.ok(
      assets.some((name) => name.startsWith(chunk) && name.endsWith('.js')),
      `a chunk of its own starting ${chunk} (assets: ${assets.join(', ')})`,
    );
  }
  // The entry does not carry the chunks' code: it only names them, to fetch them later.
  const entrySource = readFileSync(join(DEFAULT_WEB_ROOT, 'assets', entry), 'utf8');
  assert.ok(/trend-chart-[\w-]+\.js/.test(entrySource), 'the entry fetches the trends chunk');
});
