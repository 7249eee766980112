/**
 * The authorisation matrix, generated from the access policy: every protected route × every role ×
 * every permission state gives the outcome the policy says, and every refusal is in the audit trail.
 * Then emergency access and its review, the dissent register, the FHIR Consent export, and the
 * restricted-items persona through the real sources and the filter. One running system for all.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRecordForRole } from '../../src/access/policy/filter-record.ts';
import type { Policy } from '../../src/access/policy/policy.ts';
import type { PolicyAction } from '../../src/access/policy/policy-schema.ts';
import { ROLES, type Role } from '../../src/shared/roles.ts';
import type { User } from '../../src/access/user.ts';
import { checkDigit } from '../../src/identity/nhs-number.ts';
import { tracedPatientFromR4 } from '../../src/identity/demographics-match.ts';
import { assembleRecord } from '../../src/record/assemble-record.ts';
import { LEGALLY_RESTRICTED_CODES } from '../../sim/population/data/code-list.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type ApiResponse,
  type RunningSystem,
} from '../support/running-system.ts';

const STATES = [
  'none',
  'live',
  'expired',
  'withdrawn',
  'emergency',
  'dissent',
  'other-patient',
] as const;
type State = (typeof STATES)[number];

interface Actor {
  readonly role: Role;
  readonly user: User;
  readonly client: ApiClient;
}

/** A valid NHS number in the 999 test range that no simulated source holds. */
let syntheticSeed = 500_000;
function syntheticNhsNumber(): string {
  for (;;) {
    syntheticSeed += 1;
    const first = `999${String(syntheticSeed).padStart(6, '0')}`;
    const digit = checkDigit(first);
    if (digit !== undefined) return `${first}${digit}`;
  }
}

const persona = (key: string): string => {
  const found = PERSONAS.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`no persona ${key}`);
  return found.nhsNumber;
};

let system: RunningSystem;
let policy: Policy;
const actors = new Map<Role, Actor>();

function actor(role: Role): Actor {
  const found = actors.get(role);
  if (found === undefined) throw new Error(`no actor for ${role}`);
  return found;
}

/** The sequence number of the user's latest `access-denied` entry (0 when none). */
async function deniedCount(user: User): Promise<number> {
  const [latest] = await system.app.services.audit.list({
    userId: user.id,
    action: 'access-denied',
    limit: 1,
    newestFirst: true,
  });
  return latest?.seq ?? 0;
}

async function expirePermission(id: string): Promise<void> {
  await system.app.store.db
    .updateTable('permissions')
    .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
    .where('id', '=', id)
    .execute();
}

before(async () => {
  system = await startSystem();
  policy = system.app.services.policy;
  for (const role of ROLES) {
    const account = await system.createUser(role);
    const client = system.client();
    const signIn = await client.signIn(account.username, account.password);
    assert.equal(signIn.status, 200, signIn.text);
    const user = await system.app.services.accounts.findByUsername(account.username);
    assert.ok(user !== undefined);
    actors.set(role, { role, user, client });
  }
});
after(async () => {
  await system.close();
});

