/** @module How a provider's claims become our username, role and organisation (CIS2 shapes and plain claims). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapClaims, usernameFromClaim } from '../../src/access/oidc/claim-mapping.ts';
import type { OidcConfig } from '../../src/config/config-schema.ts';

const cis2: OidcConfig['claims'] = {
  username: 'sub',
  displayName: 'name',
  sdsUserId: 'uid',
  role: {
    claim: 'nhsid_nrbac_roles',
    field: 'role_code',
    values: { R8000: 'gp', R8001: 'nurse', 'S8000:G8000:R8003': 'hospital-clinician' },
    selectedBy: { claim: 'selected_roleid', field: 'person_roleid' },
  },
  organisation: { claim: 'nhsid_nrbac_roles', field: 'org_code' },
};

const roles = [
  { person_roleid: '1', org_code: 'RX1', role_code: 'S8000:G8000:R8003' },
  { person_roleid: '2', org_code: 'A81001', role_code: 'S8000:G8000:R8000' },
];

describe('mapping a provider’s claims to a role and organisation', () => {
  test('the role the person chose at the provider wins, with that role’s organisation', () => {
    const result = mapClaims(
      { sub: '555', uid: '555', name: 'Dr A', nhsid_nrbac_roles: roles, selected_roleid: '2' },
      cis2,
    );
    assert.ok(result.ok);
    assert.equal(result.identity.role, 'gp');
    assert.equal(result.identity.organisation, 'A81001');
    assert.equal(result.identity.sdsUserId, '555');
  });

  test('without a chosen role, the first role that maps is used, matched on the whole code too', () => {
    const result = mapClaims({ sub: '555', nhsid_nrbac_roles: roles }, cis2);
    assert.ok(result.ok);
    assert.equal(result.identity.role, 'hospital-clinician');
    assert.equal(result.identity.organisation, 'RX1');
  });

  test('a person whose roles are all unknown here is refused', () => {
    const result = mapClaims(
      { sub: '555', nhsid_nrbac_roles: [{ org_code: 'RX1', role_code: 'S8002:G8003:R8009' }] },
      cis2,
    );
    assert.deepEqual(result, { ok: false, reason: 'role-not-mapped', attempted: '555' });
  });

  test('a role mapping cannot be fooled by names on the prototype', () => {
    const result = mapClaims(
      { sub: '555', nhsid_nrbac_roles: [{ org_code: 'RX1', role_code: 'constructor' }] },
      cis2,
    );
    assert.equal(result.ok, false);
  });

  test('an organisation that is not an ODS code is treated as missing', () => {
    const result = mapClaims(
      { sub: '555', nhsid_nrbac_roles: [{ org_code: 'rx1; drop', role_code: 'R8001' }] },
      cis2,
    );
    assert.deepEqual(result, { ok: false, reason: 'organisation-missing', attempted: '555' });
  });

  test('plain claims: a claim holding our role name and one holding the ODS code', () => {
    const result = mapClaims(
      { sub: 'x', email: 'Megan.Jones@NHS.net', mcr_role: 'nurse', ods: 'RX1' },
      { username: 'email', displayName: 'name', role: 'mcr_role', organisation: 'ods' },
    );
    assert.ok(result.ok);
    assert.equal(result.identity.username, 'megan.jones-nhs.net');
    assert.equal(result.identity.displayName, 'megan.jones-nhs.net', 'no name: the username');
    assert.equal(result.identity.role, 'nurse');
  });

  test('a claim naming a role we do not have is refused', () => {
    const result = mapClaims(
      { sub: 'x', mcr_role: 'superuser', ods: 'RX1' },
      { username: 'sub', displayName: 'name', role: 'mcr_role', organisation: 'ods' },
    );
    assert.equal(result.ok, false);
  });

  test('usernames from claims fit our username rules or are refused', () => {
    assert.equal(usernameFromClaim(' Dr.Patel@nhs.net '), 'dr.patel-nhs.net');
    assert.equal(usernameFromClaim('@@'), undefined);
    assert.equal(usernameFromClaim('x'.repeat(100))?.length, 64);
  });
});
