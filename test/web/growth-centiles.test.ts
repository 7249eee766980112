/**
 * @module Growth centiles from LMS: our arithmetic gives the published centiles of the WHO Child
 * Growth Standards (the percentile columns of CDC's "WHO Growth Charts Data files", computed by
 * CDC from the same L, M and S), the UK-WHO chart's nine lines, and a child's measurements from
 * every source placed at her age with the centile she is on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem } from '../../src/api/record.ts';
import {
  UK_WHO_CENTILES,
  centileLines,
  centileText,
  lmsAt,
  valueAtZ,
  zScore,
} from '../../src/web/growth/growth-centiles.ts';
import { WHO_LMS } from '../../src/web/growth/who-lms.ts';
import { ageInMonths, growthCount, growthData } from '../../src/web/growth/growth-measurements.ts';

/** z of CDC's columns P2 (z = −2, the 2.3rd), P5, P10, P25, P50, P75, P90, P95, P98 (z = +2). */
const CDC_Z = [-2, -1.6448536, -1.2815516, -0.6744898, 0, 0.6744898, 1.2815516, 1.6448536, 2];

/** Rows of the CDC files, as published: measure, sex, month, then the nine percentile columns. */
const PUBLISHED = [
  [
    'weight',
    'female',
    0,
    [2.394672, 2.532145, 2.677725, 2.932331, 3.2322, 3.55035, 3.852667, 4.040959, 4.23043022],
  ],
  [
    'weight',
    'female',
    12,
    [7.042612, 7.342376, 7.665043, 8.24313, 8.9481, 9.726833, 10.49835, 10.99531, 11.5086985],
  ],
  [
    'weight',
    'female',
    24,
    [9.035869, 9.416516, 9.827655, 10.56799, 11.4775, 12.49092, 13.50419, 14.16181, 14.8452857],
  ],
  [
    'weight',
    'male',
    6,
    [6.352967, 6.611702, 6.885864, 7.366195, 7.934, 8.539707, 9.119041, 9.481939, 9.848832],
  ],
  [
    'weight',
    'male',
    18,
    [8.752902, 9.107002, 9.483736, 10.14755, 10.9385, 11.7897, 12.61101, 13.12906, 13.65558],
  ],
  [
    'length',
    'female',
    14,
    [71.0135941, 71.96683, 72.94195, 74.57133, 76.3817, 78.19207, 79.82145, 80.79657, 81.7498059],
  ],
  [
    'length',
    'male',
    12,
    [70.99632, 71.84023, 72.70353, 74.14605, 75.7488, 77.35155, 78.79407, 79.65737, 80.50128],
  ],
  [
    'head',
    'female',
    12,
    [42.17847, 42.66112, 43.15485, 43.97986, 44.8965, 45.81314, 46.63815, 47.13188, 47.6145341],
  ],
  [
    'head',
    'male',
    24,
    [45.52915, 46.01257, 46.50708, 47.3334, 48.2515, 49.1696, 49.99592, 50.49043, 50.9738496],
  ],
] as const;

