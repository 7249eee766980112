/** @module Generates what the hospital, community services and social care hold for a patient (or nothing, when they are not known there). */
import {
  CARE_CODES,
  ENCOUNTER_TYPES,
  FRACTURE_NECK_OF_FEMUR,
  MYOCARDIAL_INFARCTION,
  OBSERVABLES,
  PAST_PROBLEMS,
  PCI,
  PROCEDURES,
} from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import { LAB_PANELS, LAB_TESTS } from './data/lab-tests.ts';
import { MEDICINES } from './data/medicines.ts';
import {
  CLINICIAN_NAMES,
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  MALE_GIVEN_NAMES,
} from './data/names.ts';
import { addDays, ageOn, at, daysAgo, daysSince } from './dates.ts';
import type { Demographics } from './generate-demographics.ts';
import { childhoodImmunisations } from './generate-gp-record.ts';
import type {
  SimAdmission,
  SimCommunityRecord,
  SimGpRecord,
  SimHospitalRecord,
  SimInvestigation,
  SimSocialCareRecord,
  SimUncategorised,
} from './patient-model.ts';

/**
 * A child growing along one centile: [month, value] points a little above the WHO girls' medians
 * (weight about the 75th centile, length and head circumference about the 60th), interpolated
 * between; no randomness, so the other generated records stay as they were.
 */
