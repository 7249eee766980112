/** @module Builds one whole synthetic patient from (seed, NHS number): demographics, GP record, and any hospital, community and social care records; personas are shaped to their stories. */
import { LEGALLY_RESTRICTED } from './data/clinical-codes.ts';
import { MEDICINES } from './data/medicines.ts';
import type { MedicineKey } from './data/medicines.ts';
import { addDays, at, daysAgo } from './dates.ts';
import {
  generateCommunityRecord,
  generateHospitalRecord,
  generateSocialCareRecord,
} from './generate-care-records.ts';
import { generateDemographics } from './generate-demographics.ts';
import type { Demographics } from './generate-demographics.ts';
import { generateGpRecord } from './generate-gp-record.ts';
import type { GpVolume } from './generate-gp-record.ts';
import type { SimGpRecord, SimHospitalRecord, SimPatient } from './patient-model.ts';
import { PERSONAS } from './personas.ts';
import type { Persona, PersonaKey } from './personas.ts';
import { stableId } from './random.ts';

interface PersonaProfile {
  readonly prefix: string;
  readonly gender: 'male' | 'female';
  readonly birthDate: string;
  readonly practiceOds: string;
  readonly volume?: GpVolume;
  readonly settings: {
    readonly hospital: boolean;
    readonly community: boolean;
    readonly socialCare: boolean;
  };
}

