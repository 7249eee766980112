import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy } from '../../src/server/security-headers.ts';
import { loadConfig } from '../../src/config/load-config.ts';

test('no page may frame the UI unless an origin is configured for in-context launch', () => {
  assert.match(contentSecurityPolicy([]), /frame-ancestors 'none'/);
  assert.match(
    contentSecurityPolicy(['https://epr.example.nhs.uk']),
    /frame-ancestors https:\/\/epr\.example\.nhs\.uk/,
  );
});

test('a frame ancestor that could break out of the policy is refused at start-up', () => {
  const base = { demographics: { url: 'http://127.0.0.1:1' } };
  for (const bad of ['http://epr.example', "https://a; script-src 'unsafe-inline'", '*']) {
    assert.throws(
      () => loadConfig({ base: { ...base, server: { frameAncestors: [bad] } }, env: {} }),
      /server\.frameAncestors\[0\]/,
    );
  }
});
