/**
 * @module Medicines reconciliation, computed in memory for one view and never stored: the GP's
 * current medicines set against each other source's (hospital discharge, community), by dm+d code,
 * by name where no code is usable, and by therapeutic class where duplication is dangerous.
 * In the spirit of NICE NG5 it lists and explains the differences; it never decides which is right.
 */
import { genericOfBrand } from './dmd-brands.ts';
import { classesOf, type MedicineClass } from './medicine-classes.ts';
import type { ItemRef, RecordItem } from '../shared/sections.ts';
import { isJsonObject } from '../shared/json-guards.ts';

export type ReconciliationStatus =
  'unchanged' | 'changed' | 'gp-only' | 'source-only' | 'same-class';

/** A medication item a line is about, and whether it is on the GP list or from another source. */
export interface ReconciledItem extends ItemRef {
  readonly gp: boolean;
}

/** One line of the reconciliation: what it is about, and why, in plain words. */
export interface ReconciliationLine {
  readonly status: ReconciliationStatus;
  /** The medication items (`source.sourceId`, `resource.id`) the line is about, GP's first. */
  readonly items: readonly ReconciledItem[];
  /** The therapeutic class's id (see medicine-classes.ts), for `same-class` lines. */
  readonly class?: string;
  readonly note: string;
}

export interface ReconcileInput {
  /** The view's medications section, after the policy filter. */
  readonly medications: readonly RecordItem[];
  /** The GP Connect sources that answered: their medicines are the list the others are set against. */
  readonly gpSourceIds: ReadonlySet<string>;
  /** Each source's display name, for the notes. */
  readonly sourceNames: ReadonlyMap<string, string>;
}

const SNOMED = 'http://snomed.info/sct';
/** A SNOMED CT / dm+d concept id: 6 to 18 digits, not starting with 0. Anything else is a local code. */
const CONCEPT_ID = /^[1-9]\d{5,17}$/;

/** One current medicine, as much as reconciliation needs of it. */
interface CurrentMedicine {
  readonly ref: ItemRef;
  readonly isGp: boolean;
  /** The dm+d code, when the source gave a usable one. */
  readonly code: string | undefined;
  readonly name: string;
  /**
   * The drug without strength and form ("amlodipine"), to match one drug across strengths; for a
   * brand (AMP) the generic it is, from the curated data in dmd-brands.ts.
   */
  readonly drug: string;
  /** The brand's name when the entry is prescribed by brand ("Lantus"). */
  readonly brand: string | undefined;
  readonly dose: string;
  /** The date that decides which entry is newer, and what it is ("last issued", "prescribed"). */
  readonly date: string | undefined;
  readonly dateLabel: string;
  readonly classes: readonly MedicineClass[];
}

/**
 * The reconciliation lines for one view. Empty when no GP source answered or no other source has
 * a current medicine: there is then nothing to set side by side. Never throws on odd input.
 */
