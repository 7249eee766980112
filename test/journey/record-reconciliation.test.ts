/**
 * A hospital clinician opens the record of the man discharged after a heart attack (999 000 0247)
 * and of the 14-month-old (999 000 0948), against the real simulated sources: the medicines are
 * reconciled, and an entry two sources report is shown once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

interface Ref {
  sourceId: string;
  id: string;
}
interface Item {
  source: { sourceId: string };
  resource: {
    id: string;
    medicationReference?: { display?: string };
    medicationCodeableConcept?: { text?: string };
  };
  alsoFrom?: Ref[];
  duplicateOf?: Ref;
}
interface RecordBody {
  sources: { id: string; counts: Record<string, number> }[];
  sections: Record<string, Item[]>;
  reconciliation: { status: string; items: Ref[]; class?: string; note: string }[];
}

describe('the record a hospital clinician reads', () => {
  let system: RunningSystem;
  let clinician: ApiClient;

  async function record(nhsNumber: string): Promise<RecordBody> {
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

  before(async () => {
    system = await startSystem();
    const account = await system.createUser('hospital-clinician');
    clinician = system.client();
    const signIn = await clinician.signIn(account.username, account.password);
    assert.equal(signIn.status, 200, signIn.text);
  });
  after(async () => {
    await system.close();
  });

  test('simvastatin at the GP and atorvastatin on discharge are flagged as two statins; ramipril and amlodipine as GP only', async () => {
    const body = await record('9990000247');
    const nameOf = (ref: Ref): string => {
      const found = body.sections['medications']?.find(
        (item) => item.source.sourceId === ref.sourceId && item.resource.id === ref.id,
      );
      assert.ok(found, `the line names an item in the medications section: ${JSON.stringify(ref)}`);
      return (
        (
          found.resource.medicationCodeableConcept?.text ??
          found.resource.medicationReference?.display ??
          ''
        ).split(' ')[0] ?? ''
      );
    };
    const lines = body.reconciliation.map((line) => ({
      status: line.status,
      class: line.class,
      names: line.items.map(nameOf).sort(),
    }));
    assert.deepEqual(
      lines.find((line) => line.status === 'same-class'),
      { status: 'same-class', class: 'statins', names: ['Atorvastatin', 'Simvastatin'] },
    );
    assert.deepEqual(
      lines
        .filter((line) => line.status === 'gp-only')
        .flatMap((line) => line.names)
        .sort(),
      ['Amlodipine', 'Ramipril'],
    );
    assert.deepEqual(
      lines
        .filter((line) => line.status === 'source-only')
        .flatMap((line) => line.names)
        .sort(),
      ['Apixaban', 'Bisoprolol', 'Furosemide'],
    );
    const statins = body.reconciliation.find((line) => line.status === 'same-class');
    assert.match(
      statins?.note ?? '',
      /\d{2}-[A-Z][a-z]{2}-\d{4}/,
      'the note gives the deciding dates',
    );
  });

  test('the warfarin allergy from the GP and the hospital is shown once, the hospital’s copy kept', async () => {
    const body = await record('9990000247');
    const allergies = body.sections['allergies'] ?? [];
    const shown = allergies.filter((item) => item.duplicateOf === undefined);
    assert.equal(shown.length, 1);
    assert.deepEqual(
      shown[0]?.alsoFrom?.map((ref) => ref.sourceId),
      ['hospital'],
    );
    assert.equal(allergies.length, 2, 'the hospital’s version stays reachable');
    assert.equal(body.sources.find((source) => source.id === 'hospital')?.counts['allergies'], 1);
  });

  test('the child’s five vaccines, reported by the GP and the health visitors, are five lines from both', async () => {
    const body = await record('9990000948');
    const vaccines = body.sections['immunisations'] ?? [];
    assert.equal(vaccines.length, 10);
    const shown = vaccines.filter((item) => item.duplicateOf === undefined);
    assert.equal(shown.length, 5);
    for (const item of shown) {
      assert.deepEqual(
        item.alsoFrom?.map((ref) => ref.sourceId),
        ['community'],
      );
    }
    assert.equal(
      body.sources.find((source) => source.id === 'community')?.counts['immunisations'],
      5,
    );
  });
});
