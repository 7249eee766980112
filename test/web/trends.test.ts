/** @module Trends: the same test's numeric results from every source, grouped by code and unit. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem } from '../../src/api/record.ts';
import { outsideItsRange, trendCode, trendSeries } from '../../src/web/trends.ts';

const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const HBA1C = { system: SNOMED, code: '999791000000106', display: 'Haemoglobin A1c level' };
const EGFR = { system: SNOMED, code: '1011481000000105', display: 'eGFR' };

let counter = 0;

/** One numeric result, as a source would send it. */
function result(options: {
  coding: readonly { system: string; code: string; display?: string }[];
  value: number;
  date: string;
  unit?: string;
  low?: number;
  high?: number;
  sourceId?: string;
  comparator?: string;
  duplicateOf?: RecordItem['duplicateOf'];
}): RecordItem {
  counter += 1;
  const sourceId = options.sourceId ?? 'gp';
  return {
    source: {
      sourceId,
      system: sourceId === 'gp' ? 'Riverside Medical Practice' : 'Northgate Hospital',
      organisation: 'A81001',
      retrievedAt: '2026-01-01T00:00:00Z',
    },
    resource: {
      resourceType: 'Observation',
      id: `obs-${counter}`,
      status: 'final',
      code: { coding: options.coding },
      effectiveDateTime: options.date,
      valueQuantity: {
        value: options.value,
        unit: options.unit ?? 'mmol/mol',
        ...(options.comparator === undefined ? {} : { comparator: options.comparator }),
      },
      referenceRange: [
        {
          ...(options.low === undefined ? {} : { low: { value: options.low } }),
          ...(options.high === undefined ? {} : { high: { value: options.high } }),
        },
      ],
    },
    ...(options.duplicateOf === undefined ? {} : { duplicateOf: options.duplicateOf }),
  };
}

describe('trends of results', () => {
  test('an HbA1c measured three times at the GP and once in hospital is one trend, oldest first', () => {
    const series = trendSeries([
      result({ coding: [HBA1C], value: 52, date: '2025-06-01', high: 41 }),
      result({ coding: [HBA1C], value: 48, date: '2024-06-01', high: 41 }),
      result({ coding: [HBA1C], value: 60, date: '2025-09-01', high: 41, sourceId: 'hospital' }),
      result({ coding: [HBA1C], value: 45, date: '2023-06-01', high: 41 }),
    ]);
    assert.equal(series.length, 1);
    const [hba1c] = series;
    assert.equal(hba1c?.name, 'Haemoglobin A1c level');
    assert.deepEqual(
      hba1c?.points.map((point) => [point.date, point.value, point.sourceId]),
      [
        ['2023-06-01', 45, 'gp'],
        ['2024-06-01', 48, 'gp'],
        ['2025-06-01', 52, 'gp'],
        ['2025-09-01', 60, 'hospital'],
      ],
    );
    assert.equal(hba1c?.high, 41);
    assert.equal(hba1c?.low, undefined);
  });

  test('different tests are different trends; a single result is no trend', () => {
    const series = trendSeries([
      result({ coding: [HBA1C], value: 52, date: '2025-06-01' }),
      result({ coding: [HBA1C], value: 50, date: '2025-01-01' }),
      result({ coding: [EGFR], value: 70, date: '2025-06-01', unit: 'mL/min/1.73m2' }),
    ]);
    assert.deepEqual(
      series.map((one) => one.code),
      ['999791000000106'],
    );
  });

  test('a LOINC coding is preferred to SNOMED CT, so results coded both ways group with LOINC-only ones', () => {
    const both = [{ system: LOINC, code: '4548-4' }, HBA1C];
    assert.deepEqual(trendCode({ coding: both }), { system: LOINC, code: '4548-4' });
    const series = trendSeries([
      result({ coding: both, value: 52, date: '2025-06-01' }),
      result({
        coding: [{ system: LOINC, code: '4548-4', display: 'HbA1c' }],
        value: 50,
        date: '2025-01-01',
      }),
    ]);
    assert.equal(series.length, 1);
    assert.equal(series[0]?.points.length, 2);
  });

  test('results of one test in different units are never drawn on one axis', () => {
    const series = trendSeries([
      result({ coding: [HBA1C], value: 52, date: '2025-06-01', unit: 'mmol/mol' }),
      result({ coding: [HBA1C], value: 50, date: '2025-01-01', unit: 'mmol/mol' }),
      result({ coding: [HBA1C], value: 6.9, date: '2024-06-01', unit: '%' }),
      result({ coding: [HBA1C], value: 6.7, date: '2024-01-01', unit: '%' }),
    ]);
    assert.deepEqual(series.map((one) => one.unit).sort(), ['%', 'mmol/mol']);
  });

  test('a result another source reported too is counted once', () => {
    const series = trendSeries([
      result({ coding: [HBA1C], value: 52, date: '2025-06-01' }),
      result({ coding: [HBA1C], value: 50, date: '2025-01-01' }),
      result({
        coding: [HBA1C],
        value: 50,
        date: '2025-01-01',
        sourceId: 'hospital',
        duplicateOf: { sourceId: 'gp', id: 'obs-x' },
      }),
    ]);
    assert.equal(series[0]?.points.length, 2);
  });

  test('results without a number, a date or a code, and filing comments, are left out', () => {
    const noValue = result({ coding: [HBA1C], value: 1, date: '2025-01-01' });
    const withoutValue: RecordItem = {
      ...noValue,
      resource: { ...noValue.resource, valueQuantity: { unit: 'mmol/mol' } },
    };
    const series = trendSeries([
      withoutValue,
      result({ coding: [HBA1C], value: 52, date: 'not a date' }),
      result({ coding: [{ system: 'urn:local', code: 'X1' }], value: 3, date: '2025-01-01' }),
      result({ coding: [{ system: 'urn:local', code: 'X1' }], value: 4, date: '2025-02-01' }),
      result({
        coding: [{ system: SNOMED, code: '37331000000100' }],
        value: 1,
        date: '2025-01-01',
      }),
      result({
        coding: [{ system: SNOMED, code: '37331000000100' }],
        value: 2,
        date: '2025-02-01',
      }),
    ]);
    assert.deepEqual(series, []);
  });

  test('a point outside its own reference range says which side', () => {
    const [series] = trendSeries([
      result({ coding: [EGFR], value: 55, date: '2025-06-01', low: 90 }),
      result({ coding: [EGFR], value: 95, date: '2025-01-01', low: 90 }),
      result({ coding: [EGFR], value: 89, date: '2024-01-01', low: 90, comparator: '>' }),
    ]);
    assert.deepEqual(series?.points.map(outsideItsRange), [undefined, undefined, 'below']);
  });
});