export function reconcileMedicines(input: ReconcileInput): ReconciliationLine[] {
  const medicines = input.medications
    .map((item) => currentMedicine(item, input.gpSourceIds))
    .filter((medicine) => medicine !== undefined);
  if (input.gpSourceIds.size === 0 || !medicines.some((medicine) => !medicine.isGp)) return [];

  const describe = (medicine: CurrentMedicine) => describeEntry(medicine, input.sourceNames);
  /** The line for one drug's entries: what its status means, each entry, then what else to weigh. */
  const drugLine = (
    status: ReconciliationStatus,
    meaning: string,
    group: readonly CurrentMedicine[],
  ): ReconciliationLine => ({
    status,
    items: gpFirst(group).map(reconciled),
    note: joinSentences([
      meaning,
      ...group.map(describe),
      repeatedWithin(group, input.sourceNames),
      sameClassWithin(group, medicines, input.sourceNames),
    ]),
  });
  const groups = groupByDrug(medicines);
  const lines: ReconciliationLine[] = [];
  const gpOnly: CurrentMedicine[][] = [];
  const sourceOnly: CurrentMedicine[][] = [];

  for (const group of groups) {
    const gp = group.filter((medicine) => medicine.isGp);
    const others = group.filter((medicine) => !medicine.isGp);
    if (gp.length > 0 && others.length === 0) {
      gpOnly.push(group);
      continue;
    }
    if (gp.length === 0) {
      sourceOnly.push(group);
      continue;
    }
    const same = group.every(
      (medicine) =>
        sameProduct(medicine, group[0]) &&
        normalise(medicine.dose) === normalise(group[0]?.dose ?? ''),
    );
    lines.push(
      same
        ? drugLine(
            'unchanged',
            'On the GP list and from the other source, with the same medicine and dose.',
            group,
          )
        : drugLine(
            'changed',
            `On the GP list and from the other source, but ${whatDiffers(group)} differs: check with the patient and the discharging team which is intended.`,
            group,
          ),
    );
  }

  // Medicines of one dangerous class, one only at the GP and another only elsewhere: a possible duplication.
  const claimed = new Set<CurrentMedicine[]>();
  for (const medicineClass of uniqueClasses(medicines)) {
    const inClass = (group: CurrentMedicine[]) =>
      !claimed.has(group) && group.some((medicine) => medicine.classes.includes(medicineClass));
    const gpGroups = gpOnly.filter(inClass);
    const otherGroups = sourceOnly.filter(inClass);
    if (gpGroups.length === 0 || otherGroups.length === 0) continue;
    const involved = [...gpGroups, ...otherGroups];
    for (const group of involved) claimed.add(group);
    const entries = involved.flat();
    lines.push({
      status: 'same-class',
      items: gpFirst(entries).map(reconciled),
      class: medicineClass.id,
      note: joinSentences([
        `Possible duplication: more than one of the ${medicineClass.name} (BNF ${medicineClass.bnf}) is current across sources.`,
        ...entries.map(describe),
        newerOf(entries),
        'Check with the patient and the prescribers which should continue.',
      ]),
    });
  }

  for (const group of gpOnly.filter((candidate) => !claimed.has(candidate))) {
    lines.push(
      drugLine(
        'gp-only',
        'On the GP list but not from the other sources: stopped in hospital, or omitted? Check with the patient and the discharging team before continuing or stopping it.',
        group,
      ),
    );
  }
  for (const group of sourceOnly.filter((candidate) => !claimed.has(candidate))) {
    lines.push(
      drugLine(
        'source-only',
        'Not on the GP list: possibly started by this source. Check with the patient and the prescriber whether it should continue, and that the GP knows.',
        group,
      ),
    );
  }
  return lines;
}

/** The GP's entries first, each side in its own order. */
function gpFirst(medicines: readonly CurrentMedicine[]): CurrentMedicine[] {
  return [...medicines].sort((a, b) => Number(b.isGp) - Number(a.isGp));
}

/** The item a line names, GP's or not. */
function reconciled(medicine: CurrentMedicine): ReconciledItem {
  return { ...medicine.ref, gp: medicine.isGp };
}

/** Groups the medicines that are one drug: the same dm+d code, or the same name less strength and form. */
function groupByDrug(medicines: readonly CurrentMedicine[]): CurrentMedicine[][] {
  const groups: CurrentMedicine[][] = [];
  for (const medicine of medicines) {
    const group = groups.find((candidate) =>
      candidate.some(
        (member) =>
          (member.code !== undefined && member.code === medicine.code) ||
          (member.drug !== '' && member.drug === medicine.drug),
      ),
    );
    if (group === undefined) groups.push([medicine]);
    else group.push(medicine);
  }
  return groups;
}

function sameProduct(a: CurrentMedicine, b: CurrentMedicine | undefined): boolean {
  if (b === undefined) return true;
  if (a.code !== undefined && b.code !== undefined) return a.code === b.code;
  return normalise(a.name) === normalise(b.name);
}

function whatDiffers(group: readonly CurrentMedicine[]): string {
  const first = group[0];
  const product = group.some((medicine) => !sameProduct(medicine, first));
  const dose = group.some((medicine) => normalise(medicine.dose) !== normalise(first?.dose ?? ''));
  const brand = group.find((medicine) => medicine.brand !== undefined)?.brand;
  const form =
    brand === undefined
      ? 'the strength or form'
      : `the product (one is the brand ${brand}: check the strength and form match)`;
  if (product && dose) return `${form}, and the dose,`;
  return product ? form : 'the dose or frequency';
}

function uniqueClasses(medicines: readonly CurrentMedicine[]): MedicineClass[] {
  return [...new Set(medicines.flatMap((medicine) => medicine.classes))];
}

