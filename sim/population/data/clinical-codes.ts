/**
 * @module The curated SNOMED CT concepts the synthetic population may use, with their displays.
 * Every code here is a real concept (most appear in the real GP Connect supplier payloads).
 * Nothing outside this module and medicines.ts / lab-tests.ts may invent a code.
 */

/** A SNOMED CT concept (dm+d codes are SNOMED CT identifiers too). */
export interface Concept {
  readonly code: string;
  readonly display: string;
}

export const SNOMED_SYSTEM = 'http://snomed.info/sct';

/** Long-term conditions and their chance in an adult, with the age they usually start. */
export const CHRONIC_CONDITIONS = [
  { concept: { code: '38341003', display: 'Hypertension' }, minAge: 35, chance: 0.3, major: true },
  { concept: { code: '44054006', display: 'Type 2 diabetes mellitus' }, minAge: 35, chance: 0.12, major: true },
  { concept: { code: '195967001', display: 'Asthma' }, minAge: 5, chance: 0.12, major: false },
  { concept: { code: '13645005', display: 'Chronic obstructive pulmonary disease' }, minAge: 50, chance: 0.07, major: true },
  { concept: { code: '49436004', display: 'Atrial fibrillation' }, minAge: 55, chance: 0.08, major: true },
  { concept: { code: '84114007', display: 'Heart failure' }, minAge: 60, chance: 0.05, major: true },
  { concept: { code: '709044004', display: 'Chronic kidney disease' }, minAge: 55, chance: 0.08, major: true },
  { concept: { code: '35489007', display: 'Depressive disorder' }, minAge: 16, chance: 0.1, major: false },
  { concept: { code: '197480006', display: 'Anxiety disorder' }, minAge: 16, chance: 0.08, major: false },
  { concept: { code: '396275006', display: 'Osteoarthritis' }, minAge: 50, chance: 0.15, major: false },
  { concept: { code: '40930008', display: 'Hypothyroidism' }, minAge: 30, chance: 0.06, major: false },
  { concept: { code: '55822004', display: 'Hyperlipidaemia' }, minAge: 40, chance: 0.1, major: false },
  { concept: { code: '52448006', display: 'Dementia' }, minAge: 75, chance: 0.12, major: true },
  { concept: { code: '235595009', display: 'Gastro-oesophageal reflux disease' }, minAge: 25, chance: 0.08, major: false },
  { concept: { code: '37796009', display: 'Migraine' }, minAge: 12, chance: 0.06, major: false },
  { concept: { code: '64859006', display: 'Osteoporosis' }, minAge: 60, chance: 0.07, major: false },
] as const;

/** Past, short-lived problems. */
export const PAST_PROBLEMS: readonly Concept[] = [
  { code: '54150009', display: 'Upper respiratory infection' },
  { code: '50417007', display: 'Lower respiratory tract infection' },
  { code: '68566005', display: 'Urinary tract infectious disease' },
  { code: '445241004', display: 'Postviral cough' },
  { code: '30989003', display: 'Knee pain' },
  { code: '81680005', display: 'Neck pain' },
  { code: '400097005', display: 'Ingrowing nail' },
  { code: '233604007', display: 'Pneumonia' },
  { code: '29857009', display: 'Chest pain' },
  { code: '449614009', display: 'Swelling of lower limb' },
];

export const MYOCARDIAL_INFARCTION: Concept = { code: '22298006', display: 'Myocardial infarction' };
export const FRACTURE_NECK_OF_FEMUR: Concept = { code: '5913000', display: 'Fracture of neck of femur' };

/** Allergy and intolerance substances or findings, with their AllergyIntolerance category. */
export const ALLERGENS = [
  { concept: { code: '91936005', display: 'Allergy to penicillin' }, category: 'medication' },
  { concept: { code: '292044008', display: 'Aspirin adverse reaction' }, category: 'medication' },
  { concept: { code: '293344008', display: 'Warfarin adverse reaction' }, category: 'medication' },
  { concept: { code: '91935009', display: 'Allergy to peanuts' }, category: 'food' },
  { concept: { code: '300913006', display: 'Shellfish allergy' }, category: 'food' },
  { concept: { code: '300916003', display: 'Allergy to latex' }, category: 'environment' },
  { concept: { code: '424213003', display: 'Allergy to bee venom' }, category: 'environment' },
  { concept: { code: '89707004', display: 'Sesame oil' }, category: 'food' },
] as const;