describe('centiles from the WHO LMS tables', () => {
  for (const [measure, sex, month, columns] of PUBLISHED) {
    test(`${measure}, ${sex}, ${month} months: every published percentile to within 0.01 %`, () => {
      const lms = lmsAt(measure, sex, month);
      assert.ok(lms !== undefined);
      columns.forEach((published, index) => {
        const z = CDC_Z[index] ?? Number.NaN;
        const ours = valueAtZ(lms, z);
        assert.ok(
          Math.abs(ours - published) / published < 1e-4,
          `z ${z}: ${ours} against ${published}`,
        );
        assert.ok(Math.abs(zScore(lms, published) - z) < 1e-3, 'the z-score inverts the value');
      });
    });
  }

  test('every shipped table runs birth to 24 months, its median rising month by month', () => {
    for (const measure of ['weight', 'length', 'head'] as const)
      for (const sex of ['male', 'female'] as const) {
        const table = WHO_LMS[measure][sex];
        assert.deepEqual(
          table.map((row) => row[0]),
          Array.from({ length: 25 }, (_, month) => month),
        );
        for (const [index, row] of table.entries()) {
          const before = table[index - 1];
          if (before !== undefined) assert.ok(row[2] > before[2], `${measure} ${sex} ${row[0]}`);
          assert.ok(row[3] > 0.02 && row[3] < 0.15, 'a plausible coefficient of variation');
        }
      }
  });

  test('between two months the LMS is interpolated: 14½ months lies between 14 and 15', () => {
    const at14 = lmsAt('weight', 'female', 14);
    const at15 = lmsAt('weight', 'female', 15);
    const between = lmsAt('weight', 'female', 14.5);
    assert.ok(at14 !== undefined && at15 !== undefined && between !== undefined);
    assert.ok(Math.abs(between.m - (at14.m + at15.m) / 2) < 1e-9);
  });

  test('no LMS before birth or past the 24 months shipped', () => {
    assert.equal(lmsAt('weight', 'female', -0.5), undefined);
    assert.equal(lmsAt('weight', 'female', 24.5), undefined);
    assert.equal(lmsAt('weight', 'female', Number.NaN), undefined);
  });

  test('the UK-WHO chart’s nine lines, two-thirds of a standard deviation apart, 0.4th to 99.6th', () => {
    assert.deepEqual(
      UK_WHO_CENTILES.map((line) => line.label),
      ['0.4th', '2nd', '9th', '25th', '50th', '75th', '91st', '98th', '99.6th'],
    );
    const lines = centileLines('length', 'female');
    assert.equal(lines.length, 9);
    for (const line of lines) assert.equal(line.points.length, 25, 'birth to 24 months');
    // The 2nd line is z = −2: CDC's P2 column; the 50th is the median.
    assert.ok(Math.abs((lines[1]?.points[14]?.value ?? 0) - 71.0135941) < 1e-3);
    assert.equal(lines[4]?.points[14]?.value, 76.3817);
    for (const [index, line] of lines.entries()) {
      const above = lines[index + 1];
      if (above === undefined) continue;
      for (const [month, point] of line.points.entries())
        assert.ok(point.value < (above.points[month]?.value ?? 0), 'lines never cross');
    }
  });

  test('a centile in words: on a line, between two lines, beyond the outer lines', () => {
    assert.equal(centileText(0.05), 'on the 50th centile');
    assert.equal(centileText(1), 'between the 75th and 91st centiles');
    assert.equal(centileText(-3.2), 'below the 0.4th centile');
    assert.equal(centileText(3), 'above the 99.6th centile');
    assert.equal(centileText(-2), 'on the 2nd centile');
  });
});

let counter = 0;

function measurement(options: {
  coding: { system: string; code: string };
  value: number;
  unit: string;
  date: string;
  sourceId?: string;
  duplicateOf?: RecordItem['duplicateOf'];
}): RecordItem {
  counter += 1;
  const sourceId = options.sourceId ?? 'community';
  return {
    source: {
      sourceId,
      system: sourceId === 'gp' ? 'Riverside Medical Practice' : 'Dales Community Health',
      organisation: 'RX1',
      retrievedAt: '2026-01-01T00:00:00Z',
    },
    resource: {
      resourceType: 'Observation',
      id: `growth-${counter}`,
      status: 'final',
      code: { coding: [options.coding] },
      effectiveDateTime: options.date,
      valueQuantity: { value: options.value, unit: options.unit, code: options.unit },
    },
    ...(options.duplicateOf === undefined ? {} : { duplicateOf: options.duplicateOf }),
  };
}

