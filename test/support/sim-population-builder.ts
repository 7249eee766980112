/**
 * @module A tiny hand-made SimPopulation for server tests: a few patients at two practices, each
 * with a known record, so a test can say exactly what a simulated source must answer.
 */
import { NHS_NUMBER_SYSTEM, checkDigit } from '../../src/identity/nhs-number.ts';
import type {
  GpcRecordOutcome,
  GpcRecordRequest,
  PdsQuery,
  SimPopulation,
  SimPractice,
  SimR4Setting,
} from '../../sim/population/population.ts';

/** One hand-made patient. */
export interface BuiltPatient {
  readonly nhsNumber: string;
  readonly family: string;
  readonly given: string;
  readonly gender: 'male' | 'female';
  readonly birthDate: string;
  readonly postcode: string;
  readonly practiceOds: string;
  /** Dissented from sharing: GP Connect answers NO_PATIENT_CONSENT. */
  readonly dissented?: boolean;
  /** How many Conditions the hospital holds (to exercise paging). */
  readonly hospitalConditions: number;
  readonly inCommunity: boolean;
  readonly inSocialCare: boolean;
}

/** The first `count` valid NHS numbers in the 999 test range, from `start`. */
export function testNhsNumbers(count: number, start = 999_000_001): string[] {
  const numbers: string[] = [];
  for (let n = start; numbers.length < count; n++) {
    const nine = String(n);
    const digit = checkDigit(nine);
    if (digit !== undefined) numbers.push(`${nine}${digit}`);
  }
  return numbers;
}

export const BUILT_PRACTICES: readonly SimPractice[] = [
  { ods: 'A81001', name: 'Riverside Medical Practice', asid: '918999198001' },
  { ods: 'B82002', name: 'Moorland Surgery', asid: '918999198002' },
];

const [n0 = '', n1 = '', n2 = '', n3 = ''] = testNhsNumbers(4);

/** The builder's patients: a typical patient, a dissenter, a second Smith, a patient at the other practice. */
export const BUILT_PATIENTS: readonly BuiltPatient[] = [
  {
    nhsNumber: n0,
    family: 'Smith',
    given: 'Alice',
    gender: 'female',
    birthDate: '1950-03-01',
    postcode: 'LS1 1AA',
    practiceOds: 'A81001',
    hospitalConditions: 7,
    inCommunity: true,
    inSocialCare: true,
  },
  {
    nhsNumber: n1,
    family: 'Jones',
    given: 'Bob',
    gender: 'male',
    birthDate: '1962-11-30',
    postcode: 'LS2 2BB',
    practiceOds: 'A81001',
    dissented: true,
    hospitalConditions: 1,
    inCommunity: false,
    inSocialCare: false,
  },
  {
    nhsNumber: n2,
    family: 'Smith',
    given: 'Carol',
    gender: 'female',
    birthDate: '1975-07-15',
    postcode: 'LS3 3CC',
    practiceOds: 'A81001',
    hospitalConditions: 0,
    inCommunity: false,
    inSocialCare: false,
  },
  {
    nhsNumber: n3,
    family: 'Patel',
    given: 'Dev',
    gender: 'male',
    birthDate: '1988-01-09',
    postcode: 'HG2 7AJ',
    practiceOds: 'B82002',
    hospitalConditions: 2,
    inCommunity: true,
    inSocialCare: false,
  },
];

/** A SimPopulation over BUILT_PATIENTS (seed only labels it; the data is fixed). */
export function buildSimPopulation(seed = 1): SimPopulation {
  const byNumber = new Map(BUILT_PATIENTS.map((p) => [p.nhsNumber, p]));
  const pdsPatient = (p: BuiltPatient): fhir4.Patient => ({
    resourceType: 'Patient',
    id: p.nhsNumber,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ use: 'usual', family: p.family, given: [p.given] }],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ use: 'home', postalCode: p.postcode }],
    generalPractitioner: [
      {
        type: 'Organization',
        identifier: {
          system: 'https://fhir.nhs.uk/Id/ods-organization-code',
          value: p.practiceOds,
        },
      },
    ],
  });
  return {
    seed,
    size: BUILT_PATIENTS.length,
    practices: BUILT_PRACTICES,
    nhsNumberAt: (index) => BUILT_PATIENTS[index]?.nhsNumber ?? '',
    has: (nhsNumber) => byNumber.has(nhsNumber),
    pdsPatient: (nhsNumber) => {
      const p = byNumber.get(nhsNumber);
      return p ? pdsPatient(p) : undefined;
    },
    searchPds: (query: PdsQuery, limit) =>
      BUILT_PATIENTS.filter((p) => matches(p, query))
        .slice(0, limit)
        .map(pdsPatient),
    gpConnectRecord: (request) => gpRecord(byNumber.get(request.nhsNumber), request),
    r4Record: (setting, nhsNumber) => r4Record(setting, byNumber.get(nhsNumber)),
  };
}

