/**
 * Discovery across the simulated region, every part real: PDS, one GP Connect process serving
 * 300 practices, SDS, a PIXm patient index and 7 R4 sources, with `gpConnect.sds.url` set and no
 * practice listed. A view asks the registered practice alone and says why every other source
 * it considered was or was not asked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS } from '../../sim/population/personas.ts';
import { GP_CONNECT_REGION_ID, SDS_ID, PATIENT_INDEX_ID } from '../../sim/start-sims.ts';
import type { GpConnectStats } from '../../sim/servers/gp-connect-server.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

interface SourceBody {
  readonly id: string;
  readonly status: string;
  readonly message: string;
  readonly elapsedMs: number;
}
interface RecordBody {
  readonly sources: SourceBody[];
  readonly sections: Record<string, { source: { sourceId: string } }[]>;
}

let system: RunningSystem;
let clinician: ApiClient;

before(async () => {
  system = await startSystem({ sims: { region: true, size: 400 } });
  const account = await system.createUser('hospital-clinician', 'RXX01');
  clinician = system.client();
  const signIn = await clinician.signIn(account.username, account.password);
  assert.equal(signIn.status, 200, signIn.text);
});
after(() => system.close());

/** A generated patient registered at one of the 298 generated practices (not A81001 or B82002). */
function patientAtAGeneratedPractice(): { nhsNumber: string; ods: string } {
  const { population } = system.sims;
  for (let i = PERSONAS.length; i < population.size; i++) {
    const nhsNumber = population.nhsNumberAt(i);
    const ods = population.pdsPatient(nhsNumber)?.generalPractitioner?.[0]?.identifier?.value;
    if (ods !== undefined && ods.startsWith('C8')) return { nhsNumber, ods };
  }
  throw new Error('no generated patient at a generated practice');
}

async function viewRecord(nhsNumber: string): Promise<RecordBody> {
  const granted = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
    basis: 'consent',
    method: 'verbal',
    givenBy: 'patient',
  });
  assert.equal(granted.status, 201, granted.text);
  const response = await clinician.get(`/api/patients/${nhsNumber}/record`);
  assert.equal(response.status, 200, response.text);
  return response.body as RecordBody;
}

const gpStats = (): GpConnectStats => system.sims.stats[GP_CONNECT_REGION_ID] as GpConnectStats;

