/** @module The simulated GP practices of the region, with their ODS codes, GP Connect ASIDs and addresses. */
import type { SimPractice } from './population.ts';

export interface PracticeDetails extends SimPractice {
  readonly phone: string;
  readonly address: {
    readonly line: readonly string[];
    readonly city: string;
    readonly postalCode: string;
  };
}

/** The practices every population has, in a fixed order (patients are spread across them). */
export const PRACTICES: readonly PracticeDetails[] = [
  {
    ods: 'A81001',
    name: 'Riverside Medical Practice',
    asid: '918999198001',
    phone: '01132 496001',
    address: { line: ['1 Riverside Walk'], city: 'Leeds', postalCode: 'LS11 5DT' },
  },
  {
    ods: 'B82002',
    name: 'Moorland Surgery',
    asid: '918999198002',
    phone: '01423 496002',
    address: { line: ['Moorland Road'], city: 'Harrogate', postalCode: 'HG2 7AJ' },
  },
];

/** The simulated hospital trust, community provider and council (ODS codes in the test range style). */
export const PROVIDERS = {
  hospital: { ods: 'RXX01', name: 'Northgate Teaching Hospitals NHS Trust' },
  community: { ods: 'RYY02', name: 'Dales Community Health NHS Trust' },
  socialCare: { ods: 'SC003', name: 'Northgate City Council Adult and Children Social Care' },
} as const;

const REGION_NAMES = [
  'Health Centre',
  'Medical Practice',
  'Surgery',
  'Family Practice',
  'Group Practice',
];
const REGION_PLACES = [
  ['Leeds', 'LS'],
  ['Harrogate', 'HG'],
  ['Bradford', 'BD'],
  ['York', 'YO'],
  ['Wakefield', 'WF'],
  ['Halifax', 'HX'],
] as const;

/** How many practices the simulated region has (`npm start`, the discovery bench). */
export const REGION_PRACTICE_COUNT = 300;

/**
 * The region's practices: the two above, then generated ones with ODS codes `C8nnnn` and ASIDs
 * `91899920nnnn`, in a fixed order (the same list every run).
 */
export const REGION_PRACTICES: readonly PracticeDetails[] = [
  ...PRACTICES,
  ...Array.from({ length: REGION_PRACTICE_COUNT - PRACTICES.length }, (_, i): PracticeDetails => {
    const n = i + 1;
    const [city, area] = REGION_PLACES[n % REGION_PLACES.length] ?? REGION_PLACES[0];
    const street = `${String(n)} ${['Mill', 'Church', 'Station', 'Park', 'High'][n % 5] ?? 'High'} Street`;
    return {
      ods: `C8${String(n).padStart(4, '0')}`,
      name: `${city} ${['North', 'South', 'East', 'West', 'Central', 'Vale'][n % 6] ?? 'Central'} ${REGION_NAMES[n % REGION_NAMES.length] ?? 'Surgery'}`,
      asid: `91899920${String(n).padStart(4, '0')}`,
      phone: `01632 96${String(n % 10000).padStart(4, '0')}`,
      address: {
        line: [street],
        city,
        postalCode: `${area}${String((n % 20) + 1)} ${String(n % 9)}AB`,
      },
    };
  }),
];

/** A practice of the region by ODS code, with its place in the region's list. */
export function regionPractice(
  ods: string,
): { readonly practice: PracticeDetails; readonly index: number } | undefined {
  const index = REGION_PRACTICES.findIndex((p) => p.ods === ods);
  const practice = REGION_PRACTICES[index];
  return practice === undefined ? undefined : { practice, index };
}