function matches(p: BuiltPatient, q: PdsQuery): boolean {
  const prefix = (actual: string, asked: string | undefined): boolean =>
    asked === undefined || actual.toLowerCase().startsWith(asked.toLowerCase());
  return (
    prefix(p.family, q.family) &&
    prefix(p.given, q.given) &&
    (q.birthdate === undefined || q.birthdate.replace(/^eq/, '') === p.birthDate) &&
    (q.gender === undefined || q.gender === p.gender) &&
    (q.postcode === undefined ||
      q.postcode.replace(/\s/g, '').toUpperCase() === p.postcode.replace(/\s/g, ''))
  );
}

function gpRecord(p: BuiltPatient | undefined, request: GpcRecordRequest): GpcRecordOutcome {
  if (p?.practiceOds !== request.ods) return { outcome: 'error', spineCode: 'PATIENT_NOT_FOUND' };
  if (p.dissented === true) return { outcome: 'error', spineCode: 'NO_PATIENT_CONSENT' };
  const patient: fhir3.Patient = {
    resourceType: 'Patient',
    id: '1',
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ family: p.family, given: [p.given] }],
    gender: p.gender,
    birthDate: p.birthDate,
  };
  const organisation: fhir3.Organization = {
    resourceType: 'Organization',
    id: '2',
    name: request.ods,
  };
  const entry: fhir3.BundleEntry[] = [{ resource: patient }, { resource: organisation }];
  for (const area of [...request.areas].sort()) {
    const list: fhir3.List = {
      resourceType: 'List',
      id: `list-${area}`,
      status: 'current',
      mode: 'snapshot',
      title: area,
      subject: { reference: 'Patient/1' },
    };
    entry.push({ resource: list });
  }
  return {
    outcome: 'record',
    bundle: {
      resourceType: 'Bundle',
      id: request.traceId,
      meta: {
        profile: [
          'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1',
        ],
      },
      type: 'collection',
      entry,
    },
  };
}

function r4Record(
  setting: SimR4Setting,
  p: BuiltPatient | undefined,
): readonly fhir4.FhirResource[] | undefined {
  if (p === undefined) return undefined;
  if (setting === 'community' && !p.inCommunity) return undefined;
  if (setting === 'social-care' && !p.inSocialCare) return undefined;
  const patientId = `${setting}-${p.nhsNumber}`;
  const subject = { reference: `Patient/${patientId}` };
  const patient: fhir4.Patient = {
    resourceType: 'Patient',
    id: patientId,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ family: p.family, given: [p.given] }],
    gender: p.gender,
    birthDate: p.birthDate,
  };
  if (setting === 'social-care') {
    return [
      patient,
      {
        resourceType: 'EpisodeOfCare',
        id: `eoc-${p.nhsNumber}`,
        status: 'active',
        patient: subject,
      },
      {
        resourceType: 'Flag',
        id: `flag-${p.nhsNumber}`,
        status: 'active',
        code: { text: 'Lives alone' },
        subject,
      },
    ];
  }
  const conditions: fhir4.Condition[] = Array.from(
    { length: setting === 'hospital' ? p.hospitalConditions : 1 },
    (_, i) => ({
      resourceType: 'Condition',
      id: `cond-${p.nhsNumber}-${i}`,
      subject,
      code: { text: `Condition ${i}` },
    }),
  );
  const encounter: fhir4.Encounter = {
    resourceType: 'Encounter',
    id: `enc-${p.nhsNumber}`,
    status: 'finished',
    class: { code: 'AMB' },
    subject,
  };
  return [patient, ...conditions, encounter];
}