export const REACTIONS: readonly Concept[] = [
  { code: '271807003', display: 'Eruption of skin' },
  { code: '39579001', display: 'Anaphylaxis' },
  { code: '422400008', display: 'Vomiting' },
  { code: '230145002', display: 'Difficulty breathing' },
  { code: '249519007', display: 'Diarrhoea and vomiting' },
  { code: '304386008', display: 'O/E - itchy rash' },
];

/** Adult and childhood vaccinations (procedure concepts), with the target disease where useful. */
export const VACCINATIONS = {
  influenza: { code: '86198006', display: 'Administration of influenza vaccine' },
  covid: { code: '1119350007', display: 'Administration of SARS-CoV-2 mRNA vaccine' },
  pneumococcal: { code: '12866006', display: 'Pneumococcal vaccination' },
  sixInOne: {
    code: '414259000',
    display:
      'Administration of first dose of diphtheria and Haemophilus influenza B and five component acellular pertussis and inactivated poliomyelitis and tetanus vaccine',
  },
  mmr: { code: '38598009', display: 'Administration of measles and mumps and rubella vaccine' },
  menC: { code: '314414007', display: 'Administration of first dose of meningitis C vaccine' },
  hepB: { code: '170370000', display: 'Administration of first dose of hepatitis B vaccine' },
  bcg: { code: '42284007', display: 'BCG vaccination' },
} as const satisfies Record<string, Concept>;

export const PROCEDURES: readonly Concept[] = [
  { code: '265157000', display: 'Total prosthetic replacement of hip joint using cement' },
  { code: '265170009', display: 'Total prosthetic replacement of knee joint using cement' },
  { code: '54885007', display: 'Extraction of cataract' },
  { code: '80146002', display: 'Appendicectomy' },
  { code: '38102005', display: 'Cholecystectomy' },
  { code: '73761001', display: 'Colonoscopy' },
];
export const PCI: Concept = { code: '415070008', display: 'Percutaneous coronary intervention' };

/** Outbound referral reasons. */
export const REFERRAL_REASONS: readonly Concept[] = [
  { code: '308447003', display: 'Referral to physiotherapist' },
  { code: '306335000', display: 'Referral to community-based nurse' },
  { code: '308448008', display: 'Referral to counselor' },
  { code: '183830008', display: 'Refer for X-ray' },
  { code: '390884006', display: 'Heart failure follow-up' },
  { code: '183444007', display: 'Referral for further care' },
];

/** Consultation entries: history, examination, plan. */
export const CONSULTATION_ENTRIES = {
  comment: { code: '37331000000100', display: 'Comment note' },
  cough: { code: '49727002', display: 'Cough' },
  tired: { code: '267032009', display: 'Tired all the time' },
  throat: { code: '162397003', display: 'Pain in throat' },
  malaise: { code: '367391008', display: 'Malaise' },
  heartSounds: { code: '163074001', display: 'O/E - heart sounds normal' },
  breathSounds: { code: '162950006', display: 'O/E - breath sounds normal' },
  medicationReview: { code: '182836005', display: 'Review of medication' },
  seenInPrimaryCare: { code: '307778003', display: 'Seen in primary care establishment' },
} as const satisfies Record<string, Concept>;

/** Vital signs and lifestyle observations. */
export const OBSERVABLES = {
  bloodPressure: { code: '75367002', display: 'Blood pressure' },
  systolic: { code: '72313002', display: 'Systolic arterial pressure' },
  diastolic: { code: '1091811000000102', display: 'Diastolic arterial pressure' },
  heartRate: { code: '364075005', display: 'Heart rate' },
  respiratoryRate: { code: '86290005', display: 'Respiratory rate' },
  temperature: { code: '703421000', display: 'Temperature' },
  oxygenSaturation: { code: '442476006', display: 'Arterial oxygen saturation' },
  bodyWeight: { code: '27113001', display: 'Body weight' },
  bodyHeight: { code: '50373000', display: 'Body height measure' },
  bmi: { code: '60621009', display: 'Body mass index' },
  headCircumference: { code: '363812007', display: 'Head circumference' },
  neverSmoked: { code: '266919005', display: 'Never smoked tobacco' },
  formerSmoker: { code: '8517006', display: 'Former smoker' },
  smoker: { code: '77176002', display: 'Smoker' },
  alcoholIntake: { code: '160573003', display: 'Alcohol intake' },
} as const satisfies Record<string, Concept>;