/** "Simvastatin 10mg tablets (GP: Riverside Medical Practice), one tablet at night, last issued 28-Jun-2025." */
function describeEntry(medicine: CurrentMedicine, names: ReadonlyMap<string, string>): string {
  const where = names.get(medicine.ref.sourceId) ?? medicine.ref.sourceId;
  const dose = medicine.dose === '' ? 'no dose given' : medicine.dose;
  const when =
    medicine.date === undefined
      ? 'no date given'
      : `${medicine.dateLabel} ${formatDay(medicine.date)}`;
  return `${medicine.name} (${where}): ${dose}; ${when}.`;
}

/** Which entry carries the later date, so the clinician can see which list is more recent. */
function newerOf(entries: readonly CurrentMedicine[]): string {
  const dated = entries.filter((medicine) => medicine.date !== undefined);
  if (dated.length < 2) return 'The dates do not show which is newer.';
  const latest = [...dated].sort((a, b) => dayOf(b.date).localeCompare(dayOf(a.date)))[0];
  if (latest === undefined) return '';
  if (dated.filter((medicine) => dayOf(medicine.date) === dayOf(latest.date)).length > 1) {
    return 'They carry the same date.';
  }
  return `The most recent date is that of ${latest.name} (${formatDay(latest.date ?? '')}).`;
}

/** Says so when one source lists the same drug more than once (real GP records do). */
function repeatedWithin(
  group: readonly CurrentMedicine[],
  names: ReadonlyMap<string, string>,
): string {
  const bySource = new Map<string, number>();
  for (const medicine of group) {
    bySource.set(medicine.ref.sourceId, (bySource.get(medicine.ref.sourceId) ?? 0) + 1);
  }
  return [...bySource]
    .filter(([, count]) => count > 1)
    .map(([sourceId, count]) => `${names.get(sourceId) ?? sourceId} lists it ${count} times.`)
    .join(' ');
}

/**
 * Says so when the source of an entry also lists another drug of the same dangerous class (real
 * GP records carry several drugs of one class): both may be intended, or one may be a duplication.
 */
function sameClassWithin(
  group: readonly CurrentMedicine[],
  medicines: readonly CurrentMedicine[],
  names: ReadonlyMap<string, string>,
): string {
  const drugs = new Set(group.map((medicine) => medicine.drug));
  const sentences = new Set<string>();
  for (const medicine of group) {
    for (const medicineClass of medicine.classes) {
      const others = medicines.filter(
        (other) =>
          other.ref.sourceId === medicine.ref.sourceId &&
          !drugs.has(other.drug) &&
          other.classes.includes(medicineClass),
      );
      if (others.length === 0) continue;
      const where = names.get(medicine.ref.sourceId) ?? medicine.ref.sourceId;
      const listed = [...new Set(others.map((other) => other.name))].join(', ');
      sentences.add(
        `${where} also lists ${listed}, another of the ${medicineClass.name}: check both are intended.`,
      );
    }
  }
  return [...sentences].join(' ');
}

function joinSentences(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

type Json = Readonly<Record<string, unknown>>;

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function normalise(words: string): string {
  return words
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.;,]+$/, '')
    .trim();
}

