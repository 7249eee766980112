/**
 * @module The named personas: fixed NHS numbers at the start of every population, each with a story
 * a demo or a test can rely on ("the patient whose hospital discharge medicines differ from the GP's").
 */

export type PersonaKey =
  | 'typical'
  | 'gp-only'
  | 'discharge-medicines-differ'
  | 'restricted-hospital-items'
  | 'gp-confidential-items'
  | 'gp-dissent'
  | 'dob-mismatch'
  | 'sensitive-patient'
  | 'deceased'
  | 'child-health-visitor'
  | 'large-gp-record';

/** A named persona. */
export interface Persona {
  readonly key: PersonaKey;
  readonly nhsNumber: string;
  /** As a clinician would read it: given name(s) and family name. */
  readonly name: string;
  readonly story: string;
}

/** The personas in population order (index 0 is the demo's typical patient). */
export const PERSONAS: readonly Persona[] = [
  {
    key: 'typical',
    nhsNumber: '9990000107',
    name: 'Margaret Oakley',
    story:
      'Typical: 82, heart failure, type 2 diabetes and hypertension; records at the GP, the hospital (recent admission with discharge summary), community nursing (end-of-life care plan) and social care (home care package).',
  },
  {
    key: 'gp-only',
    nhsNumber: '9990000174',
    name: 'Daniel Hughes',
    story: 'Registered at the GP only: no hospital, community or social care records anywhere.',
  },
  {
    key: 'discharge-medicines-differ',
    nhsNumber: '9990000247',
    name: 'Arthur Pennington',
    story:
      'Discharged after a myocardial infarction on apixaban, bisoprolol, atorvastatin and furosemide; the GP list still shows simvastatin, amlodipine and ramipril. Reconcile them.',
  },
  {
    key: 'restricted-hospital-items',
    nhsNumber: '9990000387',
    name: 'Alex Morgan',
    story:
      'The hospital holds legally restricted items: IVF treatment, gender dysphoria care and a sexual health clinic attendance (chlamydial infection). They must be withheld.',
  },
  {
    key: 'gp-confidential-items',
    nhsNumber: '9990000522',
    name: 'Priya Shah',
    story:
      'Some GP items are marked confidential: the GP Connect record leaves them out and flags the Lists with the confidential-items warning.',
  },
  {
    key: 'gp-dissent',
    nhsNumber: '9990000662',
    name: 'Thomas Whitfield',
    story:
      'Has dissented from record sharing at the practice: GP Connect answers NO_PATIENT_CONSENT.',
  },
  {
    key: 'dob-mismatch',
    nhsNumber: '9990000735',
    name: 'Eileen Grant',
    story:
      'The hospital holds a different date of birth from PDS: the demographics check must flag it.',
  },
  {
    key: 'sensitive-patient',
    nhsNumber: '9990000808',
    name: 'Jordan Blake',
    story:
      'A sensitive (restricted) patient: PDS carries the R label with no address, telecom or GP; GP Connect answers PATIENT_NOT_FOUND.',
  },
  {
    key: 'deceased',
    nhsNumber: '9990000875',
    name: 'Harold Fenwick',
    story:
      'Deceased: PDS carries the date of death; GP Connect answers PATIENT_NOT_FOUND; the hospital record remains.',
  },
  {
    key: 'child-health-visitor',
    nhsNumber: '9990000948',
    name: 'Lily Carter',
    story:
      'A 14-month-old with health visitor records: visits, growth measurements and childhood immunisations.',
  },
  {
    key: 'large-gp-record',
    nhsNumber: '9990001014',
    name: 'George Ashworth',
    story:
      'A very large GP record (several MB): hundreds of consultations and thousands of results over twenty years.',
  },
];

/** What `mcr demo personas --json` prints: one line per persona. */
export function listPersonas(): {
  key: PersonaKey;
  nhsNumber: string;
  name: string;
  story: string;
}[] {
  return PERSONAS.map(({ key, nhsNumber, name, story }) => ({ key, nhsNumber, name, story }));
}
