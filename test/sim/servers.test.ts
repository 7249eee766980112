/** @module All simulated sources started together answer from the synthetic population, deterministically. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { SourceConfigSchema } from '../../src/config/config-schema.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { R4_RESOURCE_TYPES } from '../../sim/servers/r4-server.ts';
import { structuredRecordRequest } from '../../sim/servers/gp-connect-test-client.ts';
import { startSims, type RunningSims } from '../../sim/start-sims.ts';
import type { SimR4Setting } from '../../sim/population/population.ts';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const TRACE_ID = '6c3f5d1e-2b7a-4c0e-9f4a-0d8e7b6a5c41';

function persona(key: string): string {
  const found = PERSONAS.find((p) => p.key === key);
  assert.ok(found, key);
  return found.nhsNumber;
}

function practiceOf(sims: RunningSims, nhsNumber: string): RunningSims['practices'][number] {
  const ods = sims.population.pdsPatient(nhsNumber)?.generalPractitioner?.[0]?.identifier?.value;
  const practice = sims.practices.find((p) => p.ods === ods);
  assert.ok(practice, `practice ${ods ?? '(none)'}`);
  return practice;
}

async function gpRecord(sims: RunningSims, nhsNumber: string): Promise<Response> {
  const practice = practiceOf(sims, nhsNumber);
  const { url, init } = structuredRecordRequest({
    fhirBaseUrl: practice.url,
    asid: practice.asid,
    nhsNumber,
    traceId: TRACE_ID,
  });
  return fetch(url, init);
}

function patientSearchUrl(sims: RunningSims, setting: SimR4Setting, nhsNumber: string): string {
  return `${sims.urls[setting] ?? ''}/Patient?identifier=${encodeURIComponent(`${NHS_SYSTEM}|${nhsNumber}`)}`;
}

/** Every answer a clinician's view of one patient would fetch, as text. */
async function everyAnswer(sims: RunningSims, nhsNumber: string): Promise<string[]> {
  const texts: string[] = [];
  texts.push(await (await fetch(`${sims.demographicsUrl}/Patient/${nhsNumber}`)).text());
  texts.push(await (await gpRecord(sims, nhsNumber)).text());
  for (const setting of ['hospital', 'community', 'social-care'] as const) {
    const search = await (await fetch(patientSearchUrl(sims, setting, nhsNumber))).text();
    texts.push(search);
    const patientId = (JSON.parse(search) as fhir4.Bundle).entry?.[0]?.resource?.id ?? 'none';
    for (const type of R4_RESOURCE_TYPES[setting]) {
      texts.push(
        await (
          await fetch(`${sims.urls[setting] ?? ''}/${type}?patient=${patientId}&_count=5`)
        ).text(),
      );
    }
  }
  // Base URLs differ between runs (ports); everything else must not.
  return texts.map((text) =>
    Object.values(sims.urls).reduce((t, url) => t.replaceAll(new URL(url).origin, 'BASE'), text),
  );
}

