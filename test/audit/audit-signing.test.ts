/**
 * @module Production settings for the audit trail's signing: a witness and the checkpoint timer
 * are required, so tampering with the trail has nowhere to hide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProductionAuditSettings } from '../../src/audit/audit-signing.ts';
import { ConfigError } from '../../src/config/load-config.ts';

const settings = { checkpointEvery: 1000, checkpointSeconds: 60 };

void test('production without a witness is refused, naming audit.witness', () => {
  assert.throws(
    () => {
      checkProductionAuditSettings(settings);
    },
    (error: unknown) => error instanceof ConfigError && /audit\.witness/.test(error.message),
  );
  assert.throws(() => {
    checkProductionAuditSettings({ ...settings, witness: '   ' });
  }, /audit\.witness is required/);
});

void test('production with the checkpoint timer off is refused, naming audit.checkpointSeconds', () => {
  assert.throws(() => {
    checkProductionAuditSettings({ ...settings, checkpointSeconds: 0, witness: '/srv/witness' });
  }, /audit\.checkpointSeconds must be above 0/);
});

void test('production with a witness file or URL and the timer on is accepted', () => {
  checkProductionAuditSettings({ ...settings, witness: '/srv/witness/mcr.jsonl' });
  checkProductionAuditSettings({ ...settings, witness: 'https://witness.example/checkpoints' });
});