/** The name less strength, form and anything after: "Amlodipine 10mg tablets" → "amlodipine". */
function drugName(name: string): string {
  return normalise(name.split(/\d/)[0] ?? '').replace(/[\s(,-]+$/, '');
}

/** The current medicine an item describes; undefined for anything not active or not a medicine. */
function currentMedicine(
  item: RecordItem,
  gpSourceIds: ReadonlySet<string>,
): CurrentMedicine | undefined {
  const resource: unknown = item.resource;
  if (!isJsonObject(resource)) return undefined;
  const type = resource['resourceType'];
  if (type !== 'MedicationStatement' && type !== 'MedicationRequest') return undefined;
  if (resource['status'] !== 'active') return undefined;
  const id = text(resource['id']);
  if (id === undefined) return undefined;
  const concept = isJsonObject(resource['medicationCodeableConcept'])
    ? resource['medicationCodeableConcept']
    : containedMedicationCode(resource);
  const code = list(concept?.['coding'])
    .filter(isJsonObject)
    .find((coding) => coding['system'] === SNOMED && CONCEPT_ID.test(String(coding['code'])));
  const reference = isJsonObject(resource['medicationReference'])
    ? resource['medicationReference']
    : undefined;
  const firstDisplay = list(concept?.['coding'])
    .filter(isJsonObject)
    .map((coding) => text(coding['display']))
    .find((display) => display !== undefined);
  const name =
    text(concept?.['text']) ??
    (code === undefined ? undefined : text(code['display'])) ??
    firstDisplay ??
    text(reference?.['display']) ??
    '';
  if (name === '' && code === undefined) return undefined;
  const isRequest = type === 'MedicationRequest';
  const plan = isRequest ? resource : containedRequest(resource, 'basedOn')[0];
  const dose =
    dosageWords(isRequest ? resource['dosageInstruction'] : resource['dosage']) ||
    dosageWords(plan?.['dosageInstruction']);
  const { date, dateLabel } = isRequest ? requestDate(resource) : statementDate(resource);
  const codeValue = code === undefined ? undefined : String(code['code']);
  const generic = genericOfBrand(codeValue, name);
  return {
    ref: { sourceId: item.source.sourceId, id },
    isGp: gpSourceIds.has(item.source.sourceId),
    code: codeValue,
    name: name === '' ? `dm+d ${codeValue ?? ''}` : name,
    drug: generic ?? drugName(name),
    brand: generic === undefined ? undefined : (/^[A-Za-z-]+/.exec(name)?.[0] ?? name),
    dose,
    date,
    dateLabel,
    classes: classesOf(codeValue, name),
  };
}

function containedMedicationCode(resource: Json): Json | undefined {
  const reference = isJsonObject(resource['medicationReference'])
    ? text(resource['medicationReference']['reference'])
    : undefined;
  if (reference === undefined) return undefined;
  const medication = contained(resource, reference);
  return medication?.['resourceType'] === 'Medication' && isJsonObject(medication['code'])
    ? medication['code']
    : undefined;
}

function contained(resource: Json, reference: string): Json | undefined {
  const wanted = reference.startsWith('#') ? reference.slice(1) : reference;
  return list(resource['contained'])
    .filter(isJsonObject)
    .find((candidate) => candidate['id'] === wanted);
}

function containedRequest(resource: Json, field: 'basedOn' | 'derivedFrom'): Json[] {
  return list(resource[field])
    .filter(isJsonObject)
    .map((reference) => {
      const target = text(reference['reference']);
      return target === undefined ? undefined : contained(resource, target);
    })
    .filter((found): found is Json => found?.['resourceType'] === 'MedicationRequest');
}

function dosageWords(dosages: unknown): string {
  return list(dosages)
    .filter(isJsonObject)
    .map((dosage) => text(dosage['text']) ?? text(dosage['patientInstruction']))
    .filter((part) => part !== undefined)
    .join('; ');
}

/** A GP statement's deciding date: its last issue, else when it started, else when it was recorded. */
function statementDate(resource: Json): { date: string | undefined; dateLabel: string } {
  const lastIssue = list(resource['extension'])
    .filter(isJsonObject)
    .find((ext) => String(ext['url']).toLowerCase().includes('medicationstatementlastissuedate'));
  const issued =
    text(lastIssue?.['valueDateTime']) ??
    containedRequest(resource, 'derivedFrom')
      .map((issue) => text(issue['authoredOn']))
      .filter((date) => date !== undefined)
      .sort()
      .at(-1);
  if (issued !== undefined) return { date: issued, dateLabel: 'last issued' };
  const period = isJsonObject(resource['effectivePeriod'])
    ? resource['effectivePeriod']
    : undefined;
  const started = text(period?.['start']) ?? text(resource['effectiveDateTime']);
  if (started !== undefined) return { date: started, dateLabel: 'started' };
  return { date: text(resource['dateAsserted']), dateLabel: 'recorded' };
}

function requestDate(resource: Json): { date: string | undefined; dateLabel: string } {
  return { date: text(resource['authoredOn']), dateLabel: 'prescribed' };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The calendar day a FHIR date or dateTime names, as written (yyyy-mm-dd), for comparing. */
function dayOf(value: string | undefined): string {
  return value?.slice(0, 10) ?? '';
}

/** A FHIR date as the UK writes it: 06-Sep-2025. */
function formatDay(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (match === null) return value;
  const [, year, month, day] = match;
  return `${day ?? ''}-${MONTHS[Number(month) - 1] ?? ''}-${year ?? ''}`;
}