const WEIGHT_SNOMED = { system: 'http://snomed.info/sct', code: '27113001' };
const WEIGHT_LOINC = { system: 'http://loinc.org', code: '29463-7' };
const LENGTH_LOINC = { system: 'http://loinc.org', code: '8306-3' };
const HEAD_SNOMED = { system: 'http://snomed.info/sct', code: '363812007' };
const HBA1C = { system: 'http://snomed.info/sct', code: '999791000000106' };

const lily = { birthDate: '2024-07-28', gender: 'female' };
const today = new Date('2025-09-30T12:00:00Z');

describe('a child’s measurements from every source', () => {
  test('weight (SNOMED or LOINC, kg or g), length and head circumference, oldest first, at her age, with her centile', () => {
    const items = [
      measurement({ coding: WEIGHT_SNOMED, value: 8.9481, unit: 'kg', date: '2025-07-28' }),
      measurement({
        coding: WEIGHT_LOINC,
        value: 3650,
        unit: 'g',
        date: '2024-08-11',
        sourceId: 'gp',
      }),
      measurement({ coding: LENGTH_LOINC, value: 74.015, unit: 'cm', date: '2025-07-28' }),
      measurement({ coding: HEAD_SNOMED, value: 449, unit: 'mm', date: '2025-07-28' }),
      measurement({ coding: HBA1C, value: 40, unit: 'mmol/mol', date: '2025-07-28' }),
    ];
    const data = growthData(items, lily, today);
    assert.equal(data.kind, 'charts');
    if (data.kind !== 'charts') return;
    assert.equal(data.sex, 'female');
    assert.deepEqual(
      data.series.map((one) => [one.measure, one.points.length]),
      [
        ['weight', 2],
        ['length', 1],
        ['head', 1],
      ],
    );
    const [first, second] = data.series[0]?.points ?? [];
    assert.equal(first?.value, 3.65, 'grams in kilograms');
    assert.equal(first?.source, 'Riverside Medical Practice');
    assert.ok(Math.abs((second?.months ?? 0) - 12) < 0.05, 'a year old');
    assert.equal(second?.centile, 'on the 50th centile', 'the median weight at 12 months');
    assert.equal(data.series[2]?.points[0]?.value, 44.9, 'millimetres in centimetres');
    assert.equal(growthCount(items, lily), 4);
  });

  test('an entry another source also reported is charted once', () => {
    const shown = measurement({ coding: WEIGHT_SNOMED, value: 8, unit: 'kg', date: '2025-06-01' });
    const copy = measurement({
      coding: WEIGHT_SNOMED,
      value: 8,
      unit: 'kg',
      date: '2025-06-01',
      sourceId: 'gp',
      duplicateOf: { sourceId: 'community', id: shown.resource.id ?? '' },
    });
    const data = growthData([shown, copy], lily, today);
    assert.ok(data.kind === 'charts');
    assert.equal(data.series[0]?.points.length, 1);
  });

  test('no chart without a date of birth, without a sex the standards have, or for an adult', () => {
    const items = [
      measurement({ coding: WEIGHT_SNOMED, value: 8, unit: 'kg', date: '2025-06-01' }),
    ];
    assert.equal(growthData(items, { gender: 'female' }, today).kind, 'no-birth-date');
    assert.equal(
      growthData(items, { birthDate: '2024-07-28', gender: 'unknown' }, today).kind,
      'no-sex',
    );
    assert.equal(
      growthData(items, { birthDate: '1950-01-01', gender: 'male' }, today).kind,
      'too-old',
    );
    assert.equal(growthCount(items, { birthDate: '1950-01-01', gender: 'male' }), 0);
    // The tab's count is remembered per list, never across demographics: a child's is counted anew.
    assert.equal(growthCount(items, lily), 1);
    assert.equal(growthCount(items, { birthDate: '1950-01-01', gender: 'male' }), 0);
  });

  test('age in months counts days over 30.4375', () => {
    assert.ok(Math.abs(ageInMonths('2024-07-28', '2025-09-30') - 14.1) < 0.05);
  });
});
