/**
 * Every change of consent state commits with its audit entry or not at all: with the audit trail
 * refusing writes (a real trigger on the audit table, on SQLite and PostgreSQL), each action answers
 * 503 and leaves the state exactly as it was; with the trail back, the same action succeeds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { User } from '../../src/access/user.ts';
import type { Store } from '../../src/store/store.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';
import { forEachStore } from '../support/test-database.ts';

/** Makes the audit table refuse every insert, as a full or faulty audit store would. */
async function refuseAuditWrites(store: Store): Promise<void> {
  if (store.dialect === 'sqlite') {
    await sql`create trigger refuse_audit before insert on audit_entries
      begin select raise(abort, 'audit refused'); end`.execute(store.db);
  } else {
    await sql`create or replace function refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit refused'; end $$`.execute(store.db);
    await sql`create trigger refuse_audit before insert on audit_entries
      for each row execute function refuse_audit()`.execute(store.db);
  }
}

async function allowAuditWrites(store: Store): Promise<void> {
  await sql`drop trigger refuse_audit${store.dialect === 'postgres' ? sql` on audit_entries` : sql``}`.execute(
    store.db,
  );
}

interface Signed {
  readonly user: User;
  readonly client: ApiClient;
}

forEachStore((name, open) => {
  let store: Store;
  let system: RunningSystem;
  let clinician: Signed;
  let officer: Signed;
  let patientIndex = 0;
  const nextPatient = () => {
    patientIndex += 1;
    return system.sims.population.nhsNumberAt(patientIndex);
  };

  before(async () => {
    store = await open();
    system = await startSystem({ store, sims: { size: 30 } });
    const signIn = async (role: 'hospital-clinician' | 'privacy-officer'): Promise<Signed> => {
      const account = await system.createUser(role);
      const client = system.client();
      assert.equal((await client.signIn(account.username, account.password)).status, 200);
      const user = await system.app.services.accounts.findByUsername(account.username);
      assert.ok(user !== undefined);
      return { user, client };
    };
    clinician = await signIn('hospital-clinician');
    officer = await signIn('privacy-officer');
  });
  after(async () => {
    await system.close();
    await store.close();
  });

  /** Runs `act` with the audit refusing writes; it must answer 503 AUDIT_UNAVAILABLE. */
  async function withAuditDown(act: () => Promise<{ status: number; body: unknown }>) {
    await refuseAuditWrites(store);
    try {
      const response = await act();
      assert.equal(response.status, 503);
      assert.equal(outcomeCode(response.body), 'AUDIT_UNAVAILABLE');
    } finally {
      await allowAuditWrites(store);
    }
  }

  async function auditedCount(action: string, nhsNumber: string): Promise<number> {
    const entries = await system.app.services.audit.list({
      nhsNumber,
      limit: 100,
    });
    return entries.filter((record) => record.entry.event.action === action).length;
  }

  describe(`on ${name}, when the audit cannot be written`, () => {
    test('a consent is not recorded, and is recorded once the audit is back', async () => {
      const nhsNumber = nextPatient();
      const consent = { basis: 'consent', method: 'verbal', givenBy: 'patient' };
      const path = `/api/patients/${nhsNumber}/permissions`;
      await withAuditDown(() => clinician.client.post(path, consent));
      const { permissions } = system.app.services;
      assert.deepEqual(await permissions.listForPatient(nhsNumber), []);

      assert.equal((await clinician.client.post(path, consent)).status, 201);
      assert.equal((await permissions.listForPatient(nhsNumber)).length, 1);
      assert.equal(await auditedCount('permission-granted', nhsNumber), 1);
    });

    test('an emergency access is not recorded and nothing waits for review', async () => {
      const nhsNumber = nextPatient();
      await withAuditDown(() =>
        clinician.client.post(`/api/patients/${nhsNumber}/permissions`, {
          basis: 'emergency',
          reasonCode: 'patient-unconscious',
          reason: 'Unconscious on arrival',
        }),
      );
      assert.deepEqual(await system.app.services.permissions.listForPatient(nhsNumber), []);
      const reviews = await system.app.services.emergencyReviews.list('all');
      assert.ok(reviews.every((review) => review.permission.nhsNumber !== nhsNumber));
    });

    test('a withdrawal leaves the permission live, and lands once the audit is back', async () => {
      const nhsNumber = nextPatient();
      const { permissions } = system.app.services;
      const permission = await permissions.grant({
        nhsNumber,
        basis: 'consent',
        method: 'verbal',
        givenBy: 'patient',
        actor: clinician.user,
      });
      await withAuditDown(() => clinician.client.delete(`/api/permissions/${permission.id}`));
      assert.equal((await permissions.get(permission.id))?.withdrawnAt, undefined);
      assert.ok((await permissions.findLive(nhsNumber, clinician.user)) !== undefined);

      assert.equal(
        (await clinician.client.delete(`/api/permissions/${permission.id}`)).status,
        204,
      );
      assert.equal(await permissions.findLive(nhsNumber, clinician.user), undefined);
      assert.equal(await auditedCount('permission-withdrawn', nhsNumber), 1);
    });

    test('a dissent is not put on the register', async () => {
      const nhsNumber = nextPatient();
      await withAuditDown(() => officer.client.post(`/api/patients/${nhsNumber}/dissent`, {}));
      assert.equal(await system.app.services.permissions.hasDissent(nhsNumber), false);
    });

    test('a dissent withdrawn stays on the register', async () => {
      const nhsNumber = nextPatient();
      const { permissions } = system.app.services;
      await permissions.recordDissent(nhsNumber, officer.user);
      await withAuditDown(() => officer.client.delete(`/api/patients/${nhsNumber}/dissent`));
      assert.equal(await permissions.hasDissent(nhsNumber), true);

      assert.equal((await officer.client.delete(`/api/patients/${nhsNumber}/dissent`)).status, 204);
      assert.equal(await permissions.hasDissent(nhsNumber), false);
      assert.equal(await auditedCount('dissent-revoked', nhsNumber), 1);
    });

    test('an emergency access review is not recorded: the access stays open for review', async () => {
      const nhsNumber = nextPatient();
      const emergency = await system.app.services.permissions.grant({
        nhsNumber,
        basis: 'emergency',
        reasonCode: 'life-threatening',
        reason: 'Cardiac arrest',
        actor: clinician.user,
      });
      const review = { outcome: 'appropriate', note: 'Matches the ED record' };
      const path = `/api/emergency-reviews/${emergency.id}`;
      await withAuditDown(() => officer.client.post(path, review));
      const open = await system.app.services.emergencyReviews.list('open');
      assert.ok(open.some((item) => item.permission.id === emergency.id));

      assert.equal((await officer.client.post(path, review)).status, 200);
      assert.equal(await auditedCount('emergency-access-reviewed', nhsNumber), 1);
    });

    test('a privacy alert review is not recorded: the alert stays open', async () => {
      const nhsNumber = nextPatient();
      const { privacyAlerts } = system.app.services;
      await privacyAlerts.raise([
        {
          rule: 'out-of-hours',
          seq: 1_000_000 + patientIndex,
          userId: clinician.user.id,
          nhsNumber,
          occurredAt: new Date().toISOString(),
          detail: 'Viewed at 03:12',
        },
      ]);
      const alert = (await privacyAlerts.list('open')).find((a) => a.nhsNumber === nhsNumber);
      assert.ok(alert !== undefined);
      const review = { outcome: 'needs-follow-up', note: 'Ask the clinician why' };
      await withAuditDown(() => officer.client.post(`/api/privacy-alerts/${alert.id}`, review));
      const still = (await privacyAlerts.list('open')).find((a) => a.id === alert.id);
      assert.equal(still?.status, 'open');

      assert.equal(
        (await officer.client.post(`/api/privacy-alerts/${alert.id}`, review)).status,
        200,
      );
      assert.equal(await auditedCount('privacy-alert-reviewed', nhsNumber), 1);
    });
  });
});
