/**
 * How the reconciliation reads on screen: the date that decides which list is newer, by the same
 * rule as the server's note; discrepancies before unchanged lines; classes in words.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReconciliationLine } from '../../src/api/record.ts';
import { classWords, decidingDate, orderLines } from '../../src/web/reconciliation-display.ts';

describe('the reconciliation on screen', () => {
  test('a GP statement is dated by its last issue, else its start, else when it was recorded', () => {
    const lastIssue = {
      url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationStatementLastIssueDate',
      valueDateTime: '2025-09-20',
    };
    assert.equal(
      decidingDate({ resourceType: 'MedicationStatement', extension: [lastIssue] }),
      'last issued 20-Sep-2025',
    );
    assert.equal(
      decidingDate({
        resourceType: 'MedicationStatement',
        contained: [
          { resourceType: 'MedicationRequest', id: 'i1', authoredOn: '2025-07-01' },
          { resourceType: 'MedicationRequest', id: 'i2', authoredOn: '2025-08-03' },
        ],
        derivedFrom: [{ reference: '#i1' }, { reference: '#i2' }],
      }),
      'last issued 03-Aug-2025',
      'the latest contained issue when there is no extension',
    );
    assert.equal(
      decidingDate({
        resourceType: 'MedicationStatement',
        effectivePeriod: { start: '2024-01-05' },
      }),
      'started 05-Jan-2024',
    );
    assert.equal(
      decidingDate({ resourceType: 'MedicationStatement', dateAsserted: '2023-02-01' }),
      'recorded 01-Feb-2023',
    );
    assert.equal(decidingDate({ resourceType: 'MedicationStatement' }), '');
  });

  test('a discharge prescription is dated when it was prescribed', () => {
    assert.equal(
      decidingDate({ resourceType: 'MedicationRequest', authoredOn: '2025-09-06T11:00:00+00:00' }),
      'prescribed 06-Sep-2025',
    );
  });

  test('possible duplications come first and unchanged lines last', () => {
    const line = (status: ReconciliationLine['status']): ReconciliationLine => ({
      status,
      items: [],
      note: status,
    });
    assert.deepEqual(
      orderLines([line('unchanged'), line('gp-only'), line('same-class'), line('changed')]).map(
        (l) => l.status,
      ),
      ['same-class', 'changed', 'gp-only', 'unchanged'],
    );
  });

  test('a class is named in words with its BNF paragraph; one this page does not know, as sent', () => {
    assert.equal(classWords('statins'), 'Statins (BNF 2.12)');
    assert.equal(classWords('loop-diuretics'), 'loop diuretics');
    assert.equal(classWords(undefined), '');
  });
});
