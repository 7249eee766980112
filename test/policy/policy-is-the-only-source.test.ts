/**
 * @module The policy file is the only source of who may do what: no module keeps a copy or a
 * fallback. A policy that takes audit search from privacy officers and gives it to administrators
 * is obeyed by the server, and the session tells the UI so (the UI keeps no list of its own).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/shared/roles.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

const SHIPPED = fileURLToPath(new URL('../../policy/', import.meta.url));

/** The shipped policy with audit search moved from the privacy officer to the administrator. */
function auditSearchForAdminsOnly(dir: string): string {
  const shipped = readFileSync(join(SHIPPED, 'default-policy.yaml'), 'utf8');
  const policy = shipped
    .replace(
      'actions: [review-emergency-access, search-audit, manage-dissent]',
      'actions: [review-emergency-access, manage-dissent]',
    )
    .replace('actions: [administer]', 'actions: [administer, search-audit]')
    .replace(
      /^restrictedCodes: .*$/m,
      `restrictedCodes: ${join(SHIPPED, 'restricted-codes.yaml')}`,
    );
  assert.notEqual(policy, shipped);
  assert.match(policy, /actions: \[administer, search-audit\]/);
  assert.doesNotMatch(policy, /actions: \[review-emergency-access, search-audit/);
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policy);
  return file;
}

interface SessionBody {
  readonly user: { readonly actions?: readonly string[] };
}

describe('the policy file is the only source of who may search the audit', () => {
  let dir: string;
  let system: RunningSystem;
  let defaults: RunningSystem;

  async function signedIn(on: RunningSystem, role: Role): Promise<ApiClient> {
    const account = await on.createUser(role);
    const client = on.client();
    const response = await client.signIn(account.username, account.password);
    assert.equal(response.status, 200, response.text);
    return client;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcr-policy-'));
    system = await startSystem({
      sims: { size: 10 },
      config: { policy: { file: auditSearchForAdminsOnly(dir) } },
    });
    defaults = await startSystem({ sims: { size: 10 } });
  });
  after(async () => {
    await system.close();
    await defaults.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('under the shipped policy an administrator is refused the audit search, and the refusal is audited', async () => {
    const admin = await signedIn(defaults, 'admin');
    const search = await admin.get('/api/audit');
    assert.equal(search.status, 403, search.text);
    const session = await admin.get('/api/session');
    assert.ok(!((session.body as SessionBody).user.actions ?? []).includes('search-audit'));
    const [refusal] = await defaults.app.services.audit.list({
      action: 'access-denied',
      limit: 1,
      newestFirst: true,
    });
    assert.equal(refusal?.entry.event.action, 'access-denied');
  });

  test('when the policy gives audit search to administrators only, the administrator may search and the privacy officer may not', async () => {
    const admin = await signedIn(system, 'admin');
    const officer = await signedIn(system, 'privacy-officer');
    assert.equal((await admin.get('/api/audit')).status, 200);
    assert.equal((await officer.get('/api/audit')).status, 403);
  });

  test('the session tells the UI what this policy allows, so its pages follow the policy', async () => {
    const admin = await signedIn(system, 'admin');
    const officer = await signedIn(system, 'privacy-officer');
    const adminActions = ((await admin.get('/api/session')).body as SessionBody).user.actions;
    const officerActions = ((await officer.get('/api/session')).body as SessionBody).user.actions;
    assert.deepEqual([...(adminActions ?? [])].sort(), ['administer', 'search-audit']);
    assert.deepEqual([...(officerActions ?? [])].sort(), [
      'manage-dissent',
      'review-emergency-access',
    ]);
  });
});
