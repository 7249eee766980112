import { test } from 'node:test';
import assert from 'node:assert/strict';

test('every npm script runs on Node.js 24, the pinned LTS runtime', () => {
  assert.match(process.versions.node, /^24\./);
});
