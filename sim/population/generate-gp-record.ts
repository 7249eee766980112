/** @module Generates a patient's GP practice record (allergies, medicines, problems, consultations, results…) from their own random stream. */
import {
  ALLERGENS,
  CHRONIC_CONDITIONS,
  CONSULTATION_ENTRIES,
  OBSERVABLES,
  PAST_PROBLEMS,
  REACTIONS,
  RECALLS,
  REFERRAL_REASONS,
  VACCINATIONS,
} from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import { LAB_PANELS, LAB_TESTS } from './data/lab-tests.ts';
import type { LabPanelKey } from './data/lab-tests.ts';
import { ACUTE_MEDICINES, MEDICINES, TREATMENTS } from './data/medicines.ts';
import { CLINICIAN_NAMES } from './data/names.ts';
import { addDays, ageOn, at, daysAgo, daysSince } from './dates.ts';
import type { Demographics } from './generate-demographics.ts';
import type {
  Clinician,
  SimAllergy,
  SimConsultation,
  SimGpRecord,
  SimImmunisation,
  SimInvestigation,
  SimMedication,
  SimProblem,
  SimReferral,
  SimResult,
  SimUncategorised,
} from './patient-model.ts';
import { PRACTICES } from './practices.ts';
import { stableId, streamFor } from './random.ts';
import type { Random } from './random.ts';

/** How much history to generate: typical records are small; the large-record persona asks for hundreds of consultations. */
export interface GpVolume {
  readonly consultations?: number;
  readonly investigationPanels?: number;
  /** When given, exactly these long-term conditions (SNOMED codes from CHRONIC_CONDITIONS). */
  readonly conditions?: readonly string[];
}

/** The usual GP of a practice (stable across patients). */
export function usualGpOf(seed: number, ods: string): Clinician {
  const index = Math.max(
    0,
    PRACTICES.findIndex((p) => p.ods === ods),
  );
  const person = CLINICIAN_NAMES[(index * 2) % CLINICIAN_NAMES.length] ?? CLINICIAN_NAMES[0];
  return {
    id: stableId(seed, ods, 'usual-gp'),
    sdsId: `G${String(8_100_000 + index * 7919).padStart(8, '0')}`,
    name: { prefix: 'Dr', given: [person.given], family: person.family },
  };
}

function dateBetween(rng: Random, fromDaysAgo: number, toDaysAgo: number): string {
  return daysAgo(rng.int(Math.min(fromDaysAgo, toDaysAgo), Math.max(fromDaysAgo, toDaysAgo)));
}

/** A value for a lab test: around the typical range, drifting with time for a trend, occasionally abnormal. */
function resultValue(
  rng: Random,
  test: keyof typeof LAB_TESTS,
  drift: number,
  abnormalBias: number,
): number {
  const t = LAB_TESTS[test];
  const [lo, hi] = t.typical;
  let value = lo + rng.next() * (hi - lo) + drift;
  if (rng.chance(abnormalBias))
    value =
      'high' in t && t.high !== undefined
        ? t.high * (1 + rng.next() * 0.3)
        : (t.low ?? lo) * (1 - rng.next() * 0.3);
  const factor = 10 ** t.decimals;
  return Math.round(Math.max(0, value) * factor) / factor;
}

const HISTORY_TEXTS = [
  'Feeling better since last review. Sleeping well.',
  'Three days of symptoms, no red flags. Eating and drinking normally.',
  'Attends for review. Taking medicines as prescribed, no side effects reported.',
  'Worse over the last week. Some difficulty with stairs.',
  'Telephone review. Reports good control at home.',
] as const;
const PLAN_TEXTS = [
  'Continue current treatment. Review in 3 months.',
  'Safety-netting advice given. Return if worse.',
  'Bloods requested. Will call with results.',
  'Medication changed as discussed. Leaflet given.',
] as const;

