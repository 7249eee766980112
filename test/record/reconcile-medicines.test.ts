/**
 * Medicines reconciliation as a clinician reads it: the GP's current list set against the hospital's,
 * line by line, from items built here and from the real GP Connect supplier records.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapStructuredRecord } from '../../src/record/gp-connect/map-to-r4.ts';
import { reconcileMedicines } from '../../src/record/reconcile-medicines.ts';
import { classesOf } from '../../src/record/medicine-classes.ts';
import type { RecordItem } from '../../src/shared/sections.ts';
import { listFixtures, readFixtureJson } from '../support/fixtures.ts';

const GP = 'gp-a81001';
const HOSPITAL = 'hospital';
const names = new Map([
  [GP, 'Riverside Medical Practice'],
  [HOSPITAL, 'Northgate Hospital'],
]);

function provenance(sourceId: string): RecordItem['source'] {
  return { sourceId, system: sourceId, organisation: 'X1', retrievedAt: '2025-10-01T09:00:00Z' };
}

interface Drug {
  readonly id: string;
  readonly name: string;
  readonly code?: string;
  readonly system?: string;
  readonly dose?: string;
  readonly status?: 'active' | 'completed' | 'stopped';
  readonly date?: string;
}

/** A GP Connect-shaped statement: the medicine contained, the last issue date in an extension. */
function gpMedicine(drug: Drug): RecordItem {
  const medication: fhir4.Medication = {
    resourceType: 'Medication',
    id: `med-${drug.id}`,
    code: {
      coding: [
        {
          system: drug.system ?? 'http://snomed.info/sct',
          code: drug.code ?? 'LOCAL1',
          display: drug.name,
        },
      ],
    },
  };
  return {
    source: provenance(GP),
    resource: {
      resourceType: 'MedicationStatement',
      id: drug.id,
      status: drug.status ?? 'active',
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationStatementLastIssueDate',
          valueDateTime: drug.date ?? '2025-09-20',
        },
      ],
      contained: [medication],
      medicationReference: { reference: `#med-${drug.id}`, display: drug.name },
      subject: { reference: 'Patient/1' },
      dosage: [{ text: drug.dose ?? 'One tablet once a day' }],
    },
  };
}

/** A hospital discharge MedicationRequest. */
function dischargeMedicine(drug: Drug): RecordItem {
  return {
    source: provenance(HOSPITAL),
    resource: {
      resourceType: 'MedicationRequest',
      id: drug.id,
      status: drug.status ?? 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding:
          drug.code === undefined
            ? []
            : [{ system: 'http://snomed.info/sct', code: drug.code, display: drug.name }],
        text: drug.name,
      },
      subject: { reference: 'Patient/1' },
      authoredOn: drug.date ?? '2025-09-06T11:00:00+00:00',
      dosageInstruction: [{ text: drug.dose ?? 'One tablet once a day' }],
    },
  };
}

function reconcile(medications: RecordItem[], gpSourceIds = new Set([GP])) {
  return reconcileMedicines({ medications, gpSourceIds, sourceNames: names });
}

const simvastatin = {
  name: 'Simvastatin 10mg tablets',
  code: '319996000',
  dose: 'One tablet at night',
};
const atorvastatin = {
  name: 'Atorvastatin 20mg tablets',
  code: '320030001',
  dose: 'One tablet at night',
};
const bisoprolol = { name: 'Bisoprolol 10mg tablets', code: '318591005' };