const GROWTH_CURVES = {
  weight: [
    [0, 3.4],
    [3, 6.2],
    [6, 7.8],
    [9, 8.8],
    [12, 9.6],
    [18, 11.0],
    [24, 12.3],
  ],
  length: [
    [0, 49.8],
    [3, 60.5],
    [6, 66.5],
    [9, 71.0],
    [12, 75.0],
    [18, 81.8],
    [24, 87.6],
  ],
  head: [
    [0, 34.2],
    [3, 39.9],
    [6, 42.6],
    [9, 44.2],
    [12, 45.3],
    [18, 46.7],
    [24, 47.6],
  ],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

function onCurve(curve: readonly (readonly [number, number])[], months: number): number {
  const after = curve.findIndex(([month]) => month >= months);
  if (after <= 0) return curve[Math.max(after, 0)]?.[1] ?? 0;
  const [m0, v0] = curve[after - 1] ?? [0, 0];
  const [m1, v1] = curve[after] ?? [0, 0];
  return v0 + ((v1 - v0) * (months - m0)) / (m1 - m0);
}
import { stableId, streamFor } from './random.ts';

const WARDS = [
  'Ward 12 (Acute Medicine)',
  'Ward 7 (Cardiology)',
  'Ward 22 (Orthopaedics)',
  'Ward 4 (Respiratory)',
] as const;
const CLINICS = [
  'Cardiology outpatient clinic',
  'Diabetes clinic',
  'Respiratory clinic',
  'Orthopaedic fracture clinic',
  'Ophthalmology clinic',
] as const;

function staffName(index: number): string {
  const person = CLINICIAN_NAMES[index % CLINICIAN_NAMES.length] ?? CLINICIAN_NAMES[0];
  return `${person.given} ${person.family}`;
}

/** Vital signs taken on admission. */
function admissionVitals(
  seed: number,
  nhsNumber: string,
  label: string,
  dateTime: string,
  rngValue: () => number,
): SimUncategorised[] {
  const id = (x: string): string => stableId(seed, nhsNumber, `hospital:${label}:${x}`);
  const r = (lo: number, hi: number): number => Math.round(lo + rngValue() * (hi - lo));
  return [
    {
      id: id('bp'),
      dateTime,
      concept: OBSERVABLES.bloodPressure,
      bloodPressure: { systolic: r(105, 160), diastolic: r(60, 95) },
    },
    {
      id: id('hr'),
      dateTime,
      concept: OBSERVABLES.heartRate,
      quantity: { value: r(60, 115), unit: 'beats/minute', ucum: '/min' },
    },
    {
      id: id('rr'),
      dateTime,
      concept: OBSERVABLES.respiratoryRate,
      quantity: { value: r(12, 24), unit: 'breaths/minute', ucum: '/min' },
    },
    {
      id: id('spo2'),
      dateTime,
      concept: OBSERVABLES.oxygenSaturation,
      quantity: { value: r(90, 99), unit: '%', ucum: '%' },
    },
    {
      id: id('temp'),
      dateTime,
      concept: OBSERVABLES.temperature,
      quantity: {
        value: 36 + Math.round(rngValue() * 20) / 10,
        unit: 'degrees Celsius',
        ucum: 'Cel',
      },
    },
  ];
}

/** The hospital record, or undefined when the hospital has never seen the patient. */
export function generateHospitalRecord(
  seed: number,
  nhsNumber: string,
  demographics: Demographics,
  gp: SimGpRecord,
  force = false,
): SimHospitalRecord | undefined {
  const rng = streamFor(seed, nhsNumber, 'hospital');
  const age = ageOn(demographics.birthDate);
  if (!force && !rng.chance(age >= 65 ? 0.75 : 0.45)) return undefined;
  const id = (label: string): string => stableId(seed, nhsNumber, `hospital:${label}`);
  const ageDays = daysSince(demographics.birthDate);
  const admissions: SimAdmission[] = [];
  const admissionCount = force ? 1 : rng.int(0, age >= 65 ? 2 : 1);
  for (let n = 0; n < admissionCount; n++) {
    const startDaysAgo = rng.int(20, Math.max(21, Math.min(ageDays - 1, 1800)));
    const start = daysAgo(startDaysAgo);
    const length = rng.int(1, 9);
    const end = addDays(start, length);
    const diagnosis: Concept =
      age >= 70 && rng.chance(0.25)
        ? FRACTURE_NECK_OF_FEMUR
        : age >= 50 && rng.chance(0.2)
          ? MYOCARDIAL_INFARCTION
          : rng.pick(PAST_PROBLEMS.slice(0, 4));
    const procedureConcept =
      diagnosis === FRACTURE_NECK_OF_FEMUR
        ? PROCEDURES[0]
        : diagnosis === MYOCARDIAL_INFARCTION
          ? PCI
          : undefined;
    // Discharge medicines are usually the GP's repeats, with changes made in hospital.
    const repeats = gp.medications
      .filter((m) => m.type === 'repeat' && m.status === 'active')
      .map((m) => m.medicine);
    const added =
      diagnosis === MYOCARDIAL_INFARCTION
        ? [MEDICINES.atorvastatin, MEDICINES.bisoprolol]
        : [MEDICINES.paracetamol];
    const dischargeMedicines = [
      ...repeats,
      ...added.filter((a) => !repeats.some((r) => r.key === a.key)),
    ].map((medicine, i) => ({
      id: id(`admission:${n}:med:${i}`),
      medicine,
      note: repeats.includes(medicine) ? 'Continue' : 'New - started this admission',
    }));
    const startTime = at(start, rng.int(0, 23), rng.int(0, 59));
    const labs: SimInvestigation = {
      id: id(`admission:${n}:labs`),
      dateTime: at(start, 14, 5),
      panel: 'fbc',
      filingComment: 'Reviewed on ward round',
      results: LAB_PANELS.fbc.tests.map((test) => {
        const [lo, hi] = LAB_TESTS[test].typical;
        return {
          id: id(`admission:${n}:labs:${test}`),
          test,
          value: Math.round(lo + rng.next() * (hi - lo)),
        };
      }),
    };
    admissions.push({
      id: id(`admission:${n}`),
      start: startTime,
      end: at(end, rng.int(10, 17), rng.int(0, 59)),
      emergency: rng.chance(0.7),
      ward: rng.pick(WARDS),
      diagnosis,
      diagnosisId: id(`admission:${n}:diagnosis`),
      ...(procedureConcept
        ? { procedure: { id: id(`admission:${n}:procedure`), concept: procedureConcept } }
        : {}),
      dischargeMedicines,
      summaryId: id(`admission:${n}:summary`),
      summaryText: [
        `Discharge summary - ${demographics.name.given.join(' ')} ${demographics.name.family}`,
        `Admitted ${start} with ${diagnosis.display.toLowerCase()}; discharged ${end}.`,
        procedureConcept ? `Procedure: ${procedureConcept.display}.` : 'No procedures.',
        `Medicines on discharge: ${dischargeMedicines.map((m) => `${m.medicine.concept.display} (${m.note.toLowerCase()})`).join('; ')}.`,
        'GP to review in two weeks.',
      ].join('\n'),
      vitals: admissionVitals(seed, nhsNumber, `admission:${n}`, startTime, () => rng.next()),
      labs,
    });
  }
  const outpatients = Array.from({ length: force ? 1 : rng.int(0, 3) }, (_, n) => {
    const reason = gp.problems.find((p) => p.abatement === undefined)?.concept;
    return {
      id: id(`outpatient:${n}`),
      dateTime: at(daysAgo(rng.int(10, 900)), rng.int(9, 16), rng.pick([0, 15, 30, 45])),
      clinic: rng.pick(CLINICS),
      ...(reason ? { reason, reasonId: id(`outpatient:${n}:reason`) } : {}),
    };
  });
  const followUps =
    admissions.length > 0 && rng.chance(0.5)
      ? [
          {
            id: id('follow-up'),
            date: daysAgo(-rng.int(10, 60)),
            concept: ENCOUNTER_TYPES.consultation,
          },
        ]
      : [];
  return {
    localId: `RXX${String(1_000_000 + (Number(nhsNumber.slice(4)) % 8_999_999)).slice(-7)}`,
    birthDate: demographics.birthDate,
    admissions,
    outpatients,
    followUps,
    restricted: [],
  };
}

/** The community services record (health visiting, district nursing, community mental health), or undefined. */
export function generateCommunityRecord(
  seed: number,
  nhsNumber: string,
  demographics: Demographics,
  gp: SimGpRecord,
  force = false,
): SimCommunityRecord | undefined {
  const rng = streamFor(seed, nhsNumber, 'community');
  const age = ageOn(demographics.birthDate);
  const ageDays = daysSince(demographics.birthDate);
  const depressed = gp.problems.some(
    (p) => p.concept.code === '35489007' && p.abatement === undefined,
  );
  const team =
    age < 5
      ? 'health-visiting'
      : depressed && rng.chance(0.4)
        ? 'community-mental-health'
        : age >= 75 && rng.chance(0.5)
          ? 'district-nursing'
          : undefined;
  const chosen = team ?? (force ? 'district-nursing' : undefined);
  if (chosen === undefined) return undefined;
  const id = (label: string): string => stableId(seed, nhsNumber, `community:${label}`);
  const notes = {
    'health-visiting': [
      'New birth visit. Feeding well, weight gain on centile.',
      'Development review. Meeting milestones.',
      'Clinic weigh-in. Parent has no concerns.',
    ],
    'district-nursing': [
      'Leg ulcer dressing changed. Healing well.',
      'Medication prompt and pressure area check.',
      'Review of mobility at home. Carer present.',
    ],
    'community-mental-health': [
      'Care coordinator visit. Mood improving.',
      'Medication review with psychiatrist.',
      'Relapse prevention plan discussed.',
    ],
  } as const;
  const visitCount =
    chosen === 'health-visiting' ? Math.min(6, 1 + Math.floor(ageDays / 60)) : rng.int(2, 5);
  const visits = Array.from({ length: visitCount }, (_, n) => ({
    id: id(`visit:${n}`),
    dateTime: at(
      daysAgo(chosen === 'health-visiting' ? Math.max(0, ageDays - 14 - n * 60) : rng.int(5, 700)),
      rng.int(9, 16),
      rng.pick([0, 30]),
    ),
    note: rng.pick(notes[chosen]),
    clinician: staffName(rng.int(0, 7)),
  }));
  const growth: SimUncategorised[] = [];
  if (chosen === 'health-visiting') {
    for (const [n, visit] of visits.entries()) {
      const months = Math.max(0, (daysSince(visit.dateTime.slice(0, 10)) - ageDays) / -30.4);
      const round = (value: number, places: number): number =>
        Math.round(value * 10 ** places) / 10 ** places;
      growth.push(
        {
          id: id(`growth:${n}:weight`),
          dateTime: visit.dateTime,
          concept: OBSERVABLES.bodyWeight,
          quantity: {
            value: round(onCurve(GROWTH_CURVES.weight, months), 2),
            unit: 'kg',
            ucum: 'kg',
          },
        },
        {
          id: id(`growth:${n}:length`),
          dateTime: visit.dateTime,
          concept: OBSERVABLES.bodyHeight,
          quantity: {
            value: round(onCurve(GROWTH_CURVES.length, months), 1),
            unit: 'cm',
            ucum: 'cm',
          },
        },
        {
          id: id(`growth:${n}:head`),
          dateTime: visit.dateTime,
          concept: OBSERVABLES.headCircumference,
          quantity: {
            value: round(onCurve(GROWTH_CURVES.head, months), 1),
            unit: 'cm',
            ucum: 'cm',
          },
        },
      );
    }
  }
  const immunisations =
    chosen === 'health-visiting'
      ? childhoodImmunisations(demographics.birthDate, ageDays).map((i, n) => ({
          id: id(`imm:${n}`),
          ...i,
        }))
      : [];
  const endOfLife =
    chosen === 'district-nursing' &&
    (age >= 85 || gp.problems.some((p) => ['84114007', '52448006'].includes(p.concept.code))) &&
    rng.chance(0.5);
  const carePlans = [
    ...(endOfLife
      ? [
          {
            id: id('plan:eol'),
            created: daysAgo(rng.int(10, 200)),
            concept: CARE_CODES.anticipatoryPalliativeCare,
            title: 'End of life care plan',
            description:
              'Preferred place of death: home. Do not attempt CPR form completed. Anticipatory medicines in the home.',
            endOfLife: true,
          },
        ]
      : []),
    {
      id: id('plan:main'),
      created: daysAgo(rng.int(10, 400)),
      concept: CARE_CODES.selfCare,
      title:
        chosen === 'health-visiting'
          ? 'Healthy Child Programme plan'
          : chosen === 'community-mental-health'
            ? 'Care programme approach plan'
            : 'District nursing care plan',
      description: rng.pick(notes[chosen]),
      endOfLife: false,
    },
  ];
  return {
    localId: `CMH${nhsNumber.slice(3)}`,
    team: chosen,
    visits,
    growth,
    immunisations,
    carePlans,
  };
}

/** The social care record, or undefined when social care has no involvement. */
export function generateSocialCareRecord(
  seed: number,
  nhsNumber: string,
  demographics: Demographics,
  force = false,
): SimSocialCareRecord | undefined {
  const rng = streamFor(seed, nhsNumber, 'social-care');
  const age = ageOn(demographics.birthDate);
  if (!force && !rng.chance(age >= 75 ? 0.3 : age < 18 ? 0.03 : 0.03)) return undefined;
  const id = (label: string): string => stableId(seed, nhsNumber, `social:${label}`);
  const female = rng.chance(0.6);
  const start = daysAgo(rng.int(30, 1500));
  const child = age < 18;
  return {
    localId: `SC${nhsNumber.slice(4)}`,
    episodeId: id('episode'),
    start,
    socialWorker: {
      prefix: female ? 'Ms' : 'Mr',
      given: [rng.pick(female ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES)],
      family: rng.pick(FAMILY_NAMES),
    },
    carePackage: {
      id: id('package'),
      start: addDays(start, 14),
      description: child
        ? 'Child in need plan: family support worker weekly'
        : rng.pick([
            'Home care: two visits daily (morning and evening)',
            'Home care: four visits daily with two carers',
            'Day centre three days a week; meals at home',
          ]),
    },
    ...(child || rng.chance(0.25)
      ? {
          safeguarding: {
            id: id('safeguarding'),
            start: addDays(start, 7),
            text: child
              ? 'Child protection plan in place'
              : 'Adult safeguarding enquiry open (section 42)',
          },
        }
      : {}),
    careTeamId: id('team'),
  };
}