/** Generates the GP record of one patient. */
export function generateGpRecord(
  seed: number,
  nhsNumber: string,
  demographics: Demographics,
  volume: GpVolume = {},
): SimGpRecord {
  const rng = streamFor(seed, nhsNumber, 'gp');
  const id = (label: string): string => stableId(seed, nhsNumber, `gp:${label}`);
  const age = ageOn(demographics.birthDate);
  const ageDays = daysSince(demographics.birthDate);
  const usualGp = usualGpOf(seed, demographics.practiceOds);
  const registeredSince = daysAgo(Math.min(ageDays, rng.int(200, 365 * 25)));

  // Problems: long-term conditions by age, plus a few past episodes.
  const problems: SimProblem[] = [];
  for (const condition of CHRONIC_CONDITIONS) {
    if (volume.conditions !== undefined) {
      if (!volume.conditions.includes(condition.concept.code)) continue;
    } else if (age < condition.minAge) continue;
    const ageFactor = condition.minAge >= 50 ? Math.min(2, 1 + (age - condition.minAge) / 30) : 1;
    if (volume.conditions === undefined && !rng.chance(condition.chance * ageFactor)) continue;
    problems.push({
      id: id(`problem:${condition.concept.code}`),
      concept: condition.concept,
      onset: daysAgo(
        rng.int(60, Math.max(61, Math.min(ageDays - 1, (age - condition.minAge) * 365))),
      ),
      significance: condition.major ? 'major' : 'minor',
    });
  }
  const pastCount = rng.int(0, age < 2 ? 1 : 3);
  for (const [i, concept] of rng.sample(PAST_PROBLEMS, pastCount).entries()) {
    const onset = dateBetween(rng, 30, Math.max(31, Math.min(ageDays, 3650)));
    problems.push({
      id: id(`past-problem:${i}`),
      concept,
      onset,
      abatement: addDays(onset, rng.int(5, 40)),
      significance: 'minor',
    });
  }

  // Medicines: repeats for long-term conditions, acute courses for past episodes.
  const medications: SimMedication[] = [];
  for (const problem of problems.filter((p) => p.abatement === undefined)) {
    const options = TREATMENTS[problem.concept.code] ?? [];
    for (const key of rng.sample(options, rng.int(1, Math.max(1, options.length)))) {
      if (medications.some((m) => m.medicine.key === key)) continue;
      const medicine = MEDICINES[key];
      const issueCount = rng.int(2, 4);
      const lastIssue = rng.int(3, 25);
      const issues = Array.from({ length: issueCount }, (_, n) =>
        daysAgo(lastIssue + (issueCount - 1 - n) * medicine.supplyDays),
      );
      const start = issues[0] ?? daysAgo(lastIssue);
      medications.push({
        id: id(`med:${key}`),
        medicine,
        type: 'repeat',
        start:
          problem.onset > start
            ? start
            : problem.onset < daysAgo(3650)
              ? daysAgo(3650)
              : problem.onset,
        status: 'active',
        issues,
        repeatsAllowed: 12,
        problemId: problem.id,
      });
    }
  }
  for (const problem of problems.filter((p) => p.abatement !== undefined)) {
    if (!rng.chance(0.5)) continue;
    const key = rng.pick(ACUTE_MEDICINES);
    if (medications.some((m) => m.medicine.key === key)) continue;
    const medicine = MEDICINES[key];
    medications.push({
      id: id(`acute:${key}`),
      medicine,
      type: 'acute',
      start: problem.onset,
      end: addDays(problem.onset, 7),
      status: 'completed',
      issues: [problem.onset],
      problemId: problem.id,
    });
  }

  // Allergies.
  const allergies: SimAllergy[] = [];
  if (rng.chance(0.25)) {
    const allergen = rng.pick(ALLERGENS);
    allergies.push({
      id: id('allergy:active'),
      concept: allergen.concept,
      category: allergen.category,
      reaction: rng.pick(REACTIONS),
      severity: rng.pick(['mild', 'moderate', 'severe'] as const),
      recorded: dateBetween(rng, 100, Math.max(101, Math.min(ageDays, 7000))),
    });
  }
  if (rng.chance(0.08)) {
    const allergen = rng.pick(ALLERGENS);
    const recorded = dateBetween(rng, 800, Math.max(801, Math.min(ageDays, 9000)));
    allergies.push({
      id: id('allergy:resolved'),
      concept: allergen.concept,
      category: allergen.category,
      reaction: rng.pick(REACTIONS),
      severity: 'mild',
      recorded,
      ended: {
        date: addDays(recorded, rng.int(200, 700)),
        reason: 'No longer reacts on re-exposure',
      },
    });
  }

  // Consultations.
  const consultationCount = volume.consultations ?? rng.int(1, 3) + Math.min(problems.length, 3);
  const consultations: SimConsultation[] = [];
  for (let n = 0; n < consultationCount; n++) {
    const date = dateBetween(rng, 5, Math.min(ageDays, volume.consultations ? 365 * 20 : 365 * 3));
    const problem = problems.length > 0 && rng.chance(0.7) ? rng.pick(problems) : undefined;
    const entries = [
      {
        id: id(`consultation:${n}:history`),
        heading: 'History' as const,
        concept: CONSULTATION_ENTRIES.comment,
        comment: rng.pick(HISTORY_TEXTS),
      },
      {
        id: id(`consultation:${n}:examination`),
        heading: 'Examination' as const,
        concept: rng.pick([CONSULTATION_ENTRIES.heartSounds, CONSULTATION_ENTRIES.breathSounds]),
      },
      {
        id: id(`consultation:${n}:plan`),
        heading: 'Plan' as const,
        concept: CONSULTATION_ENTRIES.comment,
        comment: rng.pick(PLAN_TEXTS),
      },
    ];
    consultations.push({
      id: id(`consultation:${n}`),
      dateTime: at(date, rng.int(8, 17), rng.pick([0, 10, 20, 30, 40, 50])),
      minutes: rng.pick([8, 10, 12, 15]),
      typeText: rng.pick(['Surgery consultation', 'Telephone consultation', 'Video consultation']),
      topicTitle: problem?.concept.display ?? 'General review',
      ...(problem ? { problemId: problem.id } : {}),
      clinicianId: usualGp.id,
      entries,
    });
  }
  consultations.sort((a, b) => b.dateTime.localeCompare(a.dateTime));

  // Immunisations.
  const immunisations: SimImmunisation[] = [];
  const immunise = (concept: Concept, date: string, label: string): void => {
    immunisations.push({ id: id(`imm:${label}`), concept, date });
  };
  if (age >= 65 || problems.some((p) => p.significance === 'major')) {
    for (let y = 0; y < 3; y++)
      immunise(VACCINATIONS.influenza, daysAgo(y * 365 + rng.int(300, 360)), `flu:${y}`);
    if (age >= 65)
      immunise(
        VACCINATIONS.pneumococcal,
        dateBetween(rng, 400, Math.max(401, (age - 64) * 365)),
        'pneumo',
      );
  }
  if (age >= 18 && rng.chance(0.7))
    immunise(VACCINATIONS.covid, dateBetween(rng, 200, 1400), 'covid');
  if (age < 18)
    childhoodImmunisations(demographics.birthDate, ageDays).forEach((i, n) => {
      immunise(i.concept, i.date, `child:${n}`);
    });

  // Investigations, with trends for long-term conditions.
  const panels: { panel: LabPanelKey; every: number }[] = [];
  const has = (code: string): boolean =>
    problems.some((p) => p.concept.code === code && p.abatement === undefined);
  if (has('44054006'))
    panels.push(
      { panel: 'hba1c', every: 182 },
      { panel: 'renal', every: 365 },
      { panel: 'lipids', every: 365 },
    );
  if (has('709044004') || has('38341003')) panels.push({ panel: 'renal', every: 365 });
  if (has('55822004')) panels.push({ panel: 'lipids', every: 365 });
  if (age >= 40 && rng.chance(0.5)) panels.push({ panel: 'fbc', every: 730 });
  if (rng.chance(0.2)) panels.push({ panel: 'lft', every: 1000 });
  if (panels.length === 0 && age >= 16 && rng.chance(0.4))
    panels.push({ panel: 'fbc', every: 1000 });
  const investigations: SimInvestigation[] = [];
  const wantedPanels = volume.investigationPanels;
  const series =
    wantedPanels !== undefined
      ? expandSeries(panels, wantedPanels)
      : panels.map((p) => ({ ...p, times: Math.min(4, Math.ceil(1095 / p.every)) }));
  for (const [s, item] of series.entries()) {
    const drift = has('44054006') ? 1.5 : has('709044004') ? -3 : 0;
    for (let n = 0; n < item.times; n++) {
      const dateDaysAgo = 20 + n * item.every + rng.int(0, 20);
      if (dateDaysAgo > ageDays) break;
      const date = daysAgo(dateDaysAgo);
      const invId = id(`inv:${s}:${n}`);
      const panel = LAB_PANELS[item.panel];
      const results: SimResult[] = panel.tests.map((test) => ({
        id: id(`inv:${s}:${n}:${test}`),
        test,
        value: resultValue(
          rng,
          test,
          drift * (item.times - n) * (test === 'hba1c' ? 2 : test === 'egfr' ? 1 : 0),
          has('44054006') && test === 'hba1c' ? 0.5 : 0.08,
        ),
      }));
      investigations.push({
        id: invId,
        dateTime: at(date, rng.int(8, 12), rng.int(0, 59)),
        panel: item.panel,
        results,
        filingComment: rng.pick([
          'Normal - no action',
          'Abnormal - discuss at next review',
          'Satisfactory - no further action',
        ]),
      });
    }
  }
  investigations.sort((a, b) => b.dateTime.localeCompare(a.dateTime));

  // Uncategorised: blood pressure, weight, smoking status.
  const uncategorised: SimUncategorised[] = [];
  if (age >= 16) {
    const hypertensive = has('38341003');
    const bpCount = rng.int(1, hypertensive ? 5 : 2);
    for (let n = 0; n < bpCount; n++) {
      uncategorised.push({
        id: id(`bp:${n}`),
        dateTime: at(daysAgo(30 + n * 120 + rng.int(0, 30)), rng.int(8, 17), rng.int(0, 59)),
        concept: OBSERVABLES.bloodPressure,
        bloodPressure: {
          systolic: rng.int(hypertensive ? 135 : 110, hypertensive ? 165 : 138),
          diastolic: rng.int(hypertensive ? 82 : 68, hypertensive ? 98 : 86),
        },
      });
    }
    uncategorised.push({
      id: id('weight'),
      dateTime: at(dateBetween(rng, 30, 700), 10, 0),
      concept: OBSERVABLES.bodyWeight,
      quantity: { value: rng.decimal(52, 110, 1), unit: 'kg', ucum: 'kg' },
    });
    uncategorised.push({
      id: id('smoking'),
      dateTime: at(dateBetween(rng, 30, 1500), 10, 5),
      concept: rng.pick([
        OBSERVABLES.neverSmoked,
        OBSERVABLES.neverSmoked,
        OBSERVABLES.formerSmoker,
        OBSERVABLES.smoker,
      ]),
    });
  }

  const referrals: SimReferral[] = [];
  for (let n = 0; n < rng.int(0, 2); n++) {
    const reason = rng.pick(REFERRAL_REASONS);
    referrals.push({
      id: id(`referral:${n}`),
      date: dateBetween(rng, 20, Math.min(ageDays, 1500)),
      reason,
      priority: rng.chance(0.2) ? 'urgent' : 'routine',
      description: `${reason.display} following review in surgery`,
    });
  }
  const recalls = rng.chance(0.4)
    ? [{ id: id('recall:0'), date: daysAgo(-rng.int(14, 180)), concept: rng.pick(RECALLS) }]
    : [];

  return {
    practiceOds: demographics.practiceOds,
    registeredSince,
    usualGp,
    dissented: false,
    allergies,
    medications,
    problems,
    consultations,
    immunisations,
    investigations,
    uncategorised,
    referrals,
    recalls,
  };
}

