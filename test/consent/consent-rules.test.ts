/**
 * Who may withdraw a permission, what counts as a reason or a note, and what the
 * `emergencyOverridesDissent` setting does — through the real server, sources and audit trail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/shared/roles.ts';
import type { User } from '../../src/access/user.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type ApiResponse,
  type RunningSystem,
} from '../support/running-system.ts';

interface Signed {
  readonly user: User;
  readonly client: ApiClient;
}

async function signIn(system: RunningSystem, role: Role, organisation?: string): Promise<Signed> {
  const account = await system.createUser(role, organisation);
  const client = system.client();
  const response = await client.signIn(account.username, account.password);
  assert.equal(response.status, 200, response.text);
  const user = await system.app.services.accounts.findByUsername(account.username);
  assert.ok(user !== undefined);
  return { user, client };
}

/** The actor's newest `access-denied` entry, if any. */
async function latestRefusal(system: RunningSystem, user: User) {
  const [latest] = await system.app.services.audit.list({
    userId: user.id,
    action: 'access-denied',
    limit: 1,
    newestFirst: true,
  });
  return latest?.entry.event;
}

function expression(response: ApiResponse): string | undefined {
  const outcome = response.body as { issue?: { expression?: string[] }[] } | undefined;
  return outcome?.issue?.[0]?.expression?.[0];
}

const gpDissent = PERSONAS.find((persona) => persona.key === 'gp-dissent')?.nhsNumber ?? '';

/** Only zero-width, joiner, format and space characters: nothing a reader can see. */
const INVISIBLE_REASONS = [
  '\u200b',
  '\u200b\u200c\u200d\u2060\ufeff',
  ' \u00a0\u3000\t\n',
  '\u202e\u2066\u00ad',
  '\u3164\u2800',
  '\ufe0f\u0301',
];

describe('with the default policy', () => {
  let system: RunningSystem;
  let nurse: Signed;
  let otherNurse: Signed;
  let officer: Signed;
  let admin: Signed;
  let patient = 0;
  const nextPatient = () => system.sims.population.nhsNumberAt((patient += 1));

  before(async () => {
    system = await startSystem({ sims: { size: 30 } });
    nurse = await signIn(system, 'nurse');
    otherNurse = await signIn(system, 'nurse');
    officer = await signIn(system, 'privacy-officer');
    admin = await signIn(system, 'admin');
  });
  after(async () => {
    await system.close();
  });

  const consent = (by: Signed, scope: 'user' | 'organisation' = 'user') =>
    system.app.services.permissions.grant({
      nhsNumber: nextPatient(),
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      scope,
      actor: by.user,
    });

  describe('withdrawing a permission', () => {
    test('privacy officers and admins cannot withdraw a clinician’s permission; each refusal is audited', async () => {
      const permission = await consent(nurse);
      for (const who of [officer, admin]) {
        const response = await who.client.delete(`/api/permissions/${permission.id}`);
        assert.equal(response.status, 403);
        assert.equal(outcomeCode(response.body), 'FORBIDDEN');
        const refusal = await latestRefusal(system, who.user);
        assert.equal(
          refusal?.action === 'access-denied' && refusal.attempted,
          'permission-withdraw',
        );
      }
      const kept = await system.app.services.permissions.get(permission.id);
      assert.equal(kept?.withdrawnAt, undefined);
    });

    test('a nurse cannot withdraw another nurse’s own permission, and the refusal names the patient', async () => {
      const permission = await consent(nurse);
      const response = await otherNurse.client.delete(`/api/permissions/${permission.id}`);
      assert.equal(response.status, 403);
      const refusal = await latestRefusal(system, otherNurse.user);
      assert.ok(refusal?.action === 'access-denied');
      assert.equal(refusal.reasonCode, 'not-covered');
      assert.equal(refusal.nhsNumber, permission.nhsNumber);
      assert.equal(
        (await system.app.services.permissions.get(permission.id))?.withdrawnAt,
        undefined,
      );
    });

    test('a nurse may withdraw their organisation’s permission, and the recorder their own', async () => {
      const shared = await consent(nurse, 'organisation');
      assert.equal((await otherNurse.client.delete(`/api/permissions/${shared.id}`)).status, 204);
      const own = await consent(nurse);
      assert.equal((await nurse.client.delete(`/api/permissions/${own.id}`)).status, 204);
      const withdrawn = await system.app.services.audit.list({
        userId: nurse.user.id,
        action: 'permission-withdrawn',
        limit: 10,
      });
      assert.ok(
        withdrawn.some(
          ({ entry: { event } }) => 'permissionId' in event && event.permissionId === own.id,
        ),
      );
    });

    test('a nurse in another organisation cannot withdraw an organisation’s permission', async () => {
      const shared = await consent(nurse, 'organisation');
      const elsewhere = await signIn(system, 'nurse', 'RYY99');
      assert.equal((await elsewhere.client.delete(`/api/permissions/${shared.id}`)).status, 403);
    });
  });

  describe('free text must be visible', () => {
    test('an emergency reason of only invisible characters is refused, naming the reason', async () => {
      const nhsNumber = nextPatient();
      for (const reason of INVISIBLE_REASONS) {
        const response = await nurse.client.post(`/api/patients/${nhsNumber}/permissions`, {
          basis: 'emergency',
          reasonCode: 'patient-unconscious',
          reason,
        });
        assert.equal(response.status, 400, JSON.stringify(reason));
        assert.equal(outcomeCode(response.body), 'INVALID_PERMISSION');
        assert.equal(expression(response), 'reason');
      }
      assert.deepEqual(await system.app.services.permissions.listForPatient(nhsNumber), []);
    });

    test('who gave consent must be visible text too', async () => {
      const response = await nurse.client.post(`/api/patients/${nextPatient()}/permissions`, {
        basis: 'consent',
        method: 'verbal',
        givenBy: '\u200b\u200b',
      });
      assert.equal(response.status, 400);
      assert.equal(expression(response), 'givenBy');
    });

    test('a review note of only invisible characters is refused, and the access stays open', async () => {
      const emergency = await system.app.services.permissions.grant({
        nhsNumber: nextPatient(),
        basis: 'emergency',
        reasonCode: 'life-threatening',
        reason: 'Anaphylaxis',
        actor: nurse.user,
      });
      const response = await officer.client.post(`/api/emergency-reviews/${emergency.id}`, {
        outcome: 'appropriate',
        note: '\u200b\ufeff',
      });
      assert.equal(response.status, 400);
      assert.equal(outcomeCode(response.body), 'INVALID_REQUEST');
      assert.equal(expression(response), 'note');
      const open = await system.app.services.emergencyReviews.list('open');
      assert.ok(open.some((review) => review.permission.id === emergency.id));
    });

    test('a reason in any script, with its accents, is kept as typed (edges trimmed)', async () => {
      const response = await nurse.client.post(`/api/patients/${nextPatient()}/permissions`, {
        basis: 'emergency',
        reasonCode: 'other',
        reason: '\u200b  Patient ne parle que gallois — e\u0301tat confus ',
      });
      assert.equal(response.status, 201, response.text);
      const { permission } = response.body as { permission: { reason: string } };
      assert.equal(permission.reason, 'Patient ne parle que gallois — e\u0301tat confus');
    });
  });

  test('emergency access does not override the local dissent register', async () => {
    const nhsNumber = nextPatient();
    await system.app.services.permissions.recordDissent(nhsNumber, officer.user);
    const granted = await nurse.client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Unconscious on arrival',
    });
    assert.equal(granted.status, 201);
    const view = await nurse.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(view.status, 403);
    assert.equal(outcomeCode(view.body), 'DISSENT');
  });
});