describe('the authorisation matrix, generated from the policy', () => {
  /** The patient each state is set up on (per role: permissions are the user's own). */
  const patientOf = new Map<State, string>();
  const otherPatientA = (index: number) => system.sims.population.nhsNumberAt(index);

  before(async () => {
    const { permissions } = system.app.services;
    STATES.forEach((state, n) => patientOf.set(state, system.sims.population.nhsNumberAt(20 + n)));
    const dissentPatient = patientOf.get('dissent') ?? '';
    await permissions.recordDissent(dissentPatient, actor('admin').user);
    for (const { user } of actors.values()) {
      const consent = (nhsNumber: string) =>
        permissions.grant({
          nhsNumber,
          basis: 'consent',
          method: 'verbal',
          givenBy: 'patient',
          actor: user,
        });
      await consent(patientOf.get('live') ?? '');
      await expirePermission((await consent(patientOf.get('expired') ?? '')).id);
      await permissions.withdraw((await consent(patientOf.get('withdrawn') ?? '')).id, user);
      await permissions.grant({
        nhsNumber: patientOf.get('emergency') ?? '',
        basis: 'emergency',
        reasonCode: 'patient-unconscious',
        reason: 'Brought in unconscious by ambulance',
        actor: user,
      });
      await consent(dissentPatient);
      // A permission for patient A is no permission for patient B (the patient asked about).
      await consent(otherPatientA(40));
    }
  });

  /** The outcome of viewing the record, computed from the policy alone. */
  function expectedRecordView(role: Role, state: State): { status: number; code?: string } {
    if (!policy.mayDo(role, 'view-record')) return { status: 403, code: 'FORBIDDEN' };
    switch (state) {
      case 'dissent':
        return { status: 403, code: 'DISSENT' };
      case 'live':
      case 'emergency':
        return { status: 200 };
      case 'none':
      case 'expired':
      case 'withdrawn':
      case 'other-patient':
        return { status: 403, code: 'PERMISSION_REQUIRED' };
    }
  }

  const allowedBy = (action: PolicyAction, status: number) => (role: Role) =>
    policy.mayDo(role, action) ? { status } : { status: 403, code: 'FORBIDDEN' };

  interface RouteCase {
    readonly name: string;
    readonly request: (client: ApiClient, nhsNumber: string, role: Role) => Promise<ApiResponse>;
    readonly expected: (role: Role, state: State) => { status: number; code?: string };
  }

  /** Routes that change nothing come first, so the permission states stay as set up. */
  const ROUTES: readonly RouteCase[] = [
    {
      name: 'GET /api/patients/{nhsNumber}/record',
      request: (client, n) => client.get(`/api/patients/${n}/record`),
      expected: expectedRecordView,
    },
    {
      name: 'GET /api/patients?nhsNumber=',
      request: (client, n) => client.get(`/api/patients?nhsNumber=${n}`),
      expected: (role) => allowedBy('view-record', 200)(role),
    },
    {
      name: 'GET /api/patients/{nhsNumber}/permissions',
      request: (client, n) => client.get(`/api/patients/${n}/permissions`),
      expected: (role) => allowedBy('view-record', 200)(role),
    },
    {
      name: 'GET /api/emergency-reviews',
      request: (client) => client.get('/api/emergency-reviews?status=all'),
      expected: (role) => allowedBy('review-emergency-access', 200)(role),
    },
    {
      name: 'GET /fhir/Consent',
      request: (client, n) => client.get(`/fhir/Consent?patient=${n}`),
      expected: (role) => allowedBy('search-audit', 200)(role),
    },
    {
      name: 'GET /api/session',
      request: (client) => client.get('/api/session'),
      expected: () => ({ status: 200 }),
    },
    {
      name: 'POST /api/patients/{nhsNumber}/permissions (consent)',
      request: (client) =>
        client.post(`/api/patients/${syntheticNhsNumber()}/permissions`, {
          basis: 'consent',
          method: 'verbal',
          givenBy: 'patient',
        }),
      expected: (role) => allowedBy('view-record', 201)(role),
    },
    {
      name: 'POST /api/patients/{nhsNumber}/permissions (emergency)',
      request: (client) =>
        client.post(`/api/patients/${syntheticNhsNumber()}/permissions`, {
          basis: 'emergency',
          reasonCode: 'lacks-capacity',
          reason: 'Confused after a fall; no one with authority present',
        }),
      expected: (role) => allowedBy('emergency-access', 201)(role),
    },
    {
      name: 'POST /api/emergency-reviews/{permissionId}',
      request: async (client) => {
        const emergency = await system.app.services.permissions.grant({
          nhsNumber: syntheticNhsNumber(),
          basis: 'emergency',
          reasonCode: 'life-threatening',
          reason: 'Cardiac arrest',
          actor: actor('hospital-clinician').user,
        });
        return client.post(`/api/emergency-reviews/${emergency.id}`, {
          outcome: 'appropriate',
          note: 'Reason matches the ED record',
        });
      },
      expected: (role) => allowedBy('review-emergency-access', 200)(role),
    },
    {
      name: 'POST /api/patients/{nhsNumber}/dissent',
      request: (client) => client.post(`/api/patients/${syntheticNhsNumber()}/dissent`, {}),
      expected: (role) => allowedBy('manage-dissent', 200)(role),
    },
    {
      name: 'DELETE /api/patients/{nhsNumber}/dissent',
      request: async (client) => {
        const nhsNumber = syntheticNhsNumber();
        await system.app.services.permissions.recordDissent(nhsNumber, actor('admin').user);
        return client.delete(`/api/patients/${nhsNumber}/dissent`);
      },
      expected: (role) => allowedBy('manage-dissent', 204)(role),
    },
    {
      // Only a user who may view records withdraws a permission (here: one they recorded).
      name: 'DELETE /api/permissions/{id}',
      request: async (client, _n, role) => {
        const permission = await system.app.services.permissions.grant({
          nhsNumber: syntheticNhsNumber(),
          basis: 'consent',
          method: 'verbal',
          givenBy: 'patient',
          actor: actor(role).user,
        });
        return client.delete(`/api/permissions/${permission.id}`);
      },
      expected: (role) => allowedBy('view-record', 204)(role),
    },
  ];

  /** Refusals the routes do not yet audit (outside this change; see the report). */
  const KNOWN_UNAUDITED = new Set(['GET /api/patients/{nhsNumber}/permissions']);
  const unaudited: string[] = [];

  test('every route × role × permission state gives the outcome the policy says, and refusals are audited', async () => {
    const failures: string[] = [];
    let cases = 0;
    // Roles run side by side (each its own user, permissions and patients); routes in order.
    const runRole = async (role: Role): Promise<void> => {
      const { client, user } = actor(role);
      for (const route of ROUTES) {
        for (const state of STATES) {
          cases += 1;
          const nhsNumber =
            state === 'other-patient' ? otherPatientA(41) : (patientOf.get(state) ?? '');
          const expected = route.expected(role, state);
          const deniedBefore = expected.status === 403 ? await deniedCount(user) : 0;
          const response = await route.request(client, nhsNumber, role);
          const label = `${route.name} as ${role} with ${state}`;
          if (response.status !== expected.status) {
            failures.push(
              `${label}: ${response.status} (expected ${expected.status}) ${response.text.slice(0, 120)}`,
            );
            continue;
          }
          if (expected.code !== undefined && outcomeCode(response.body) !== expected.code) {
            failures.push(
              `${label}: ${outcomeCode(response.body) ?? '?'} (expected ${expected.code})`,
            );
          }
          if (expected.status === 403 && (await deniedCount(user)) <= deniedBefore) {
            if (KNOWN_UNAUDITED.has(route.name)) unaudited.push(label);
            else failures.push(`${label}: refused but not audited`);
          }
        }
      }
    };
    await Promise.all(ROLES.map(runRole));
    assert.equal(cases, ROUTES.length * ROLES.length * STATES.length);
    assert.deepEqual(failures, []);
  });

  test('every refusal of the permissions list is audited too', () => {
    assert.deepEqual(unaudited, []);
  });
});

