/** Loading the access policy: the shipped default, and invalid files that stop the start by name. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_POLICY_FILE,
  loadPolicy,
  PolicyError,
} from '../../src/access/policy/load-policy.ts';
import { ROLES } from '../../src/shared/roles.ts';
import { SECTION_NAMES } from '../../src/shared/sections.ts';

const defaultText = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const restrictedFile = join(DEFAULT_POLICY_FILE, '..', 'restricted-codes.yaml');

/** Writes a policy (and the shipped restricted codes beside it) to a fresh folder. */
function writePolicy(text: string, restricted?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcr-policy-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, text);
  if (restricted === undefined) copyFileSync(restrictedFile, join(dir, 'restricted-codes.yaml'));
  else writeFileSync(join(dir, 'restricted-codes.yaml'), restricted);
  return file;
}

describe('the access policy file', () => {
  test('the shipped policy: clinical roles view records, privacy officers and administrators do not', () => {
    const policy = loadPolicy();
    for (const role of [
      'gp',
      'hospital-clinician',
      'nurse',
      'health-visitor',
      'social-worker',
    ] as const) {
      assert.equal(policy.mayDo(role, 'view-record'), true, role);
      assert.equal(policy.mayDo(role, 'emergency-access'), true, role);
    }
    for (const role of ['privacy-officer', 'admin'] as const) {
      assert.equal(policy.mayDo(role, 'view-record'), false, role);
      assert.deepEqual(policy.sectionsFor(role), []);
    }
    assert.equal(policy.mayDo('privacy-officer', 'review-emergency-access'), true);
    assert.equal(policy.mayDo('privacy-officer', 'search-audit'), true);
    assert.equal(policy.mayDo('admin', 'administer'), true);
    assert.equal(policy.mayDo('nurse', 'search-audit'), false);
    assert.deepEqual(policy.sectionsFor('health-visitor'), SECTION_NAMES);
    assert.ok(!policy.sectionsFor('social-worker').includes('investigations'));
    assert.equal(policy.seesConsultationDetail('social-worker'), false);
    assert.equal(policy.settings.emergencyOverridesDissent, false);
    assert.equal(policy.settings.permissionScope, 'user');
    assert.ok(Object.isFrozen(policy) && Object.isFrozen(policy.settings));
  });

  test('changing the policy file alone changes what a role may do', () => {
    const file = writePolicy(
      defaultText.replace(
        'privacy-officer:\n    sections: []\n    actions: [review-emergency-access, search-audit, manage-dissent]',
        'privacy-officer:\n    sections: [allergies]\n    actions: [view-record]',
      ),
    );
    const policy = loadPolicy(file);
    assert.equal(policy.mayDo('privacy-officer', 'view-record'), true);
    assert.equal(policy.mayDo('privacy-officer', 'search-audit'), false);
    assert.deepEqual(policy.sectionsFor('privacy-officer'), ['allergies']);
    assert.equal(policy.file, file);
  });

  const invalid: readonly { name: string; text: string; key: RegExp }[] = [
    {
      name: 'an unknown action',
      text: defaultText.replace(
        'actions: [administer]',
        'actions: [administer, delete-everything]',
      ),
      key: /roles\.admin\.actions\[1\]/,
    },
    {
      name: 'an unknown section',
      text: defaultText.replace('      - medications\n', '      - medicines\n'),
      key: /roles\.social-worker\.sections/,
    },
    {
      name: 'a role missing',
      text: defaultText.replace(
        / {2}admin:\n {4}sections: \[\]\n {4}actions: \[administer\]\n/,
        '',
      ),
      key: /roles.*admin/,
    },
    {
      name: 'a misspelt setting',
      text: defaultText.replace(
        'emergencyOverridesDissent: false',
        'emergencyOverrideDissent: false',
      ),
      key: /settings/,
    },
    {
      name: 'a setting of the wrong type',
      text: defaultText.replace('permissionScope: user', 'permissionScope: ward'),
      key: /settings\.permissionScope/,
    },
    {
      name: 'a role that may view records but sees nothing',
      text: defaultText.replace(
        'privacy-officer:\n    sections: []\n    actions: [',
        'privacy-officer:\n    sections: []\n    actions: [view-record, ',
      ),
      key: /roles\.privacy-officer\.sections/,
    },
    { name: 'broken YAML', text: 'roles: [unclosed', key: /policy\.yaml:\d+/ },
  ];
  for (const { name, text, key } of invalid) {
    test(`an invalid policy file (${name}) fails loading, naming the file and the key`, () => {
      const file = writePolicy(text);
      assert.throws(
        () => loadPolicy(file),
        (error: unknown) => {
          assert.ok(error instanceof PolicyError);
          assert.ok(error.message.startsWith(file), error.message);
          assert.match(error.message, key);
          return true;
        },
      );
    });
  }

  test('an invalid restricted code file fails loading, naming that file', () => {
    const file = writePolicy(
      defaultText,
      'version: 1\ncategories:\n  - id: Bad Id\n    name: x\n    basis: y\n    codes: []\n',
    );
    assert.throws(() => loadPolicy(file), /restricted-codes\.yaml: categories\[0\]\.id/);
  });

  test('a missing policy file fails loading, naming the file', () => {
    assert.throws(
      () => loadPolicy('/nonexistent/policy.yaml'),
      /\/nonexistent\/policy\.yaml: cannot be read/,
    );
  });

  test('every role is named in the shipped policy', () => {
    const policy = loadPolicy();
    for (const role of ROLES) assert.ok(Array.isArray(policy.sectionsFor(role)));
  });
});