void describe('the simulated region', () => {
  let sims: RunningSims;
  before(async () => {
    sims = await startSims({ seed: 1, size: 40 });
  });
  after(() => sims.close());

  void test('demographics answer with the population’s own Patient', async () => {
    const nhsNumber = persona('typical');
    const patient = (await (
      await fetch(`${sims.demographicsUrl}/Patient/${nhsNumber}`)
    ).json()) as fhir4.Patient;
    assert.deepEqual(patient, sims.population.pdsPatient(nhsNumber));
  });

  void test('the patient’s practice answers with the population’s structured record', async () => {
    const nhsNumber = persona('typical');
    const response = await gpRecord(sims, nhsNumber);
    assert.equal(response.status, 200);
    const bundle = (await response.json()) as fhir3.Bundle;
    assert.equal(bundle.id, TRACE_ID);
    const practice = practiceOf(sims, nhsNumber);
    const expected = sims.population.gpConnectRecord({
      ods: practice.ods,
      nhsNumber,
      areas: new Set([
        'includeAllergies',
        'includeMedication',
        'includeConsultations',
        'includeProblems',
        'includeImmunisations',
        'includeUncategorisedData',
        'includeInvestigations',
        'includeReferrals',
        'includeDiaryEntries',
      ]),
      includeResolvedAllergies: true,
      includePrescriptionIssues: true,
      traceId: TRACE_ID,
    });
    assert.equal(expected.outcome, 'record');
    assert.deepEqual(bundle, expected.bundle);
  });

  void test('a practice answers NO_PATIENT_CONSENT for the dissenting persona and PATIENT_NOT_FOUND for the sensitive one', async () => {
    const code = async (key: string): Promise<[number, string | undefined]> => {
      const response = await gpRecord(sims, persona(key));
      const outcome = (await response.json()) as fhir3.OperationOutcome;
      return [response.status, outcome.issue[0]?.details?.coding?.[0]?.code];
    };
    assert.deepEqual(await code('gp-dissent'), [403, 'NO_PATIENT_CONSENT']);
    const sensitive = persona('sensitive-patient');
    const anyPractice = sims.practices[0];
    assert.ok(anyPractice);
    const { url, init } = structuredRecordRequest({
      fhirBaseUrl: anyPractice.url,
      asid: anyPractice.asid,
      nhsNumber: sensitive,
    });
    const response = await fetch(url, init);
    assert.equal(response.status, 404);
  });

  void test('hospital, community and social care each find the typical patient by NHS number', async () => {
    const nhsNumber = persona('typical');
    for (const setting of ['hospital', 'community', 'social-care'] as const) {
      const bundle = (await (
        await fetch(patientSearchUrl(sims, setting, nhsNumber))
      ).json()) as fhir4.Bundle;
      assert.equal(bundle.total, 1, setting);
      assert.deepEqual(
        bundle.entry?.[0]?.resource,
        sims.population.r4Record(setting, nhsNumber)?.[0],
        setting,
      );
    }
  });

  void test('paging through every resource type returns each item exactly once, in order', async () => {
    const nhsNumber = persona('typical');
    for (const setting of ['hospital', 'community', 'social-care'] as const) {
      const search = (await (
        await fetch(patientSearchUrl(sims, setting, nhsNumber))
      ).json()) as fhir4.Bundle;
      const patientId = search.entry?.[0]?.resource?.id ?? '';
      const record = sims.population.r4Record(setting, nhsNumber) ?? [];
      let seenTotal = 0;
      for (const type of R4_RESOURCE_TYPES[setting]) {
        const expected = record.filter((r) => r.resourceType === type).map((r) => r.id);
        const seen: (string | undefined)[] = [];
        let url: string | undefined =
          `${sims.urls[setting] ?? ''}/${type}?patient=Patient/${patientId}&_count=2`;
        while (url !== undefined) {
          const page = (await (await fetch(url)).json()) as fhir4.Bundle;
          assert.equal(page.total, expected.length);
          seen.push(...(page.entry ?? []).map((e) => e.resource?.id));
          url = page.link?.find((l) => l.relation === 'next')?.url;
        }
        assert.deepEqual(seen, expected, `${setting} ${type}`);
        seenTotal += seen.length;
      }
      assert.ok(seenTotal > 0, `${setting} holds something for the typical patient`);
    }
  });

  void test('the source configuration is valid and points at the running simulators', async () => {
    const sources = sims.sourcesConfig();
    for (const source of sources) assert.ok(Value.Check(SourceConfigSchema, source), source.id);
    const ids = sources.map((s) => s.id);
    for (const practice of sims.population.practices)
      assert.ok(ids.includes(`gp-${practice.ods.toLowerCase()}`));
    assert.ok(['hospital', 'community', 'social-care'].every((id) => ids.includes(id)));
    for (const source of sources.filter((s) => s.kind === 'gp-connect')) {
      const practice = sims.population.practices.find((p) => p.ods === source.organisation);
      assert.equal(source.asid, practice?.asid);
      const metadata = await fetch(`${source.url}/metadata`);
      assert.equal(metadata.status, 200);
    }
    assert.equal(sources.find((s) => s.id === 'social-care')?.setting, 'social-care');
  });
});

void describe('starting the simulated region', () => {
  void test('the same seed gives byte-identical answers from every source', async () => {
    const first = await startSims({ seed: 7, size: 20 });
    const second = await startSims({ seed: 7, size: 20 });
    try {
      const nhsNumber = persona('typical');
      const [a, b] = [await everyAnswer(first, nhsNumber), await everyAnswer(second, nhsNumber)];
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.equal(a[i], b[i], `answer ${i}`);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  void test('a fault set for one source leaves the others alone, and untouched sources show no contact', async () => {
    const sims = await startSims({
      size: 20,
      faults: { hospital: { kind: 'error-rate', rate: 1, status: 503 } },
    });
    try {
      const nhsNumber = persona('typical');
      assert.equal((await fetch(patientSearchUrl(sims, 'hospital', nhsNumber))).status, 503);
      assert.equal((await fetch(patientSearchUrl(sims, 'community', nhsNumber))).status, 200);
      assert.equal(sims.stats['hospital']?.total, 1);
      assert.equal(sims.stats['community']?.total, 1);
      assert.equal(sims.stats['pds']?.total, 0);
      for (const practice of sims.practices) assert.equal(sims.stats[practice.id]?.total, 0);
    } finally {
      await sims.close();
    }
  });

  void test('closing the region stops every source listening', async () => {
    const sims = await startSims({ size: 20 });
    const urls = Object.values(sims.urls);
    await sims.close();
    for (const url of urls) {
      await assert.rejects(fetch(`${url}/metadata`));
    }
  });
});