describe('medicines reconciliation', () => {
  test('the same medicine at the same dose on both lists is unchanged', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', ...bisoprolol }),
      dischargeMedicine({ id: 'h1', ...bisoprolol }),
    ]);
    assert.deepEqual(
      lines.map((line) => [line.status, line.items.map((item) => item.id)]),
      [['unchanged', ['g1', 'h1']]],
    );
  });

  test('a dose changed in hospital is named as changed, with both dates', () => {
    const [line] = reconcile([
      gpMedicine({ id: 'g1', ...bisoprolol, dose: 'One tablet once a day', date: '2025-08-01' }),
      dischargeMedicine({ id: 'h1', ...bisoprolol, dose: 'Half a tablet once a day' }),
    ]);
    assert.equal(line?.status, 'changed');
    assert.match(line?.note ?? '', /dose or frequency/);
    assert.match(line?.note ?? '', /01-Aug-2025/);
    assert.match(line?.note ?? '', /06-Sep-2025/);
  });

  test('another strength of the same drug is one changed line, matched by name', () => {
    const [line, ...rest] = reconcile([
      gpMedicine({ id: 'g1', name: 'Amlodipine 5mg tablets', code: '319283006' }),
      dischargeMedicine({ id: 'h1', name: 'Amlodipine 10mg tablets', code: '319284000' }),
    ]);
    assert.deepEqual(rest, []);
    assert.equal(line?.status, 'changed');
    assert.match(line?.note ?? '', /strength or form/);
  });

  test('a GP medicine absent from discharge is gp-only, and a new hospital one source-only', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', name: 'Ramipril 10mg tablets', code: '408052000' }),
      dischargeMedicine({ id: 'h1', name: 'Furosemide 40mg tablets', code: '317972000' }),
    ]);
    assert.deepEqual(
      lines.map((line) => [line.status, line.items[0]?.id]),
      [
        ['gp-only', 'g1'],
        ['source-only', 'h1'],
      ],
    );
    assert.match(lines[0]?.note ?? '', /stopped in hospital, or omitted\?/);
  });

  test('two statins from different sources are one same-class line saying which date is newer', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', ...simvastatin, date: '2025-09-20' }),
      dischargeMedicine({ id: 'h1', ...atorvastatin }),
    ]);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.status, 'same-class');
    assert.equal(lines[0]?.class, 'statins');
    assert.deepEqual(lines[0]?.items, [
      { sourceId: GP, id: 'g1', gp: true },
      { sourceId: HOSPITAL, id: 'h1', gp: false },
    ]);
    assert.match(lines[0]?.note ?? '', /Possible duplication/);
    assert.match(
      lines[0]?.note ?? '',
      /most recent date is that of Simvastatin 10mg tablets \(20-Sep-2025\)/,
    );
  });

  test('a class is recognised by name when the GP uses a local code', () => {
    const [line] = reconcile([
      gpMedicine({
        id: 'g1',
        name: 'Warfarin 1mg tablets',
        code: 'EMISWA1',
        system: 'https://emis.example/local',
      }),
      dischargeMedicine({ id: 'h1', name: 'Apixaban 5mg tablets', code: '42206511000001102' }),
    ]);
    assert.equal(line?.status, 'same-class');
    assert.equal(line?.class, 'anticoagulants');
  });

  test('the same drug listed twice by the GP is one line that says so', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', ...bisoprolol }),
      gpMedicine({ id: 'g2', ...bisoprolol }),
      dischargeMedicine({ id: 'h1', ...bisoprolol }),
    ]);
    assert.equal(lines.length, 1);
    assert.deepEqual(
      lines[0]?.items.map((item) => item.id),
      ['g1', 'g2', 'h1'],
    );
    assert.match(lines[0]?.note ?? '', /Riverside Medical Practice lists it 2 times/);
  });

  test('a brand on the discharge list is matched to the GP’s generic through the curated dm+d data', () => {
    const lines = reconcile([
      gpMedicine({
        id: 'g1',
        name: 'Insulin glargine 100units/ml solution for injection 3ml pre-filled disposable devices',
        dose: 'Inject 10 units at night',
      }),
      dischargeMedicine({
        id: 'h1',
        name: 'Lantus 100units/ml solution for injection 3ml pre-filled SoloStar pens (Sanofi)',
        code: '11933011000001106',
        dose: 'Inject 10 units at night',
      }),
    ]);
    assert.deepEqual(
      lines.map((line) => [line.status, line.items.map((item) => item.id)]),
      [['changed', ['g1', 'h1']]],
      'one drug, not a same-class duplication of two insulins',
    );
    assert.match(
      lines[0]?.note ?? '',
      /one is the brand Lantus: check the strength and form match/,
    );
  });

  test('two drugs of one class inside the GP’s own record are each named on the other’s line', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', ...simvastatin }),
      gpMedicine({ id: 'g2', ...atorvastatin }),
      dischargeMedicine({ id: 'h1', ...atorvastatin }),
    ]);
    const simvastatinLine = lines.find((line) => line.items.some((item) => item.id === 'g1'));
    assert.equal(simvastatinLine?.status, 'gp-only');
    assert.match(
      simvastatinLine?.note ?? '',
      /Riverside Medical Practice also lists Atorvastatin 20mg tablets, another of the statins: check both are intended/,
    );
    const atorvastatinLine = lines.find((line) => line.items.some((item) => item.id === 'g2'));
    assert.equal(atorvastatinLine?.status, 'unchanged');
    assert.match(atorvastatinLine?.note ?? '', /also lists Simvastatin 10mg tablets/);
  });

  test('only current medicines are reconciled: a completed course is left out', () => {
    const lines = reconcile([
      gpMedicine({ id: 'g1', ...bisoprolol, status: 'completed' }),
      dischargeMedicine({ id: 'h1', ...bisoprolol }),
    ]);
    assert.deepEqual(
      lines.map((line) => [line.status, line.items.map((item) => item.id)]),
      [['source-only', ['h1']]],
    );
  });

  test('with no other source’s medicines, or no GP answer, there is nothing to reconcile', () => {
    assert.deepEqual(reconcile([gpMedicine({ id: 'g1', ...bisoprolol })]), []);
    assert.deepEqual(reconcile([dischargeMedicine({ id: 'h1', ...bisoprolol })], new Set()), []);
  });

  test('a medicine the policy withheld cannot appear: only the items given are named', () => {
    const lines = reconcile([
      dischargeMedicine({ id: 'h1', ...atorvastatin }),
      gpMedicine({ id: 'g1', ...bisoprolol }),
    ]);
    const named = lines.flatMap((line) => line.items.map((item) => item.id)).sort();
    assert.deepEqual(named, ['g1', 'h1']);
  });

  for (const file of listFixtures('gp-connect/suppliers')) {
    test(`the real supplier record ${file} reconciles without throwing`, () => {
      const mapped = mapStructuredRecord(
        readFixtureJson(`gp-connect/suppliers/${file}`),
        provenance(GP),
      );
      const gpItems: RecordItem[] = mapped.items
        .filter((item) => item.section === 'medications')
        .map((item) => ({ source: provenance(GP), resource: item.resource }));
      const lines = reconcile([...gpItems, dischargeMedicine({ id: 'h1', ...atorvastatin })]);
      // The discharge medicine is always on exactly one line, whatever the GP record holds.
      assert.equal(lines.filter((line) => line.items.some((item) => item.id === 'h1')).length, 1);
      for (const line of lines) assert.ok(line.note.length > 0 && line.items.length > 0);
    });
  }
});

void describe('the class a medicine is named in', () => {
  const ids = (code: string | undefined, name: string): string[] =>
    classesOf(code, name).map((medicineClass) => medicineClass.id);

  void test('an ingredient or brand counts as a whole word, wherever it sits in the name', () => {
    assert.deepEqual(ids(undefined, 'Atorvastatin 20mg tablets'), ['statins']);
    assert.deepEqual(ids(undefined, 'Lipitor 10mg tablets'), ['statins']);
    assert.deepEqual(ids(undefined, 'Insulin glargine 100units/ml (Lantus SoloStar)'), [
      'insulins',
    ]);
    assert.deepEqual(ids(undefined, 'Simvastatin/ezetimibe'), ['statins']);
  });

  void test('part of a longer word names no class', () => {
    assert.deepEqual(ids(undefined, 'Preatorvastatinol 5mg'), []);
    assert.deepEqual(ids(undefined, 'Non-insulin injectable'), []);
  });

  void test('a known dm+d code names its class whatever the name says', () => {
    assert.deepEqual(ids('320030001', 'Unnamed product'), ['statins']);
  });
});
