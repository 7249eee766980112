/**
 * The view-spike rule's memory: it holds each user's latest view of each patient within the
 * window, so a clinician's repeat views of the same patients leave it at its bound however many
 * there are (issue #15's soak found one entry kept per view for a whole window).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import {
  createEntryRules,
  type MonitoringSettings,
} from '../../src/audit/monitoring/privacy-rules.ts';
import { EMPTY_STAFF_DIRECTORY } from '../../src/audit/monitoring/staff-directory.ts';
import { MonitoringConfigSchema } from '../../src/config/config-schema.ts';
import { checkDigit } from '../../src/identity/nhs-number.ts';
import { drOkafor, recordViewStarted } from './sample-events.ts';

const settings = Value.Default(MonitoringConfigSchema, {}) as MonitoringSettings;
const start = Date.parse('2025-03-04T09:00:00.000Z');

/** The `i`th valid NHS number in the 999 test range. */
function nhsNumberAt(i: number): string {
  for (let n = 200_000 + i * 20; ; n += 1) {
    const first = `999${String(n).padStart(6, '0')}`;
    const digit = checkDigit(first);
    if (digit !== undefined) return `${first}${digit}`;
  }
}

let seq = 0;
/** Dr Okafor's record view of `nhsNumber` at `ms` after the start. */
function view(nhsNumber: string, ms: number): [number, AuditEntry] {
  seq += 1;
  const time = new Date(start + ms).toISOString();
  return [seq, { v: 1, seq, recordedAt: time, event: { ...recordViewStarted(nhsNumber), time } }];
}

test('a clinician viewing the same 20 patients all hour leaves the spike window at 20, not one per view', () => {
  const rules = createEntryRules(settings, EMPTY_STAFF_DIRECTORY);
  const patients = Array.from({ length: 20 }, (_, i) => nhsNumberAt(i));
  const alerts = [];
  // 20,000 views spread over 59 minutes: a busy clinic, never more than 20 different patients.
  for (let v = 0; v < 20_000; v += 1) {
    alerts.push(
      ...rules.evaluate(...view(patients[v % 20] ?? '', Math.floor((v * 59 * 60_000) / 20_000))),
    );
  }
  assert.deepEqual(alerts, []);
  assert.equal(rules.rememberedViews(), 20);
});

test('a patient seen again stays in the spike window from their latest view', () => {
  const rules = createEntryRules(settings, EMPTY_STAFF_DIRECTORY);
  const minute = 60_000;
  const returning = nhsNumberAt(100);
  rules.evaluate(...view(returning, 0));
  rules.evaluate(...view(returning, 50 * minute));
  // Thirty new patients from minute 61 to 90: the returning patient, seen at 50, is the 31st.
  const raised = [];
  for (let i = 0; i < 30; i += 1) {
    raised.push(...rules.evaluate(...view(nhsNumberAt(200 + i), (61 + i) * minute)));
  }
  assert.deepEqual(
    raised.map((a) => [a.rule, a.userId, a.detail]),
    [['view-spike', drOkafor.userId, '31 different patients within 60 minutes']],
  );
});

test('views older than the spike window are forgotten at the next view', () => {
  const rules = createEntryRules(settings, EMPTY_STAFF_DIRECTORY);
  for (let i = 0; i < 20; i += 1) rules.evaluate(...view(nhsNumberAt(300 + i), i * 1000));
  assert.equal(rules.rememberedViews(), 20);
  rules.evaluate(...view(nhsNumberAt(400), 61 * 60_000));
  assert.equal(rules.rememberedViews(), 1);
});