describe('with emergencyOverridesDissent: true', () => {
  let system: RunningSystem;
  let nurse: Signed;
  let officer: Signed;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcr-policy-'));
    const shipped = fileURLToPath(new URL('../../policy/', import.meta.url));
    const policy = readFileSync(join(shipped, 'default-policy.yaml'), 'utf8')
      .replace('emergencyOverridesDissent: false', 'emergencyOverridesDissent: true')
      .replace(
        /^restrictedCodes: .*$/m,
        `restrictedCodes: ${join(shipped, 'restricted-codes.yaml')}`,
      );
    assert.match(policy, /emergencyOverridesDissent: true/);
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policy);
    system = await startSystem({ sims: { size: 30 }, config: { policy: { file } } });
    nurse = await signIn(system, 'nurse');
    officer = await signIn(system, 'privacy-officer');
  });
  after(async () => {
    await system.close();
  });

  async function emergency(nhsNumber: string): Promise<void> {
    const granted = await nurse.client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Unconscious on arrival',
    });
    assert.equal(granted.status, 201, granted.text);
  }

  test('an emergency basis opens the record of a patient on the local register, and the audit says the dissent was overridden', async () => {
    const nhsNumber = system.sims.population.nhsNumberAt(3);
    await system.app.services.permissions.recordDissent(nhsNumber, officer.user);
    await emergency(nhsNumber);
    const view = await nurse.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(view.status, 200, view.text);
    const [started] = await system.app.services.audit.list({
      nhsNumber,
      action: 'record-view-started',
      limit: 1,
      newestFirst: true,
    });
    const event = started?.entry.event;
    assert.ok(event?.action === 'record-view-started');
    assert.equal(event.dissentOverridden, true);
    assert.equal(event.basis.basis, 'emergency');
  });

  test('a consent permission still does not override the register', async () => {
    const nhsNumber = system.sims.population.nhsNumberAt(4);
    await system.app.services.permissions.recordDissent(nhsNumber, officer.user);
    await system.app.services.permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      actor: nurse.user,
    });
    const view = await nurse.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(view.status, 403);
    assert.equal(outcomeCode(view.body), 'DISSENT');
  });

  test('a view without dissent is not marked as an override', async () => {
    const nhsNumber = system.sims.population.nhsNumberAt(5);
    await emergency(nhsNumber);
    assert.equal((await nurse.client.get(`/api/patients/${nhsNumber}/record`)).status, 200);
    const [started] = await system.app.services.audit.list({
      nhsNumber,
      action: 'record-view-started',
      limit: 1,
    });
    assert.ok(started?.entry.event.action === 'record-view-started');
    assert.equal(started.entry.event.dissentOverridden, undefined);
  });

  test('the GP practice’s own dissent still stands: its source answers dissent and shows nothing', async () => {
    await system.app.services.permissions.recordDissent(gpDissent, officer.user);
    await emergency(gpDissent);
    const view = await nurse.client.get(`/api/patients/${gpDissent}/record`);
    assert.equal(view.status, 200, view.text);
    const record = view.body as {
      sources: { id: string; status: string }[];
      sections: Record<string, { source: { sourceId: string } }[]>;
    };
    const practice = record.sources.find((source) => source.status === 'dissent');
    assert.ok(practice !== undefined, 'the practice answers dissent');
    const fromPractice = Object.values(record.sections)
      .flat()
      .filter((item) => item.source.sourceId === practice.id);
    assert.deepEqual(fromPractice, []);
  });
});
