/**
 * @module Centiles from LMS (Cole's method, as the WHO and UK-WHO charts are built): the value at a
 * z-score, the z-score of a measurement, the UK-WHO chart's nine centile lines, and where between
 * them a measurement lies. Pure arithmetic on the data of ./who-lms.ts; nothing is kept.
 */
import {
  LMS_LAST_MONTH,
  WHO_LMS,
  type GrowthMeasure,
  type GrowthSex,
  type LmsRow,
} from './who-lms.ts';

export interface Lms {
  readonly l: number;
  readonly m: number;
  readonly s: number;
}

/**
 * The UK-WHO chart's centile lines, two-thirds of a standard deviation apart (RCPCH, "UK-WHO growth
 * charts: design", 2009): 0.4th, 2nd, 9th, 25th, 50th, 75th, 91st, 98th, 99.6th.
 */
export const UK_WHO_CENTILES: readonly { readonly label: string; readonly z: number }[] = [
  { label: '0.4th', z: -8 / 3 },
  { label: '2nd', z: -2 },
  { label: '9th', z: -4 / 3 },
  { label: '25th', z: -2 / 3 },
  { label: '50th', z: 0 },
  { label: '75th', z: 2 / 3 },
  { label: '91st', z: 4 / 3 },
  { label: '98th', z: 2 },
  { label: '99.6th', z: 8 / 3 },
];

/** Average days in a month (365.25 / 12), as the WHO tables count age. */
export const DAYS_PER_MONTH = 30.4375;

function rowLms(row: LmsRow): Lms {
  return { l: row[1], m: row[2], s: row[3] };
}

/**
 * The LMS at an age in months, linear between the table's months; undefined before birth or past
 * the last month shipped.
 */
export function lmsAt(measure: GrowthMeasure, sex: GrowthSex, months: number): Lms | undefined {
  if (!Number.isFinite(months) || months < 0 || months > LMS_LAST_MONTH) return undefined;
  const table = WHO_LMS[measure][sex];
  const below = table[Math.floor(months)];
  const above = table[Math.ceil(months)];
  if (below === undefined || above === undefined) return undefined;
  const t = months - below[0];
  const mix = (a: number, b: number): number => a + (b - a) * t;
  return { l: mix(below[1], above[1]), m: mix(below[2], above[2]), s: mix(below[3], above[3]) };
}

/** The measurement at z standard deviations: M(1 + LSz)^(1/L), or M·e^(Sz) when L is 0. */
export function valueAtZ({ l, m, s }: Lms, z: number): number {
  if (Math.abs(l) < 1e-9) return m * Math.exp(s * z);
  return m * Math.pow(1 + l * s * z, 1 / l);
}

/** The z-score of a measurement: ((x/M)^L − 1) / (LS), or ln(x/M)/S when L is 0. */
export function zScore({ l, m, s }: Lms, value: number): number {
  if (Math.abs(l) < 1e-9) return Math.log(value / m) / s;
  return (Math.pow(value / m, l) - 1) / (l * s);
}

/** One centile line: its label and its value at each month of the table. */
export interface CentileLine {
  readonly label: string;
  readonly z: number;
  readonly points: readonly { readonly months: number; readonly value: number }[];
}

/** The nine UK-WHO centile lines for a measure and sex, birth to the last month shipped. */
export function centileLines(measure: GrowthMeasure, sex: GrowthSex): readonly CentileLine[] {
  const table = WHO_LMS[measure][sex];
  return UK_WHO_CENTILES.map(({ label, z }) => ({
    label,
    z,
    points: table.map((row) => ({ months: row[0], value: valueAtZ(rowLms(row), z) })),
  }));
}

/**
 * Where a z-score lies among the chart's lines, in the words a clinician uses: "on the 50th
 * centile" (within a quarter of a centile space of a line), "between the 75th and 91st centiles",
 * "below the 0.4th centile", "above the 99.6th centile".
 */
export function centileText(z: number): string {
  const lines = UK_WHO_CENTILES;
  const first = lines[0];
  const last = lines.at(-1);
  if (first === undefined || last === undefined || !Number.isFinite(z)) return '';
  const space = 2 / 3;
  for (const line of lines) {
    if (Math.abs(z - line.z) <= space / 4) return `on the ${line.label} centile`;
  }
  if (z < first.z) return `below the ${first.label} centile`;
  if (z > last.z) return `above the ${last.label} centile`;
  const upper = lines.findIndex((line) => line.z > z);
  const lower = lines[upper - 1];
  const higher = lines[upper];
  if (lower === undefined || higher === undefined) return '';
  return `between the ${lower.label} and ${higher.label} centiles`;
}
