/** @module A record's address: an opaque view id and the tab, the patient only in the history state. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isRecordPath,
  newViewId,
  readRecordRoute,
  recordPath,
} from '../../src/web/record-route.ts';
import { pageAt } from '../../src/web/navigation.ts';

const viewId = '0b5c1f4e-2a7d-4c55-9d1e-6f2a8b3c4d5e';
const state = { kind: 'record', viewId, nhsNumber: '9990000247', tab: 'summary' } as const;

describe("a record's address", () => {
  test('names the view and the tab, never the NHS number', () => {
    const path = recordPath(viewId, 'medications');
    assert.equal(path, `/patients/${viewId}/medications`);
    assert.ok(!path.includes('9990000247'));
    assert.ok(isRecordPath(path));
    assert.notEqual(newViewId(), newViewId());
  });

  test('the patient comes back from the history state, the tab from the address', () => {
    assert.deepEqual(readRecordRoute(`/patients/${viewId}/medications`, state), {
      ...state,
      tab: 'medications',
    });
  });

  test('an address this history entry does not know is an orphan: the patient is found again', () => {
    assert.equal(readRecordRoute(`/patients/${viewId}/summary`, null), 'orphan');
    assert.equal(
      readRecordRoute(`/patients/${viewId}/summary`, { ...state, viewId: newViewId() }),
      'orphan',
    );
    assert.equal(
      readRecordRoute(`/patients/${viewId}/summary`, { ...state, nhsNumber: 'not a number' }),
      'orphan',
    );
  });

  test('other pages are not records, and a record address belongs to the patients page', () => {
    assert.equal(readRecordRoute('/', state), undefined);
    assert.equal(readRecordRoute('/audit', state), undefined);
    const pages = [
      { id: 'patients', path: '/', label: 'Find a patient' },
      { id: 'audit', path: '/audit', label: 'Audit trail' },
    ] as const;
    assert.equal(pageAt(`/patients/${viewId}/summary`, pages)?.id, 'patients');
  });
});