describe('emergency access and its review', () => {
  test('emergency access without a reason, or without a reason code, is refused', async () => {
    const { client } = actor('hospital-clinician');
    const nhsNumber = system.sims.population.nhsNumberAt(30);
    const noReason = await client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
    });
    assert.equal(noReason.status, 400);
    assert.equal(outcomeCode(noReason.body), 'INVALID_PERMISSION');
    const noCode = await client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reason: 'Unconscious on arrival',
    });
    assert.equal(noCode.status, 400);
    const reviews = await system.app.services.emergencyReviews.list('all');
    assert.ok(reviews.every((review) => review.permission.nhsNumber !== nhsNumber));
  });

  test('emergency access lasts four hours, expires on time, and waits in the review queue until reviewed', async () => {
    const clinician = actor('hospital-clinician');
    const officer = actor('privacy-officer');
    const nhsNumber = system.sims.population.nhsNumberAt(31);
    const granted = await clinician.client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Unconscious on arrival; no next of kin present',
    });
    assert.equal(granted.status, 201, granted.text);
    const permission = (
      granted.body as { permission: { id: string; createdAt: string; expiresAt: string } }
    ).permission;
    assert.equal(
      Date.parse(permission.expiresAt) - Date.parse(permission.createdAt),
      system.config.permissions.emergencyHours * 3_600_000,
    );
    assert.equal(system.config.permissions.emergencyHours, 4);
    assert.equal((await clinician.client.get(`/api/patients/${nhsNumber}/record`)).status, 200);

    // Four hours later (the row's expiry moved into the past): the next view is refused.
    await expirePermission(permission.id);
    const expired = await clinician.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(expired.status, 403);
    assert.equal(outcomeCode(expired.body), 'PERMISSION_REQUIRED');

    type Review = {
      permissionId: string;
      status: string;
      live: boolean;
      reason?: string;
      outcome?: string;
      note?: string;
    };
    const open = await officer.client.get('/api/emergency-reviews?status=open');
    assert.equal(open.status, 200);
    const queued = (open.body as { reviews: Review[] }).reviews.find(
      (r) => r.permissionId === permission.id,
    );
    assert.ok(queued !== undefined, 'the emergency access is in the review queue');
    assert.equal(queued.status, 'open');
    assert.equal(queued.live, false);
    assert.equal(queued.reason, 'Unconscious on arrival; no next of kin present');

    const noNote = await officer.client.post(`/api/emergency-reviews/${permission.id}`, {
      outcome: 'appropriate',
      note: '   ',
    });
    assert.equal(noNote.status, 400);

    const reviewed = await officer.client.post(`/api/emergency-reviews/${permission.id}`, {
      outcome: 'needs-follow-up',
      note: 'Patient was conscious per triage notes; ask the clinician',
    });
    assert.equal(reviewed.status, 200, reviewed.text);
    const audited = await system.app.services.audit.list({
      userId: officer.user.id,
      action: 'emergency-access-reviewed',
      limit: 100,
    });
    const entry = audited.find(
      (record) =>
        record.entry.event.action === 'emergency-access-reviewed' &&
        record.entry.event.permissionId === permission.id,
    );
    assert.ok(entry !== undefined, 'the review is in the audit trail');
    assert.equal(
      entry.entry.event.action === 'emergency-access-reviewed' && entry.entry.event.reviewOutcome,
      'needs-follow-up',
    );
    assert.doesNotMatch(JSON.stringify(entry.entry), /triage notes/);

    const stillOpen = (
      (await officer.client.get('/api/emergency-reviews?status=open')).body as { reviews: Review[] }
    ).reviews;
    assert.ok(stillOpen.every((r) => r.permissionId !== permission.id));
    const all = (
      (await officer.client.get('/api/emergency-reviews?status=all')).body as { reviews: Review[] }
    ).reviews;
    assert.equal(all.find((r) => r.permissionId === permission.id)?.outcome, 'needs-follow-up');

    const again = await officer.client.post(`/api/emergency-reviews/${permission.id}`, {
      outcome: 'appropriate',
      note: 'second go',
    });
    assert.equal(again.status, 409);
  });

  test('a review of something that is not an emergency access is not found', async () => {
    const response = await actor('privacy-officer').client.post(
      `/api/emergency-reviews/${crypto.randomUUID()}`,
      { outcome: 'appropriate', note: 'x' },
    );
    assert.equal(response.status, 404);
  });
});

