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