function expandSeries(
  panels: readonly { panel: LabPanelKey; every: number }[],
  wanted: number,
): { panel: LabPanelKey; every: number; times: number }[] {
  const all: LabPanelKey[] =
    panels.length > 0 ? panels.map((p) => p.panel) : ['fbc', 'renal', 'lipids', 'hba1c', 'lft'];
  const kinds = [...new Set<LabPanelKey>([...all, 'fbc', 'renal', 'lft', 'crp'])];
  const times = Math.ceil(wanted / kinds.length);
  return kinds.map((panel) => ({
    panel,
    every: Math.max(7, Math.floor((365 * 20) / times)),
    times,
  }));
}

/** The UK routine childhood schedule due by this age (weeks from birth). */
export function childhoodImmunisations(
  birthDate: string,
  ageDays: number,
): { concept: Concept; date: string }[] {
  const schedule: [number, Concept][] = [
    [56, VACCINATIONS.sixInOne],
    [84, VACCINATIONS.sixInOne],
    [112, VACCINATIONS.sixInOne],
    [365, VACCINATIONS.mmr],
    [366, VACCINATIONS.menC],
    [1200, VACCINATIONS.mmr],
  ];
  return schedule
    .filter(([day]) => day + 3 <= ageDays)
    .map(([day, concept]) => ({ concept, date: addDays(birthDate, day + 3) }));
}
