/**
 * The clinician's journey through the JSON API, against the real simulated sources:
 * sign in → find the patient → asked for permission → give it → the federated record → withdraw.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const persona = (key: string): string => {
  const found = PERSONAS.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`no persona ${key}`);
  return found.nhsNumber;
};

interface RecordBody {
  patient: { nhsNumberFormatted: string; address?: unknown };
  sources: {
    id: string;
    status: string;
    message: string;
    counts: Record<string, number>;
    warnings: { code: string }[];
  }[];
  sections: Record<
    string,
    {
      source: { sourceId: string; system: string; organisation: string; retrievedAt: string };
      resource: { resourceType: string };
    }[]
  >;
}

function totalRequests(system: RunningSystem, ids: readonly string[]): number {
  return ids.reduce((sum, id) => sum + (system.sims.stats[id]?.total ?? 0), 0);
}

const CLINICAL_SOURCES = ['gp-a81001', 'gp-b82002', 'hospital', 'community', 'social-care'];

describe('the clinician’s journey through the API', () => {
  let system: RunningSystem;
  let gp: ApiClient;

  before(async () => {
    system = await startSystem();
    const account = await system.createUser('hospital-clinician');
    gp = system.client();
    const signIn = await gp.signIn(account.username, account.password);
    assert.equal(signIn.status, 200, signIn.text);
  });
  after(async () => {
    await system.close();
  });

  test('a wrong password is refused with a clear message and audited', async () => {
    const client = system.client();
    const response = await client.signIn('nobody-here', 'not the password at all');
    assert.equal(response.status, 401);
    assert.equal(outcomeCode(response.body), 'BAD_CREDENTIALS');
    const entries = await system.app.services.audit.list({ action: 'sign-in-failed', limit: 10 });
    assert.ok(entries.some((entry) => entry.entry.event.action === 'sign-in-failed'));
  });

  test('without signing in, nothing about a patient can be read', async () => {
    const response = await system.client().get(`/api/patients/${persona('typical')}/record`);
    assert.equal(response.status, 401);
    assert.equal(outcomeCode(response.body), 'UNAUTHENTICATED');
  });

  test('an invalid NHS number gets a message saying what is wrong', async () => {
    const response = await gp.get('/api/patients?nhsNumber=999 000 0108');
    assert.equal(response.status, 400);
    assert.equal(outcomeCode(response.body), 'INVALID_NHS_NUMBER');
    assert.match(JSON.stringify(response.body), /check digit/);
  });

  test('finding the patient by NHS number shows the banner details, 3-3-4', async () => {
    const response = await gp.get(
      `/api/patients?nhsNumber=${persona('typical').replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3')}`,
    );
    assert.equal(response.status, 200, response.text);
    const patient = (
      response.body as {
        patients: {
          nhsNumberFormatted: string;
          name: { family: string };
          address?: unknown;
          age?: string;
        }[];
      }
    ).patients[0];
    assert.equal(patient?.nhsNumberFormatted, '999 000 0107');
    assert.equal(patient?.name.family.toUpperCase(), 'OAKLEY');
    assert.ok(patient?.address !== undefined);
    assert.ok(patient?.age !== undefined);
  });

  test('a restricted patient is found without an address', async () => {
    const response = await gp.get(`/api/patients?nhsNumber=${persona('sensitive-patient')}`);
    assert.equal(response.status, 200);
    const patient = (
      response.body as {
        patients: { restricted: boolean; address?: unknown; registeredGp?: unknown }[];
      }
    ).patients[0];
    assert.equal(patient?.restricted, true);
    assert.equal(patient?.address, undefined);
    assert.equal(patient?.registeredGp, undefined);
  });

  test('finding a patient by demographics', async () => {
    const typical = await gp.get(`/api/patients?nhsNumber=${persona('typical')}`);
    const patient = (
      typical.body as { patients: { name: { family: string }; birthDate: string }[] }
    ).patients[0];
    assert.ok(patient !== undefined);
    const response = await gp.get(
      `/api/patients?family=${encodeURIComponent(patient.name.family)}&birthdate=${patient.birthDate}`,
    );
    assert.equal(response.status, 200, response.text);
    const numbers = (response.body as { patients: { nhsNumber: string }[] }).patients.map(
      (p) => p.nhsNumber,
    );
    assert.ok(numbers.includes(persona('typical')));
  });

  test('without a permission the record is refused and no source is contacted', async () => {
    const before = totalRequests(system, CLINICAL_SOURCES);
    const response = await gp.get(`/api/patients/${persona('discharge-medicines-differ')}/record`);
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'PERMISSION_REQUIRED');
    assert.equal(totalRequests(system, CLINICAL_SOURCES), before);
  });

  test('emergency access without a reason is refused', async () => {
    const response = await gp.post(`/api/patients/${persona('typical')}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
    });
    assert.equal(response.status, 400);
    assert.equal(outcomeCode(response.body), 'INVALID_PERMISSION');
  });

  test('a state-changing request without the CSRF token is refused', async () => {
    const response = await gp.request(
      'POST',
      `/api/patients/${persona('typical')}/permissions`,
      { basis: 'consent', method: 'verbal', givenBy: 'patient' },
      { 'x-csrf-token': 'forged' },
    );
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'CSRF_FAILED');
  });

  test('after permission, the medicines from the GP and the hospital show with their sources', async () => {
    const nhsNumber = persona('discharge-medicines-differ');
    const granted = await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);

    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const record = response.body as RecordBody;
    const medicineSources = new Set(
      record.sections['medications']?.map((item) => item.source.sourceId),
    );
    assert.ok(
      medicineSources.has('gp-a81001'),
      `medication sources: ${[...medicineSources].join(', ')}`,
    );
    assert.ok(
      medicineSources.has('hospital'),
      `medication sources: ${[...medicineSources].join(', ')}`,
    );
    for (const item of record.sections['medications'] ?? []) {
      assert.ok(
        item.source.system !== '' &&
          item.source.organisation !== '' &&
          item.source.retrievedAt !== '',
      );
    }
    const gpSource = record.sources.find((source) => source.id === 'gp-a81001');
    assert.equal(gpSource?.status, 'answered');
    const otherPractice = record.sources.find((source) => source.id === 'gp-b82002');
    assert.equal(otherPractice?.status, 'patient-not-found');
  });

  test('a withdrawn permission stops the next record view', async () => {
    const nhsNumber = persona('typical');
    const granted = await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'written',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201);
    const { permission } = granted.body as { permission: { id: string } };
    assert.equal((await gp.get(`/api/patients/${nhsNumber}/record`)).status, 200);

    const withdrawn = await gp.delete(`/api/permissions/${permission.id}`);
    assert.equal(withdrawn.status, 204);
    const before = totalRequests(system, CLINICAL_SOURCES);
    const next = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(next.status, 403);
    assert.equal(outcomeCode(next.body), 'PERMISSION_REQUIRED');
    assert.equal(totalRequests(system, CLINICAL_SOURCES), before);
  });

  test('a permission for one patient does not open another patient’s record', async () => {
    const granted = await gp.post(`/api/patients/${persona('gp-only')}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201);
    const other = await gp.get(`/api/patients/${persona('child-health-visitor')}/record`);
    assert.equal(other.status, 403);
  });

  test('a practice’s dissent is shown plainly while the other sources still answer', async () => {
    const nhsNumber = persona('gp-dissent');
    await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    const record = response.body as RecordBody;
    const practice = record.sources.find((source) => source.status === 'dissent');
    assert.ok(
      practice?.id.startsWith('gp-'),
      JSON.stringify(record.sources.map((s) => [s.id, s.status])),
    );
    assert.ok(
      record.sources.some((source) => source.id === 'hospital' && source.status === 'answered'),
    );
    assert.match(practice?.message ?? '', /cannot override/);
  });

  test('a hospital whose date of birth disagrees with PDS has its data withheld, and the clinician is told why', async () => {
    const nhsNumber = persona('dob-mismatch');
    await gp.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    const response = await gp.get(`/api/patients/${nhsNumber}/record`);
    const record = response.body as RecordBody;
    const hospital = record.sources.find((source) => source.id === 'hospital');
    assert.equal(hospital?.status, 'demographics-mismatch');
    assert.match(hospital?.message ?? '', /birthDate/);
    for (const items of Object.values(record.sections)) {
      assert.ok(items.every((item) => item.source.sourceId !== 'hospital'));
    }
  });

  test('every record view is in the audit trail with each source’s outcome', async () => {
    const entries = await system.app.services.audit.list({
      action: 'record-view-completed',
      limit: 100,
    });
    assert.ok(entries.length >= 3);
    const last = entries.at(-1)?.entry.event;
    assert.ok(last?.action === 'record-view-completed');
    assert.deepEqual(last.sources.map((source) => source.id).sort(), [...CLINICAL_SOURCES].sort());
  });

  test('read only: every call any source received was a read (the GP Connect operation, and a FHIR batch of GET searches, are POSTs that read)', async () => {
    for (const id of ['pds', ...CLINICAL_SOURCES]) {
      const stats = system.sims.stats[id];
      assert.ok(stats !== undefined && stats.total > 0, `${id} was asked`);
      for (const [method, count] of Object.entries(stats.byMethod)) {
        if (method === 'GET') continue;
        assert.equal(method, 'POST', `${id} received ${count} ${method}`);
        if (id.startsWith('gp-')) {
          const operations: number = Object.entries(stats.byPath)
            .filter(([path]) => path.endsWith('/Patient/$gpc.getstructuredrecord'))
            .reduce((sum, [, n]) => sum + n, 0);
          assert.equal(count, operations, `${id}: every POST was $gpc.getstructuredrecord`);
        } else {
          // An R4 source: every POST was a batch at its base, and every entry of every batch a GET.
          assert.equal(stats.byPath['/'], count, `${id}: every POST was to the base`);
          const batchEntries: [string, number][] = Object.entries(stats.bundleEntriesByMethod);
          assert.ok(batchEntries.length > 0, `${id}: the POSTs were batches`);
          for (const [entryMethod, n] of batchEntries)
            assert.equal(entryMethod, 'GET', `${id}: ${n} batch entries were ${entryMethod}`);
        }
      }
      assert.deepEqual(
        Object.keys(stats.bundleEntriesByMethod).filter((m) => m !== 'GET'),
        [],
        `${id}: no write inside a batch`,
      );
    }
  });

  test('signing out ends the session', async () => {
    const account = await system.createUser('nurse');
    const client = system.client();
    await client.signIn(account.username, account.password);
    assert.equal((await client.get('/api/session')).status, 200);
    assert.equal((await client.delete('/api/session')).status, 204);
    assert.equal((await client.get('/api/session')).status, 401);
  });

  test('a privacy officer cannot open a patient’s record', async () => {
    const account = await system.createUser('privacy-officer');
    const client = system.client();
    await client.signIn(account.username, account.password);
    const response = await client.post(`/api/patients/${persona('typical')}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(response.status, 403);
    assert.equal(outcomeCode(response.body), 'FORBIDDEN');
  });
});
