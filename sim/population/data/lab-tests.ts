/**
 * @module Curated laboratory tests (real UK SNOMED CT pathology concepts) with units and adult
 * reference ranges, grouped into the panels a GP requests.
 */
import type { Concept } from './clinical-codes.ts';

export interface LabTest {
  readonly key: string;
  readonly concept: Concept;
  readonly unit: string;
  readonly ucum: string;
  readonly low?: number;
  readonly high?: number;
  /** The spread of a typical healthy value. */
  readonly typical: readonly [number, number];
  readonly decimals: number;
}

function test(
  key: string,
  code: string,
  display: string,
  unit: string,
  ucum: string,
  range: { low?: number; high?: number },
  typical: readonly [number, number],
  decimals: number,
): LabTest {
  return { key, concept: { code, display }, unit, ucum, ...range, typical, decimals };
}

export const LAB_TESTS = {
  hba1c: test('hba1c', '999791000000106', 'Haemoglobin A1c level - IFCC standardised', 'mmol/mol', 'mmol/mol', { low: 20, high: 41 }, [32, 40], 0),
  egfr: test('egfr', '1011481000000105', 'eGFR using creatinine (CKD-EPI) per 1.73 square metres', 'mL/min/1.73m2', 'mL/min/{1.73_m2}', { low: 90 }, [85, 110], 0),
  creatinine: test('creatinine', '1000731000000107', 'Serum creatinine level', 'umol/L', 'umol/L', { low: 59, high: 104 }, [62, 95], 0),
  sodium: test('sodium', '1000661000000107', 'Serum sodium level', 'mmol/L', 'mmol/L', { low: 133, high: 146 }, [136, 143], 0),
  cholesterol: test('cholesterol', '1005671000000105', 'Serum cholesterol level', 'mmol/L', 'mmol/L', { high: 5 }, [3.8, 5.6], 1),
  hdl: test('hdl', '1005681000000107', 'Serum high density lipoprotein cholesterol level', 'mmol/L', 'mmol/L', { low: 1 }, [1.0, 1.9], 1),
  ldl: test('ldl', '1022191000000100', 'Serum low density lipoprotein cholesterol level', 'mmol/L', 'mmol/L', { high: 3 }, [1.8, 3.6], 1),
  haemoglobin: test('haemoglobin', '1022431000000105', 'Haemoglobin estimation', 'g/L', 'g/L', { low: 115, high: 165 }, [122, 158], 0),
  whiteCells: test('whiteCells', '1022541000000102', 'Total white cell count', '10^9/L', '10*9/L', { low: 4, high: 11 }, [4.5, 9.5], 1),
  platelets: test('platelets', '1022651000000100', 'Platelet count', '10^9/L', '10*9/L', { low: 150, high: 400 }, [170, 360], 0),
  alt: test('alt', '1013211000000103', 'Plasma alanine aminotransferase level', 'U/L', 'U/L', { high: 40 }, [12, 35], 0),
  albumin: test('albumin', '1013361000000105', 'Plasma albumin level', 'g/L', 'g/L', { low: 35, high: 50 }, [37, 47], 0),
  alp: test('alp', '1013041000000106', 'Plasma alkaline phosphatase level', 'U/L', 'U/L', { low: 30, high: 130 }, [45, 110], 0),
  bilirubin: test('bilirubin', '997561000000103', 'Plasma total bilirubin level', 'umol/L', 'umol/L', { high: 21 }, [4, 17], 0),
  crp: test('crp', '999651000000107', 'Plasma C reactive protein', 'mg/L', 'mg/L', { high: 5 }, [0.5, 4], 1),
} as const satisfies Record<string, LabTest>;

export type LabTestKey = keyof typeof LAB_TESTS;

export interface LabPanel {
  readonly key: string;
  /** The test group header's concept; undefined for a single-test report. */
  readonly group?: Concept;
  readonly tests: readonly LabTestKey[];
}

export const LAB_PANELS = {
  fbc: { key: 'fbc', group: { code: '1022441000000101', display: 'FBC - full blood count' }, tests: ['haemoglobin', 'whiteCells', 'platelets'] },
  renal: { key: 'renal', group: { code: '1015971000000100', display: 'Renal function tests' }, tests: ['sodium', 'creatinine', 'egfr'] },
  lft: { key: 'lft', group: { code: '997531000000108', display: 'Liver function test' }, tests: ['alt', 'alp', 'bilirubin', 'albumin'] },
  lipids: { key: 'lipids', group: { code: '1005661000000103', display: 'Serum lipids level' }, tests: ['cholesterol', 'hdl', 'ldl'] },
  hba1c: { key: 'hba1c', tests: ['hba1c'] },
  crp: { key: 'crp', tests: ['crp'] },
} as const satisfies Record<string, LabPanel>;

export type LabPanelKey = keyof typeof LAB_PANELS;