const PROFILES: Record<PersonaKey, PersonaProfile> = {
  typical: {
    prefix: 'Mrs',
    gender: 'female',
    birthDate: '1943-03-14',
    practiceOds: 'A81001',
    volume: { conditions: ['84114007', '44054006', '38341003'] },
    settings: { hospital: true, community: true, socialCare: true },
  },
  'gp-only': {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1988-07-02',
    practiceOds: 'B82002',
    volume: { conditions: ['195967001'] },
    settings: { hospital: false, community: false, socialCare: false },
  },
  'discharge-medicines-differ': {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1951-11-20',
    practiceOds: 'A81001',
    volume: { conditions: ['38341003', '55822004'] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  'restricted-hospital-items': {
    prefix: 'Mx',
    gender: 'female',
    birthDate: '1990-05-09',
    practiceOds: 'B82002',
    volume: { conditions: [] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  'gp-confidential-items': {
    prefix: 'Ms',
    gender: 'female',
    birthDate: '1979-02-11',
    practiceOds: 'A81001',
    volume: { conditions: ['35489007', '195967001'] },
    settings: { hospital: false, community: false, socialCare: false },
  },
  'gp-dissent': {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1965-08-30',
    practiceOds: 'B82002',
    volume: { conditions: ['38341003'] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  'dob-mismatch': {
    prefix: 'Mrs',
    gender: 'female',
    birthDate: '1948-12-03',
    practiceOds: 'A81001',
    volume: { conditions: ['396275006'] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  'sensitive-patient': {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1995-04-17',
    practiceOds: 'B82002',
    volume: { conditions: [] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  deceased: {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1936-01-05',
    practiceOds: 'A81001',
    volume: { conditions: ['13645005', '49436004'] },
    settings: { hospital: true, community: false, socialCare: false },
  },
  'child-health-visitor': {
    prefix: 'Miss',
    gender: 'female',
    birthDate: '2024-07-28',
    practiceOds: 'B82002',
    volume: { conditions: [] },
    settings: { hospital: false, community: true, socialCare: false },
  },
  'large-gp-record': {
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1950-06-22',
    practiceOds: 'A81001',
    volume: {
      consultations: 300,
      investigationPanels: 450,
      conditions: ['44054006', '38341003', '709044004', '55822004'],
    },
    settings: { hospital: true, community: false, socialCare: false },
  },
};

function personaDemographics(
  seed: number,
  persona: Persona,
  profile: PersonaProfile,
): Demographics {
  const base = generateDemographics(seed, persona.nhsNumber);
  const parts = persona.name.split(' ');
  return {
    ...base,
    name: {
      prefix: profile.prefix,
      given: parts.slice(0, -1),
      family: parts.at(-1) ?? persona.name,
    },
    gender: profile.gender,
    birthDate: profile.birthDate,
    practiceOds: profile.practiceOds,
  };
}

/** The demographics of a patient, persona-aware (what PDS search scans). */
export function demographicsOf(seed: number, nhsNumber: string): Demographics {
  const persona = PERSONAS.find((p) => p.nhsNumber === nhsNumber);
  return persona
    ? personaDemographics(seed, persona, PROFILES[persona.key])
    : generateDemographics(seed, nhsNumber);
}

/** Generates the whole patient at this index with this NHS number. */
export function generatePatient(seed: number, nhsNumber: string, index: number): SimPatient {
  const persona = PERSONAS.find((p) => p.nhsNumber === nhsNumber);
  const profile = persona ? PROFILES[persona.key] : undefined;
  const demographics = demographicsOf(seed, nhsNumber);
  const gp = generateGpRecord(seed, nhsNumber, demographics, profile?.volume);
  const force = profile !== undefined;
  const hospital =
    profile && !profile.settings.hospital
      ? undefined
      : generateHospitalRecord(seed, nhsNumber, demographics, gp, force);
  const community =
    profile && !profile.settings.community
      ? undefined
      : generateCommunityRecord(seed, nhsNumber, demographics, gp, force);
  const socialCare =
    profile && !profile.settings.socialCare
      ? undefined
      : generateSocialCareRecord(seed, nhsNumber, demographics, force);
  const patient: SimPatient = {
    index,
    nhsNumber,
    ...(persona ? { personaKey: persona.key } : {}),
    name: demographics.name,
    gender: demographics.gender,
    birthDate: demographics.birthDate,
    restricted: false,
    address: demographics.address,
    phone: demographics.phone,
    gp,
    ...(hospital ? { hospital } : {}),
    ...(community ? { community } : {}),
    ...(socialCare ? { socialCare } : {}),
  };
  return persona ? shapePersona(seed, persona.key, patient) : patient;
}

function replaceGpMedicines(
  seed: number,
  patient: SimPatient,
  keys: readonly MedicineKey[],
): SimGpRecord {
  const gp = patient.gp;
  return {
    ...gp,
    medications: [
      ...keys.map((key, n) => ({
        id: stableId(seed, patient.nhsNumber, `gp:persona-med:${key}`),
        medicine: MEDICINES[key],
        type: 'repeat' as const,
        start: daysAgo(900),
        status: 'active' as const,
        issues: [0, 1, 2, 3].map((i) => daysAgo(10 + n + (3 - i) * 28)),
        repeatsAllowed: 12,
      })),
      ...gp.medications.filter((m) => m.type === 'acute'),
    ],
  };
}

/** Makes each persona's story hold, whatever the random streams produced. */
function shapePersona(seed: number, key: PersonaKey, patient: SimPatient): SimPatient {
  const id = (label: string): string => stableId(seed, patient.nhsNumber, `persona:${label}`);
  switch (key) {
    case 'typical': {
      const gp = replaceGpMedicines(seed, patient, [
        'furosemide',
        'bisoprolol',
        'ramipril10',
        'metformin',
        'gliclazide',
        'amlodipine5',
      ]);
      const withAllergies: SimGpRecord = {
        ...gp,
        allergies: [
          {
            id: id('allergy:penicillin'),
            concept: { code: '91936005', display: 'Allergy to penicillin' },
            category: 'medication',
            reaction: { code: '271807003', display: 'Eruption of skin' },
            severity: 'moderate',
            recorded: '1998-04-02',
          },
          {
            id: id('allergy:latex'),
            concept: { code: '300916003', display: 'Allergy to latex' },
            category: 'environment',
            reaction: { code: '304386008', display: 'O/E - itchy rash' },
            severity: 'mild',
            recorded: '2004-09-15',
            ended: { date: '2012-01-10', reason: 'Tolerated latex gloves on re-exposure' },
          },
        ],
      };
      const community = patient.community;
      const withEndOfLife =
        community && !community.carePlans.some((c) => c.endOfLife)
          ? {
              ...community,
              carePlans: [
                {
                  id: id('plan:eol'),
                  created: daysAgo(45),
                  concept: { code: '443761007', display: 'Anticipatory palliative care' },
                  title: 'End of life care plan',
                  description:
                    'Preferred place of death: home. Do not attempt CPR form completed. Anticipatory medicines in the home.',
                  endOfLife: true,
                },
                ...community.carePlans,
              ],
            }
          : community;
      const social = patient.socialCare
        ? {
            ...patient.socialCare,
            safeguarding: patient.socialCare.safeguarding ?? {
              id: id('safeguarding'),
              start: daysAgo(60),
              text: 'Adult safeguarding enquiry open (section 42): concerns about financial abuse',
            },
          }
        : undefined;
      return {
        ...patient,
        gp: withAllergies,
        ...(withEndOfLife ? { community: withEndOfLife } : {}),
        ...(social ? { socialCare: social } : {}),
      };
    }
    case 'discharge-medicines-differ': {
      const gp = replaceGpMedicines(seed, patient, ['simvastatin', 'amlodipine10', 'ramipril10']);
      const hospital = patient.hospital;
      if (!hospital) return { ...patient, gp };
      const first = hospital.admissions[0];
      const admissions = first
        ? [
            {
              ...first,
              // Recent, so the GP's later issues of the stopped medicines are the discrepancy to reconcile.
              start: at(daysAgo(30), 14, 20),
              end: at(daysAgo(24), 11, 0),
              diagnosis: { code: '22298006', display: 'Myocardial infarction' },
              procedure: {
                id: id('pci'),
                concept: { code: '415070008', display: 'Percutaneous coronary intervention' },
              },
              dischargeMedicines: (
                ['apixaban', 'bisoprolol', 'atorvastatin', 'furosemide'] as const
              ).map((k, n) => ({
                id: id(`discharge-med:${n}`),
                medicine: MEDICINES[k],
                note: 'New - started this admission',
              })),
              summaryText:
                'Admitted with myocardial infarction; percutaneous coronary intervention. Simvastatin, amlodipine and ramipril STOPPED. New: apixaban, bisoprolol, atorvastatin, furosemide. GP please update repeat medicines.',
            },
            ...hospital.admissions.slice(1),
          ]
        : [];
      return { ...patient, gp, hospital: { ...hospital, admissions } };
    }
    case 'restricted-hospital-items': {
      const hospital = patient.hospital;
      if (!hospital) return patient;
      const restricted: SimHospitalRecord['restricted'] = [
        {
          id: id('ivf'),
          kind: 'procedure',
          dateTime: at(daysAgo(400), 9, 30),
          concept: LEGALLY_RESTRICTED.ivf,
          clinic: 'Assisted conception unit',
        },
        {
          id: id('gender'),
          kind: 'condition',
          dateTime: at(daysAgo(700), 11, 0),
          concept: LEGALLY_RESTRICTED.genderDysphoria,
          clinic: 'Gender identity clinic',
        },
        {
          id: id('gum-visit'),
          kind: 'encounter',
          dateTime: at(daysAgo(120), 15, 15),
          concept: LEGALLY_RESTRICTED.chlamydia,
          clinic: 'Sexual health clinic',
        },
        {
          id: id('gum-dx'),
          kind: 'condition',
          dateTime: at(daysAgo(120), 15, 40),
          concept: LEGALLY_RESTRICTED.chlamydia,
          clinic: 'Sexual health clinic',
        },
      ];
      return { ...patient, hospital: { ...hospital, restricted } };
    }
    case 'gp-confidential-items': {
      const gp = patient.gp;
      const depression = gp.problems.find((p) => p.concept.code === '35489007');
      return {
        ...patient,
        gp: {
          ...gp,
          problems: gp.problems.map((p) => (p === depression ? { ...p, confidential: true } : p)),
          medications: gp.medications.map((m) =>
            depression && m.problemId === depression.id ? { ...m, confidential: true } : m,
          ),
          consultations: gp.consultations.map((c, n) =>
            n === 0 || (depression && c.problemId === depression.id)
              ? { ...c, confidential: true }
              : c,
          ),
          investigations: gp.investigations.map((inv, n) =>
            n === 0 ? { ...inv, confidential: true } : inv,
          ),
        },
      };
    }
    case 'gp-dissent':
      return { ...patient, gp: { ...patient.gp, dissented: true } };
    case 'dob-mismatch':
      return patient.hospital
        ? { ...patient, hospital: { ...patient.hospital, birthDate: '1948-03-12' } }
        : patient;
    case 'sensitive-patient':
      return { ...patient, restricted: true };
    case 'deceased':
      return { ...patient, deceasedDateTime: `${addDays(daysAgo(47), 0)}T03:20:00+00:00` };
    case 'gp-only':
    case 'child-health-visitor':
    case 'large-gp-record':
      return patient;
  }
}