describe('record discovery across a region of 300 practices', () => {
  test('only the registered practice receives a GP Connect request, with its SDS ASID and address', async () => {
    assert.equal(system.sims.practices.length, 300);
    assert.equal(system.config.sources.filter((source) => source.kind === 'gp-connect').length, 0);
    const { nhsNumber, ods } = patientAtAGeneratedPractice();
    const practice = system.sims.practices.find((p) => p.ods === ods);
    assert.ok(practice !== undefined);
    const before = gpStats().recent.length;
    const totalBefore = gpStats().total;
    const record = await viewRecord(nhsNumber);

    assert.equal(gpStats().total - totalBefore, 1, 'one request reached the GP Connect process');
    const received = gpStats().recent.slice(before);
    assert.equal(received.length, 1, 'one GP Connect request in the whole region');
    assert.equal(
      received[0]?.path,
      `/${ods}/STU3/1/gpconnect/structured/fhir/Patient/$gpc.getstructuredrecord`,
    );
    assert.equal(received[0]?.headers['ssp-to'], practice.asid);
    assert.equal(received[0]?.claims?.['aud'], practice.url);
    const organisation = received[0]?.claims?.['requesting_organization'] as { name?: string };
    assert.equal(organisation.name, 'Northgate Teaching Hospitals NHS Trust');

    const gp = record.sources.find((source) => source.id === `gp-${ods.toLowerCase()}`);
    assert.equal(gp?.status, 'answered', gp?.message);
    assert.ok((record.sections['medications'] ?? []).some((i) => i.source.sourceId === gp?.id));
  });

  test('R4 sources the index does not know the patient at are not asked, and say so', async () => {
    const { nhsNumber } = patientAtAGeneratedPractice();
    const before = Object.fromEntries(
      Object.entries(system.sims.stats).map(([id, stats]) => [id, stats.total]),
    );
    const record = await viewRecord(nhsNumber);
    const notKnown = record.sources.filter((source) => source.status === 'not-known-to-index');
    assert.ok(notKnown.length > 0, JSON.stringify(record.sources.map((s) => [s.id, s.status])));
    for (const source of notKnown) {
      assert.equal(
        system.sims.stats[source.id]?.total,
        before[source.id],
        `${source.id} was asked`,
      );
      assert.equal(source.elapsedMs, 0);
      assert.match(source.message, /patient index does not know/);
    }
    assert.equal(
      (system.sims.stats[PATIENT_INDEX_ID]?.total ?? 0) - (before[PATIENT_INDEX_ID] ?? 0),
      1,
    );
    // Seven R4 sources, the practice and the NRL: every one considered appears.
    assert.equal(record.sources.length, 9);
  });

  test('a restricted patient: no practice asked, said plainly, and recorded in the audit', async () => {
    const sensitive = PERSONAS.find((p) => p.key === 'sensitive-patient');
    assert.ok(sensitive !== undefined);
    const before = gpStats().recent.length;
    const sdsBefore = system.sims.stats[SDS_ID]?.total;
    const record = await viewRecord(sensitive.nhsNumber);
    const practice = record.sources.find((source) => source.id === 'registered-practice');
    assert.equal(practice?.status, 'no-registered-practice');
    assert.match(practice?.message ?? '', /restricted/);
    assert.equal(gpStats().recent.length, before);
    assert.equal(system.sims.stats[SDS_ID]?.total, sdsBefore);

    const entries = await system.app.services.audit.list({
      nhsNumber: sensitive.nhsNumber,
      action: 'record-view-completed',
      limit: 10,
    });
    const completed: AuditEvent | undefined = entries[0]?.entry.event;
    assert.ok(completed !== undefined && 'sources' in completed);
    assert.ok(
      completed.sources.some(
        (source) =>
          source.id === 'registered-practice' && source.status === 'no-registered-practice',
      ),
    );
  });

  test("the NRL's pointers show in Documents and crisis plans are flagged", async () => {
    const typical = PERSONAS.find((p) => p.key === 'typical');
    assert.ok(typical !== undefined);
    const record = await viewRecord(typical.nhsNumber);
    const nrl = record.sources.find((source) => source.id === 'nrl') as
      (SourceBody & { warnings: { code: string; message: string }[] }) | undefined;
    assert.equal(nrl?.status, 'answered', nrl?.message);
    const pointers = (record.sections['documents'] ?? []).filter(
      (i) => i.source.sourceId === 'nrl',
    );
    assert.equal(pointers.length, 2);
    const flags = nrl?.warnings.filter((w) => w.code === 'crisis-document').map((w) => w.message);
    assert.equal(flags?.length, 2);
    assert.ok(flags?.some((message) => message.startsWith('ReSPECT form available from RYY02')));
  });

  test('opening a pointer fetches the document live: PDF as PDF, HTML without script, no-store, audited', async () => {
    const typical = PERSONAS.find((p) => p.key === 'typical');
    assert.ok(typical !== undefined);
    const nrlBefore = system.sims.stats['nrl']?.total ?? 0;
    const pdf = await clinician.get(
      `/api/patients/${typical.nhsNumber}/documents/RYY02-respect-0107`,
    );
    assert.equal(pdf.status, 200, pdf.text);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(pdf.headers.get('cache-control'), 'no-store');
    assert.ok(pdf.text.startsWith('%PDF-'));
    const html = await clinician.get(
      `/api/patients/${typical.nhsNumber}/documents/RYY02-eolc-0107`,
    );
    assert.equal(html.status, 200, html.text);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(html.headers.get('cache-control'), 'no-store');
    // The server's own policy applies too: no inline script could run even if one slipped through.
    assert.doesNotMatch(
      html.headers.get('content-security-policy') ?? 'missing',
      /unsafe-inline|missing/,
    );
    assert.match(html.text, /Preferred place of care: home/);
    assert.doesNotMatch(html.text, /<script|onclick|<img|pwned/i);
    // Each open read the pointer again and fetched the document: two calls each.
    assert.equal((system.sims.stats['nrl']?.total ?? 0) - nrlBefore, 4);

    const entries = await system.app.services.audit.list({
      nhsNumber: typical.nhsNumber,
      action: 'record-view-source',
      limit: 100,
      newestFirst: true,
    });
    const opened = entries[0]?.entry.event;
    assert.ok(opened !== undefined && opened.action === 'record-view-source');
    assert.equal(opened.source.id, 'nrl');
    assert.deepEqual(opened.source.counts, { documents: 1 });
  });

  test("another patient's pointer is not found, and without a permission nothing is fetched", async () => {
    const typical = PERSONAS.find((p) => p.key === 'typical');
    const other = PERSONAS.find((p) => p.key === 'discharge-medicines-differ');
    assert.ok(typical !== undefined && other !== undefined);
    const wrong = await clinician.get(
      `/api/patients/${typical.nhsNumber}/documents/RXX01-mhcp-0247`,
    );
    assert.equal(wrong.status, 404, wrong.text);
    const nrlBefore = system.sims.stats['nrl']?.total ?? 0;
    const refused = await clinician.get(
      `/api/patients/${other.nhsNumber}/documents/RXX01-mhcp-0247`,
    );
    assert.equal(refused.status, 403);
    assert.equal(system.sims.stats['nrl']?.total ?? 0, nrlBefore);
  });

  test('when SDS fails, the practice is "endpoint not found" and is not asked', async () => {
    const { nhsNumber, ods } = patientAtAGeneratedPractice();
    const sds = system.sims.servers[SDS_ID];
    assert.ok(sds !== undefined);
    sds.faults.set({ kind: 'error-rate', rate: 1, status: 503 });
    try {
      const before = gpStats().recent.length;
      const record = await viewRecord(nhsNumber);
      const practice = record.sources.find((source) => source.id === `gp-${ods.toLowerCase()}`);
      assert.equal(practice?.status, 'endpoint-not-found');
      assert.match(practice?.message ?? '', /endpoint could not be found/);
      assert.equal(gpStats().recent.length, before);
    } finally {
      sds.faults.set({ kind: 'none' });
    }
  });
});
