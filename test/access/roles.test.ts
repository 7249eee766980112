import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROLES, ROLE_DISPLAY_NAMES, isRole, roleDisplayName } from '../../src/shared/roles.ts';

void test('only the known role names are roles', () => {
  for (const role of ROLES) assert.equal(isRole(role), true);
  for (const value of ['GP', 'doctor', '', 'admin ', 42, undefined, null, 'toString']) {
    assert.equal(isRole(value), false, String(value));
  }
});

void test('every role has a display name', () => {
  assert.deepEqual(Object.keys(ROLE_DISPLAY_NAMES).sort(), [...ROLES].sort());
  assert.equal(roleDisplayName('gp'), 'GP');
  assert.equal(roleDisplayName('health-visitor'), 'Health visitor');
});
