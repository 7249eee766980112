/**
 * @module The auditor's API against the running system: the patient access report, the audit
 * search, the FHIR AuditEvent export and inclusion proofs checked against the signed checkpoint.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryLeafHash } from '../../src/audit/audit-checkpoints.ts';
import {
  DEMO_KEY_FILE_NAME,
  checkCheckpointSignature,
  loadPublicKey,
  trustedKeys,
  type Checkpoint,
} from '../../src/audit/checkpoint-signer.ts';
import { verifyInclusion } from '../../src/shared/merkle-proof.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const typical = PERSONAS.find((p) => p.key === 'typical')?.nhsNumber ?? '';
const other = PERSONAS.find((p) => p.key !== 'typical')?.nhsNumber ?? '';

interface Access {
  seq: number;
  kind: string;
  user: { name: string; role: string; organisation: string };
  basis?: string;
  outcome: string;
  time: string;
}
interface AuditEntryJson {
  seq: number;
  event: {
    action: string;
    outcome?: string;
    nhsNumber?: string;
    attempted?: string;
    actor?: { username: string; userId?: string; organisation?: string };
  };
}

describe('the auditor’s view of the audit trail', () => {
  let system: RunningSystem;
  let clinician: ApiClient;
  let officer: ApiClient;
  let officerName: string;
  const witnessDir = mkdtempSync(join(tmpdir(), 'mcr-witness-'));
  const witnessFile = join(witnessDir, 'witness.jsonl');

  before(async () => {
    system = await startSystem({
      config: { audit: { checkpointEvery: 3, checkpointSeconds: 0, witness: witnessFile } },
    });
    const gp = await system.createUser('hospital-clinician');
    clinician = system.client();
    assert.equal((await clinician.signIn(gp.username, gp.password)).status, 200);
    const po = await system.createUser('privacy-officer');
    officerName = po.username;
    officer = system.client();
    assert.equal((await officer.signIn(po.username, po.password)).status, 200);
    const granted = await clinician.post(`/api/patients/${typical}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    for (let i = 0; i < 2; i += 1) {
      const view = await clinician.get(`/api/patients/${typical}/record`);
      assert.equal(view.status, 200, view.text);
    }
    // A refused attempt on another patient (no permission).
    assert.equal((await clinician.get(`/api/patients/${other}/record`)).status, 403);
  });
  after(async () => {
    await system.close();
    rmSync(witnessDir, { recursive: true, force: true });
  });

  test('a privacy officer sees who viewed a patient’s record, when, on what basis, with a count per day', async () => {
    const response = await officer.get(`/api/patients/${typical}/access-report`);
    assert.equal(response.status, 200, response.text);
    const report = response.body as {
      nhsNumber: string;
      accesses: Access[];
      perDay: { date: string; count: number }[];
    };
    assert.equal(report.nhsNumber, typical);
    const views = report.accesses.filter((a) => a.kind === 'record-view');
    assert.equal(views.length, 2);
    for (const view of views) {
      assert.equal(view.user.name, 'Test hospital-clinician');
      assert.equal(view.user.role, 'hospital-clinician');
      assert.equal(view.user.organisation, 'RX1');
      assert.equal(view.basis, 'consent');
      assert.equal(view.outcome, 'success');
    }
    assert.ok((views[0]?.seq ?? 0) > (views[1]?.seq ?? 0), 'newest first');
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(report.perDay, [{ date: today, count: report.accesses.length }]);
  });

  test('a refused attempt on a record shows in that patient’s access report as denied', async () => {
    const response = await officer.get(`/api/patients/${other}/access-report`);
    const report = response.body as { accesses: Access[] };
    assert.equal(report.accesses.length, 1);
    assert.equal(report.accesses[0]?.kind, 'denied');
    assert.equal(report.accesses[0]?.outcome, 'denied');
  });

  test('a clinician may not search the audit trail or read an access report, and the attempt is audited', async () => {
    const search = await clinician.get('/api/audit');
    assert.equal(search.status, 403);
    assert.equal(outcomeCode(search.body), 'FORBIDDEN');
    const report = await clinician.get(`/api/patients/${typical}/access-report`);
    assert.equal(report.status, 403);
    const fhir = await clinician.get(`/fhir/AuditEvent?patient=${typical}`);
    assert.equal(fhir.status, 403);
    const denied = await officer.get('/api/audit?action=access-denied');
    const attempts = (denied.body as { entries: AuditEntryJson[] }).entries.map(
      (e) => e.event.attempted,
    );
    assert.ok(attempts.includes('audit-search'));
    assert.ok(attempts.includes('access-report'));
  });

  test('a privacy officer filters the trail by organisation and outcome on the server', async () => {
    const denied = await officer.get('/api/audit?outcome=denied&limit=500');
    assert.equal(denied.status, 200, denied.text);
    const entries = (denied.body as { entries: AuditEntryJson[] }).entries;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => e.event.outcome === 'denied'));
    const organisation = entries[0]?.event.actor?.organisation ?? '';
    const ofOne = await officer.get(`/api/audit?organisation=${organisation}&outcome=denied`);
    const found = (ofOne.body as { entries: AuditEntryJson[] }).entries;
    assert.ok(found.length > 0);
    assert.ok(found.every((e) => e.event.actor?.organisation === organisation));
    const nobody = await officer.get('/api/audit?organisation=ZZZ99');
    assert.deepEqual((nobody.body as { entries: AuditEntryJson[] }).entries, []);
    const bad = await officer.get('/api/audit?outcome=maybe');
    assert.equal(bad.status, 400);
  });

  test('a privacy officer finds a clinician’s entries by their sign-in name, in any case, or by id', async () => {
    const clinicianName = (
      (await clinician.get('/api/session')).body as { user: { username: string } }
    ).user.username;
    const byName = await officer.get(
      `/api/audit?user=${encodeURIComponent(clinicianName.toUpperCase())}&limit=500`,
    );
    assert.equal(byName.status, 200, byName.text);
    const found = (byName.body as { entries: AuditEntryJson[] }).entries;
    assert.ok(found.some((e) => e.event.action === 'record-view-completed'));
    assert.ok(found.every((e) => e.event.actor?.username === clinicianName));
    const userId = found[0]?.event.actor?.userId ?? '';
    const byId = await officer.get(`/api/audit?user=${encodeURIComponent(userId)}&limit=500`);
    assert.deepEqual(
      (byId.body as { entries: AuditEntryJson[] }).entries.map((e) => e.seq),
      found.map((e) => e.seq),
    );
    const nobody = await officer.get('/api/audit?user=nobody-by-this-name');
    assert.deepEqual((nobody.body as { entries: AuditEntryJson[] }).entries, []);
  });

  test('every audit search is itself audited, with the patient it named', async () => {
    await officer.get(`/api/audit?nhsNumber=${typical}&limit=5`);
    const response = await officer.get('/api/audit?action=audit-searched&limit=1');
    const [latest] = (response.body as { entries: AuditEntryJson[] }).entries;
    assert.equal(latest?.event.actor?.username, officerName);
    assert.equal(latest?.event.nhsNumber, typical);
  });

  test('the audit search filters by patient and action and pages newest first', async () => {
    const first = await officer.get(
      `/api/audit?nhsNumber=${typical}&action=record-view-started&limit=1`,
    );
    assert.equal(first.status, 200, first.text);
    const page1 = first.body as {
      entries: AuditEntryJson[];
      nextBeforeSeq?: number;
      latestCheckpoint?: Checkpoint;
    };
    assert.equal(page1.entries.length, 1);
    assert.equal(page1.entries[0]?.event.action, 'record-view-started');
    assert.ok(page1.latestCheckpoint !== undefined);
    const second = await officer.get(
      `/api/audit?nhsNumber=${typical}&action=record-view-started&limit=1&beforeSeq=${page1.nextBeforeSeq}`,
    );
    const page2 = second.body as { entries: AuditEntryJson[] };
    assert.equal(page2.entries.length, 1);
    assert.ok((page2.entries[0]?.seq ?? 0) < (page1.entries[0]?.seq ?? 0));
    assert.equal((await officer.get('/api/audit?action=made-up')).status, 400);
  });

  test('the FHIR AuditEvent export answers a searchset Bundle of the patient’s events', async () => {
    const response = await officer.get(`/fhir/AuditEvent?patient=${typical}`);
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /application\/fhir\+json/);
    const bundle = response.body as fhir4.Bundle<fhir4.AuditEvent>;
    assert.equal(bundle.type, 'searchset');
    const events = (bundle.entry ?? []).map((e) => e.resource as fhir4.AuditEvent);
    assert.ok(events.length >= 5, `only ${events.length} events`);
    for (const event of events) {
      const patients = (event.entity ?? []).filter((e) => e.what?.type === 'Patient');
      assert.ok(patients.some((p) => p.what?.identifier?.value === typical));
    }
    const byIdentifier = await officer.get(
      `/fhir/AuditEvent?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|${typical}`,
    );
    // The first search is itself audited against the patient, so it shows in the second.
    assert.equal((byIdentifier.body as fhir4.Bundle).entry?.length, events.length + 1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = await officer.get(`/fhir/AuditEvent?patient=${typical}&date=ge${tomorrow}`);
    assert.equal((future.body as fhir4.Bundle).entry?.length, 0);
    const paged = await officer.get(`/fhir/AuditEvent?patient=${typical}&_count=1`);
    const pagedBundle = paged.body as fhir4.Bundle;
    assert.equal(pagedBundle.entry?.length, 1);
    const next = pagedBundle.link?.find((l) => l.relation === 'next')?.url;
    assert.ok(next !== undefined);
    const nextPage = await officer.get(new URL(next).pathname + new URL(next).search);
    const nextBundle = nextPage.body as fhir4.Bundle;
    assert.equal(nextBundle.entry?.length, 1);
    assert.notEqual(nextBundle.entry?.[0]?.fullUrl, pagedBundle.entry?.[0]?.fullUrl);
    assert.equal((await officer.get(`/fhir/AuditEvent?date=yesterday`)).status, 400);
  });

  test('an entry’s inclusion proof verifies against the signed checkpoint, with the published key', async () => {
    const search = await officer.get(
      `/api/audit?nhsNumber=${typical}&action=record-view-started&limit=1`,
    );
    const seq = (search.body as { entries: AuditEntryJson[] }).entries[0]?.seq ?? 0;
    const response = await officer.get(`/api/audit/${seq}/proof`);
    assert.equal(response.status, 200, response.text);
    const body = response.body as {
      seq: number;
      entry: string;
      leafHash: string;
      proof: string[];
      checkpoint: Checkpoint;
      verified: boolean;
      publicKey: string;
    };
    assert.equal(body.verified, true);
    assert.equal(body.leafHash, entryLeafHash(body.entry).toString('hex'));
    assert.equal((JSON.parse(body.entry) as { seq: number }).seq, seq);
    assert.ok(body.checkpoint.treeSize >= seq);
    assert.equal(
      await verifyInclusion(
        seq - 1,
        body.checkpoint.treeSize,
        Buffer.from(body.leafHash, 'hex'),
        body.proof.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(body.checkpoint.rootHash, 'hex'),
      ),
      true,
    );
    const keys = trustedKeys([createPublicKey(body.publicKey)]);
    assert.equal(checkCheckpointSignature(body.checkpoint, keys), 'valid');
    // The same proof does not prove a different entry.
    assert.equal(
      await verifyInclusion(
        seq - 1,
        body.checkpoint.treeSize,
        entryLeafHash(body.entry.replace(typical, other)),
        body.proof.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(body.checkpoint.rootHash, 'hex'),
      ),
      false,
    );
    assert.equal((await officer.get('/api/audit/999999/proof')).status, 404);
  });

  test('the demo signing key is made owner-only in the data directory, and the whole trail verifies with the witness', async () => {
    const keyFile = join(system.dataDir, DEMO_KEY_FILE_NAME);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    await system.app.services.auditCheckpoints.checkpointNow();
    const verdict = await verifyAuditTrail(system.app.store, {
      trustedKeys: trustedKeys([loadPublicKey(keyFile)]),
      witnessFile,
    });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.unsigned, 0);
    assert.ok(verdict.checkpoints >= 2, `${verdict.checkpoints} checkpoints`);
    assert.equal(verdict.witnessed, verdict.checkpoints);
  });
});