describe('the local dissent register', () => {
  test('a recorded dissent stops every view, and revoking it lets the next view through', async () => {
    const gp = actor('gp');
    const nurse = actor('nurse');
    const nhsNumber = system.sims.population.nhsNumberAt(32);
    await system.app.services.permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      actor: nurse.user,
    });
    assert.equal((await nurse.client.get(`/api/patients/${nhsNumber}/record`)).status, 200);

    const recorded = await gp.client.post(`/api/patients/${nhsNumber}/dissent`, {});
    assert.equal(recorded.status, 200, recorded.text);
    const dissentId = (recorded.body as { dissent: { id: string } }).dissent.id;
    const refused = await nurse.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(refused.status, 403);
    assert.equal(outcomeCode(refused.body), 'DISSENT');

    // Emergency access does not override dissent under the shipped policy.
    await system.app.services.permissions.grant({
      nhsNumber,
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Unconscious',
      actor: nurse.user,
    });
    assert.equal(
      outcomeCode((await nurse.client.get(`/api/patients/${nhsNumber}/record`)).body),
      'DISSENT',
    );

    assert.equal((await gp.client.delete(`/api/patients/${nhsNumber}/dissent`)).status, 204);
    assert.equal((await nurse.client.get(`/api/patients/${nhsNumber}/record`)).status, 200);
    assert.equal((await gp.client.delete(`/api/patients/${nhsNumber}/dissent`)).status, 404);

    const trail = await system.app.services.audit.list({ nhsNumber, limit: 100 });
    const actions = trail.map((record) => record.entry.event.action);
    assert.ok(actions.includes('dissent-recorded'));
    assert.ok(actions.includes('dissent-revoked'));
    assert.ok(
      trail.some(
        (record) =>
          record.entry.event.action === 'dissent-revoked' &&
          record.entry.event.dissentId === dissentId,
      ),
    );
  });
});

