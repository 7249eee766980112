/** @module Unit tests for "Find in {section}": which items a clinician's typed words pick out. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem } from '../../src/api/record.ts';
import {
  countItems,
  describeFound,
  filterEntries,
  itemSearchText,
} from '../../src/web/section-filter.ts';

function item(
  resource: Record<string, unknown>,
  source: { sourceId: string; system: string } = {
    sourceId: 'gp',
    system: 'Riverside Medical Practice',
  },
  extra: Partial<RecordItem> = {},
): RecordItem {
  return {
    source: { ...source, organisation: 'A81001', retrievedAt: '2026-03-01T09:30:00Z' },
    resource: { resourceType: 'Condition', ...resource },
    ...extra,
  };
}

const asthma = item({
  resourceType: 'Condition',
  id: 'c1',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' }] },
  onsetDateTime: '2019-05-14',
});
const ramipril = item(
  {
    resourceType: 'MedicationStatement',
    id: 'm1',
    status: 'active',
    medicationCodeableConcept: { text: 'Ramipril 5mg capsules' },
    dosage: [{ text: 'One capsule daily' }],
    effectivePeriod: { start: '2023-01-10' },
  },
  { sourceId: 'hospital', system: 'St Elsewhere Hospital' },
);
const report = item({
  resourceType: 'DiagnosticReport',
  id: 'r1',
  code: { text: 'Full blood count' },
  effectiveDateTime: '2024-02-02',
  result: [{ reference: 'Observation/o1' }],
});
const haemoglobin = item({
  resourceType: 'Observation',
  id: 'o1',
  code: { text: 'Haemoglobin' },
  valueQuantity: { value: 131, unit: 'g/L' },
  effectiveDateTime: '2024-02-02',
});

void describe('find in a section', () => {
  void test('an item is found by the words of its title, in any case', () => {
    assert.deepEqual(filterEntries([asthma, ramipril], 'ASTH'), [asthma]);
    assert.deepEqual(filterEntries([asthma, ramipril], 'ramipril'), [ramipril]);
  });

  void test('an item is found by its date as the card shows it, and by its source', () => {
    assert.deepEqual(filterEntries([asthma, ramipril], '14-May-2019'), [asthma]);
    assert.deepEqual(filterEntries([asthma, ramipril], 'st elsewhere'), [ramipril]);
    assert.deepEqual(filterEntries([asthma, ramipril], 'riverside'), [asthma]);
  });

  void test('every word typed must be shown on the item, in any order', () => {
    assert.deepEqual(filterEntries([asthma, ramipril], 'daily ramipril'), [ramipril]);
    assert.deepEqual(filterEntries([asthma, ramipril], 'ramipril asthma'), []);
  });

  void test('a code the card does not show finds nothing', () => {
    assert.deepEqual(filterEntries([asthma], '195967001'), []);
  });

  void test('a blank field shows everything, in its order', () => {
    const entries = [asthma, ramipril];
    assert.equal(filterEntries(entries, '   '), entries);
  });

  void test('the words matched are the card’s own: its title, date and source', () => {
    const text = itemSearchText(ramipril);
    assert.ok(text.includes('ramipril 5mg capsules'), text);
    assert.ok(text.includes('from 10-jan-2023'), text);
    assert.ok(text.includes('st elsewhere hospital'), text);
  });

  void test('a report found keeps the results it names, so its table stays whole', () => {
    assert.deepEqual(filterEntries([report, haemoglobin, asthma], 'blood count'), [
      report,
      haemoglobin,
    ]);
    assert.deepEqual(filterEntries([report, haemoglobin], 'haemoglobin'), [haemoglobin]);
  });

  void test('the count says how many items are shown of all the section’s own items', () => {
    const copy = item(
      { id: 'c2', code: { text: 'Asthma' } },
      { sourceId: 'hospital', system: 'St Elsewhere Hospital' },
      { duplicateOf: { sourceId: 'gp', id: 'c1' } },
    );
    assert.equal(countItems([asthma, copy, ramipril]), 2);
    assert.equal(describeFound(12, 3551), '12 of 3,551 shown');
  });
});