/** Encounter types and settings. */
export const ENCOUNTER_TYPES = {
  hospitalAdmission: { code: '32485007', display: 'Hospital admission' },
  emergencyAdmission: { code: '183452005', display: 'Emergency hospital admission' },
  consultation: { code: '11429006', display: 'Consultation' },
  faceToFace: { code: '1269515004', display: 'Face to face consultation with patient' },
  checkUp: { code: '185349003', display: 'Encounter for check up' },
} as const satisfies Record<string, Concept>;

export const DOCUMENT_TYPES = {
  dischargeLetter: { code: '824331000000106', display: 'Inpatient final discharge letter' },
} as const satisfies Record<string, Concept>;

/** Care planning, end of life, social care. */
export const CARE_CODES = {
  anticipatoryPalliativeCare: { code: '443761007', display: 'Anticipatory palliative care' },
  lastMonthsOfLife: { code: '968211000000101', display: 'Last months of life' },
  preferredPlaceOfDeathHome: { code: '110481000000108', display: 'Preferred place of death: home' },
  asthmaSelfManagement: { code: '699728000', display: 'Asthma self management' },
  selfCare: { code: '326051000000105', display: 'Self care' },
  socialWorker: { code: '106328005', display: 'Social worker' },
  childAbuse: { code: '418189009', display: 'Child abuse' },
  livesAlone: { code: '160725005', display: 'Lives alone - help available' },
} as const satisfies Record<string, Concept>;

/** Diary entries (recalls). */
export const RECALLS: readonly Concept[] = [
  { code: '182836005', display: 'Review of medication' },
  { code: '822851000000102', display: 'Seasonal influenza vaccination' },
  { code: '134186004', display: 'Over 75 health check' },
];

/**
 * Items the law restricts at a hospital (fertility treatment, gender identity, sexual health):
 * the access layer withholds them; the simulator codes them so it can.
 */
export const LEGALLY_RESTRICTED = {
  ivf: { code: '52637005', display: 'In vitro fertilisation' },
  genderDysphoria: { code: '93461009', display: 'Gender dysphoria' },
  chlamydia: { code: '105629000', display: 'Chlamydial infection' },
  gonorrhoea: { code: '15628003', display: 'Gonorrhoea' },
} as const satisfies Record<string, Concept>;

/** GP Connect List and structure codes (STANDARDS.md §1.5). */
export const GPC_LIST_CODES = {
  allergies: { code: '886921000000105', display: 'Allergies and adverse reactions' },
  endedAllergies: { code: '1103671000000101', display: 'Ended allergies' },
  medications: { code: '933361000000108', display: 'Medications and medical devices' },
  problems: { code: '717711000000103', display: 'Problems' },
  consultations: { code: '1149501000000101', display: 'List of consultations' },
  immunisations: { code: '1102181000000102', display: 'Immunisations' },
  investigations: { code: '887191000000108', display: 'Investigations and results' },
  referrals: { code: '792931000000107', display: 'Outbound referral' },
  uncategorised: { code: '826501000000100', display: 'Miscellaneous record' },
  diary: { code: '714311000000108', display: 'Patient recall administration' },
  consultation: { code: '325851000000107', display: 'Consultation' },
  topic: { code: '25851000000105', display: 'Topic (EHR)' },
  category: { code: '24781000000107', display: 'Category (EHR)' },
  generalPracticeService: { code: '1060971000000108', display: 'General practice service' },
  diagnosticStudiesReport: { code: '721981007', display: 'Diagnostic studies report' },
  venousBloodSpecimen: { code: '122555007', display: 'Venous blood specimen' },
} as const satisfies Record<string, Concept>;