describe('the FHIR Consent export', () => {
  test('a privacy officer gets permissions and dissents as a FHIR searchset of Consents, audited', async () => {
    const officer = actor('privacy-officer');
    const nhsNumber = syntheticNhsNumber();
    const { permissions } = system.app.services;
    await permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'written',
      givenBy: 'patient',
      actor: actor('gp').user,
    });
    await permissions.grant({
      nhsNumber,
      basis: 'emergency',
      reasonCode: 'lacks-capacity',
      reason: 'Delirium',
      actor: actor('nurse').user,
    });
    await permissions.recordDissent(nhsNumber, officer.user);

    const response = await officer.client.get(
      `/fhir/Consent?patient.identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`)}`,
    );
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    const bundle = response.body as fhir4.Bundle;
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.type, 'searchset');
    assert.equal(bundle.total, 3);
    const consents = (bundle.entry ?? []).map((entry) => entry.resource as fhir4.Consent);
    assert.ok(
      consents.every(
        (c) => c.resourceType === 'Consent' && c.patient?.identifier?.value === nhsNumber,
      ),
    );
    assert.deepEqual(consents.map((c) => c.provision?.type).sort(), ['deny', 'permit', 'permit']);
    assert.ok(consents.some((c) => c.policyRule?.coding?.[0]?.code === 'EMRGONLY'));

    const byPatient = await officer.client.get(`/fhir/Consent?patient=${nhsNumber}`);
    assert.equal((byPatient.body as fhir4.Bundle).total, 3);

    const searched = await system.app.services.audit.list({
      nhsNumber,
      action: 'audit-searched',
      limit: 10,
    });
    assert.equal(searched.length, 2);

    const wrongSystem = await officer.client.get(
      `/fhir/Consent?patient.identifier=urn:x|${nhsNumber}`,
    );
    assert.equal(wrongSystem.status, 400);
    assert.equal((await officer.client.get('/fhir/Consent')).status, 400);
  });
});

describe('restricted items from the real sources', () => {
  test('the streamed record ends saying some information is not shown, as the JSON view does', async () => {
    const gp = actor('gp');
    const nhsNumber = persona('restricted-hospital-items');
    await system.app.services.permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      actor: gp.user,
    });
    const json = await gp.client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal((json.body as { informationWithheld?: boolean }).informationWithheld, true);
    const stream = await gp.client.request(
      'GET',
      `/api/patients/${nhsNumber}/record/stream`,
      undefined,
      {
        accept: 'text/event-stream',
      },
    );
    assert.equal(stream.status, 200, stream.text);
    const complete = /event: complete\ndata: (.*)\n/.exec(stream.text)?.[1];
    assert.ok(complete !== undefined, 'the stream ends with its complete event');
    assert.equal(
      (JSON.parse(complete) as { informationWithheld?: boolean }).informationWithheld,
      true,
    );
  });

  test('the hospital’s IVF, gender identity and sexual health items never survive the filter, for any role', async () => {
    const gp = actor('gp');
    const nhsNumber = persona('restricted-hospital-items');
    await system.app.services.permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      actor: gp.user,
    });
    const view = await system.app.services.recordViews.view({
      user: gp.user,
      nhsNumber,
      requestId: 'restricted-items-test',
    });
    const restrictedText = /Gender identity clinic|Sexual health clinic|Assisted conception unit/;
    // What the view sends the GP: none of it, and only a neutral flag.
    assert.doesNotMatch(JSON.stringify(view), restrictedText);
    assert.equal(view.informationWithheld, true);

    // The hospital really does send them (otherwise this test would prove nothing): the same
    // resources, straight from the simulated hospital, grouped as the record groups them.
    const hospital = system.config.sources.find((source) => source.id === 'hospital');
    assert.ok(hospital !== undefined);
    const resources = system.sims.population.r4Record('hospital', nhsNumber) ?? [];
    const unfilteredSections = assembleRecord({
      traced: tracedPatientFromR4(
        system.sims.population.pdsPatient(nhsNumber) ?? { resourceType: 'Patient' },
      ),
      results: [
        {
          sourceId: 'hospital',
          status: 'answered',
          elapsedMs: 1,
          warnings: [],
          payload: { format: 'fhir-r4', resources },
        },
      ],
      sources: [hospital],
      retrievedAt: new Date(),
    }).sections;
    const unfiltered = JSON.stringify(unfilteredSections);
    assert.match(unfiltered, restrictedText);
    for (const code of LEGALLY_RESTRICTED_CODES) {
      if (code === '15628003') continue; // the persona has no gonorrhoea item
      assert.ok(unfiltered.includes(`"${code}"`), `the source sent ${code}`);
    }

    for (const role of ROLES) {
      const filtered = filterRecordForRole({
        role,
        sections: unfilteredSections,
        policy,
        restrictedCodes: policy.restrictedCodes,
      });
      const shown = JSON.stringify(filtered.sections);
      assert.doesNotMatch(shown, restrictedText, role);
      for (const code of LEGALLY_RESTRICTED_CODES)
        assert.ok(!shown.includes(`"${code}"`), `${role}: ${code}`);
      assert.equal(filtered.informationWithheld, true);
      if (policy.mayDo(role, 'view-record')) {
        assert.ok(filtered.withheldCategories.includes('gender-identity'));
        assert.ok(filtered.withheldCategories.includes('assisted-conception'));
        assert.ok(filtered.withheldCategories.includes('sexual-health'));
        assert.ok((filtered.withheld.problems ?? 0) >= 2);
      }
    }
  });
});
