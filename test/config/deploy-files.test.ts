/** @module The files shipped in deploy/ are what they claim: the production example loads as a configuration. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';

const PRODUCTION_EXAMPLE = new URL('../../deploy/production.yaml', import.meta.url).pathname;

test('the example production configuration is valid, behind a proxy, on PostgreSQL, with an off-box witness and SIEM', () => {
  const config = loadConfig({ file: PRODUCTION_EXAMPLE, env: {} });
  assert.equal(config.server.trustProxy, true);
  assert.ok(config.server.drainSeconds > 0.5, 'drains longer than the balancer takes to notice');
  assert.match(config.database.url, /^postgres:\/\//);
  assert.match(config.audit.witness ?? '', /^https:\/\//);
  assert.match(config.audit.syslog?.url ?? '', /^tls:\/\//);
  assert.ok(
    config.audit.signingKeyFile !== undefined,
    'a signing key of its own, not the demo key',
  );
});
