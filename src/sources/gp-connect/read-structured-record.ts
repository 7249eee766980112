/**
 * @module Reads a GP Connect structured record Bundle (STU3, untrusted) into its clinical areas, in the
 * order of each area's primary List, with the practice's warnings. Lenient about what real suppliers
 * send; one malformed item drops only that item.
 */
import type { SourceWarning } from '../source-result.ts';
import {
  countDropped,
  droppedWarnings,
  nhsNumbersOf,
  otherPatientKind,
  ownershipOf,
  type DropReason,
  type DroppedCounts,
  type PatientOwner,
} from '../patient-ownership.ts';
import type { SectionName } from '../../shared/sections.ts';
import { indexBundle, resourceKey, type BundleIndex } from './bundle-index.ts';
import { extensionsNamed, extensionValue } from './gpc-extensions.ts';
import { codesOf, isResource, obj, objs, str, type Stu3Resource } from './json-access.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

export const GPC_AREAS = [
  'allergies',
  'endedAllergies',
  'medications',
  'problems',
  'consultations',
  'immunisations',
  'investigations',
  'referrals',
  'documents',
  'uncategorised',
  'diary',
] as const;

/** A GP Connect clinical area (ended allergies are an area of their own, kept apart from active ones). */
export type GpcArea = (typeof GPC_AREAS)[number];

/**
 * SNOMED codes of each area's primary List. Documents have no primary List (they arrive linked from
 * consultations and problems, or as a search result). Referrals also accept the code the
 * specification's own example uses ("Referral details").
 */
export const PRIMARY_LIST_CODES: Readonly<Record<GpcArea, readonly string[]>> = {
  allergies: ['886921000000105'],
  endedAllergies: ['1103671000000101'],
  medications: ['933361000000108'],
  problems: ['717711000000103'],
  consultations: ['1149501000000101'],
  immunisations: ['1102181000000102'],
  investigations: ['887191000000108'],
  referrals: ['792931000000107', '886721000000107'],
  documents: [],
  uncategorised: ['826501000000100'],
  diary: ['714311000000108'],
};

/** Codes of the three levels of List that structure a consultation. */
export const CONSULTATION_LIST_CODE = '325851000000107';
export const TOPIC_LIST_CODE = '25851000000105';
export const CATEGORY_LIST_CODE = '24781000000107';

/** Where each area is shown. Uncategorised data are observations, shown with investigations (see map-to-r4). */
export const AREA_SECTION: Readonly<Record<GpcArea, SectionName>> = {
  allergies: 'allergies',
  endedAllergies: 'allergies',
  medications: 'medications',
  problems: 'problems',
  consultations: 'encounters',
  immunisations: 'immunisations',
  investigations: 'investigations',
  referrals: 'referrals',
  documents: 'documents',
  uncategorised: 'investigations',
  diary: 'carePlans',
};

/** Plain words for each area, used in warnings. */
export const AREA_LABEL: Readonly<Record<GpcArea, string>> = {
  allergies: 'allergies',
  endedAllergies: 'ended allergies',
  medications: 'medications',
  problems: 'problems',
  consultations: 'consultations',
  immunisations: 'immunisations',
  investigations: 'investigation results',
  referrals: 'referrals',
  documents: 'documents',
  uncategorised: 'other recorded items (uncategorised data)',
  diary: 'diary entries (recalls)',
};

/** The request parameter naming each area, as an older or restricted provider reports it. */
const PARAMETER_AREA: Readonly<Record<string, GpcArea>> = {
  includeAllergies: 'allergies',
  includeMedication: 'medications',
  includeProblems: 'problems',
  includeConsultations: 'consultations',
  includeImmunisations: 'immunisations',
  includeInvestigations: 'investigations',
  includeReferrals: 'referrals',
  includeUncategorisedData: 'uncategorised',
  includeDiaryEntries: 'diary',
};

/** Resource types that are clinical items (everything else supports them: people, places, Lists). */
export const CLINICAL_TYPES: ReadonlySet<string> = new Set([
  'AllergyIntolerance',
  'MedicationStatement',
  'MedicationRequest',
  'Condition',
  'Encounter',
  'Observation',
  'DiagnosticReport',
  'Immunization',
  'ReferralRequest',
  'ProcedureRequest',
  'DocumentReference',
]);

/**
 * Resources that support items (people, places, medicines, the practice's notes) and carry no
 * patient of their own. Anything neither clinical, structural nor supporting was not asked for.
 */
const SUPPORTING_TYPES: ReadonlySet<string> = new Set([
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'Medication',
  'HealthcareService',
  'Device',
  'OperationOutcome',
  'QuestionnaireResponse',
]);

/** Types whose subject is checked besides the clinical items: the Lists that structure them, the specimens reports name. */
const STRUCTURAL_TYPES: ReadonlySet<string> = new Set(['List', 'Specimen']);

export interface StructuredRecord {
  /** Each area's items, in the order of its primary List (documents: in Bundle order). */
  readonly areas: Readonly<Record<GpcArea, readonly Stu3Resource[]>>;
  /**
   * Clinical resources in the Bundle that no primary List names — reached only through consultations,
   * problems or other items (including supporting ones such as prescription issues and test results).
   */
  readonly additional: readonly Stu3Resource[];
  readonly warnings: readonly SourceWarning[];
  /** Items left out because they could not be read. */
  readonly dropped: number;
  /** The Patient the record is about: the one carrying the traced NHS number (else the first). */
  readonly patient: Stu3Resource;
  /**
   * Resources left out because they do not belong to `patient` (another or no subject, a type not
   * asked for, a second Patient record), by reason. They are not in `index` either.
   */
  readonly notThisPatient: DroppedCounts;
  /** True when the Bundle also holds a Patient with another NHS number: nothing in it may be shown. */
  readonly otherPatient: boolean;
  readonly index: BundleIndex;
  /** The consultation-level List of each consultation, keyed `Encounter/<id>`. */
  readonly consultationLists: ReadonlyMap<string, Stu3Resource>;
}

export type ReadStructuredRecordResult =
  | { readonly ok: true; readonly record: StructuredRecord }
  | { readonly ok: false; readonly message: string };

/** The message of a structured record that names no patient. */
export const NO_PATIENT_MESSAGE =
  'The GP practice’s answer did not say which patient it is about, so none of it can be checked and none is shown.';

/**
 * Reads the Bundle. Never throws: an unreadable Bundle, or one without a Patient, is `{ ok: false }`.
 * `tracedNhsNumber` picks the Patient the items must belong to (else the Bundle's first Patient is
 * used, with its own NHS number).
 */
export function readStructuredRecord(
  bundle: unknown,
  tracedNhsNumber?: string,
): ReadStructuredRecordResult {
  if (!isJsonObject(bundle) || bundle['resourceType'] !== 'Bundle') {
    return {
      ok: false,
      message: 'The GP practice answered with something that is not a FHIR Bundle.',
    };
  }
  try {
    const record = read(bundle, tracedNhsNumber);
    return record === undefined ? { ok: false, message: NO_PATIENT_MESSAGE } : { ok: true, record };
  } catch {
    return { ok: false, message: 'The GP practice’s answer could not be read.' };
  }
}

/**
 * The Bundle's index with everything that does not belong to the patient taken out: such
 * resources are neither listed nor resolvable, so no link can bring them back into view.
 */
function ownedIndex(
  raw: BundleIndex,
  tracedNhsNumber: string | undefined,
):
  | {
      index: BundleIndex;
      patient: Stu3Resource;
      notThisPatient: DroppedCounts;
      otherPatient: boolean;
    }
  | undefined {
  const patients = raw.resources.filter((resource) => resource.resourceType === 'Patient');
  const patient =
    (tracedNhsNumber === undefined
      ? undefined
      : patients.find((candidate) => nhsNumbersOf(candidate).includes(tracedNhsNumber))) ??
    patients[0];
  if (patient === undefined) return undefined;
  const owner: PatientOwner = {
    id: str(patient, 'id') ?? '',
    nhsNumber: tracedNhsNumber ?? nhsNumbersOf(patient)[0] ?? '',
    // GP Connect leaves fullUrl empty; an absolute reference to the Patient is not expected.
    aliases: [],
  };
  const counts: Partial<Record<DropReason, number>> = {};
  const verdicts = new Map<Stu3Resource, boolean>();
  let otherPatient = false;
  const belongs = (resource: Stu3Resource): boolean => {
    const known = verdicts.get(resource);
    if (known !== undefined) return known;
    let keep = true;
    if (resource.resourceType === 'Patient') {
      if (resource !== patient) {
        const kind = otherPatientKind(resource, owner);
        if (kind === 'other-nhs-number') otherPatient = true;
        // The same Patient twice is harmless; any other Patient record is left out.
        keep = kind === 'same';
        if (!keep) countDropped(counts, 'second-patient');
      }
    } else if (!SUPPORTING_TYPES.has(resource.resourceType)) {
      const requested =
        CLINICAL_TYPES.has(resource.resourceType) || STRUCTURAL_TYPES.has(resource.resourceType);
      const ownership = ownershipOf(resource, owner, requested);
      keep = ownership === 'owned';
      if (ownership !== 'owned') countDropped(counts, ownership);
    }
    verdicts.set(resource, keep);
    return keep;
  };
  const resources = raw.resources.filter(belongs);
  const index: BundleIndex = {
    resources,
    resolve(reference, container) {
      const resolved = raw.resolve(reference, container);
      return resolved !== undefined && belongs(resolved) ? resolved : undefined;
    },
  };
  return { index, patient, notThisPatient: counts, otherPatient };
}

function read(bundle: unknown, tracedNhsNumber: string | undefined): StructuredRecord | undefined {
  const raw = indexBundle(bundle);
  const owned = ownedIndex(raw, tracedNhsNumber);
  if (owned === undefined) return undefined;
  const { index } = owned;
  const warnings: SourceWarning[] = [];
  const areas = Object.fromEntries(GPC_AREAS.map((area) => [area, [] as Stu3Resource[]])) as Record<
    GpcArea,
    Stu3Resource[]
  >;
  const dropped = new Map<GpcArea, number>();
  const missing = new Map<GpcArea, number>();
  const inPrimary = new Set<Stu3Resource>();
  const consultationLists = new Map<string, Stu3Resource>();
  const linkedWarnings = new Set<string>();

  for (const list of index.resources.filter((resource) => resource.resourceType === 'List')) {
    const area = primaryArea(list);
    const codes = codesOf(obj(list, 'code'));
    if (codes.includes(CONSULTATION_LIST_CODE)) {
      const encounter = index.resolve(obj(list, 'encounter'));
      const key = encounter === undefined ? undefined : resourceKey(encounter);
      if (key !== undefined && !consultationLists.has(key)) consultationLists.set(key, list);
    }
    if (area === undefined) {
      for (const code of listWarningCodes(list)) linkedWarnings.add(code);
      continue;
    }
    for (const code of listWarningCodes(list)) warnings.push(listWarning(code, area));
    for (const entry of objs(list, 'entry')) {
      const item = index.resolve(obj(entry, 'item'), list);
      if (item === undefined) {
        // Left out as not this patient's (and counted so): not missing from the answer.
        if (raw.resolve(obj(entry, 'item'), list) === undefined)
          missing.set(area, (missing.get(area) ?? 0) + 1);
        continue;
      }
      if (inPrimary.has(item)) continue;
      inPrimary.add(item);
      if (isReadable(item, index, list)) areas[area].push(item);
      else dropped.set(area, (dropped.get(area) ?? 0) + 1);
    }
  }

  const additional: Stu3Resource[] = [];
  for (const resource of index.resources) {
    if (!CLINICAL_TYPES.has(resource.resourceType) || inPrimary.has(resource)) continue;
    const readable = isReadable(resource, index, undefined);
    // Documents have no primary List: every DocumentReference is a document item.
    if (resource.resourceType === 'DocumentReference') {
      if (readable) areas.documents.push(resource);
      else dropped.set('documents', (dropped.get('documents') ?? 0) + 1);
      continue;
    }
    if (readable) additional.push(resource);
    else
      dropped.set(
        areaOfType(resource.resourceType),
        (dropped.get(areaOfType(resource.resourceType)) ?? 0) + 1,
      );
  }

  for (const code of linkedWarnings) warnings.push(linkedListWarning(code));
  warnings.push(...bundleOutcomeWarnings(index));
  for (const [area, count] of missing) {
    warnings.push({
      code: 'items-missing',
      area: AREA_SECTION[area],
      message: `${count} ${AREA_LABEL[area]} listed by the GP practice were not included in its answer, so they are not shown.`,
    });
  }
  for (const [area, count] of dropped) {
    warnings.push({
      code: 'items-dropped',
      area: AREA_SECTION[area],
      message: `${count} ${AREA_LABEL[area]} from the GP practice could not be read and are not shown.`,
    });
  }

  warnings.push(...droppedWarnings(owned.notThisPatient));

  return {
    areas,
    additional,
    warnings,
    dropped: [...dropped.values()].reduce((sum, count) => sum + count, 0),
    patient: owned.patient,
    notThisPatient: owned.notThisPatient,
    otherPatient: owned.otherPatient,
    index,
    consultationLists,
  };
}

/** The area whose primary List this is, by SNOMED code; a List coded `TBD` is recognised by its title. */
export function primaryArea(list: Stu3Resource): GpcArea | undefined {
  const codes = codesOf(obj(list, 'code'));
  for (const area of GPC_AREAS) {
    if (PRIMARY_LIST_CODES[area].some((code) => codes.includes(code))) return area;
  }
  const secondary = objs(obj(list, 'code'), 'coding').some((coding) =>
    str(coding, 'system')?.includes('SecondaryListValues'),
  );
  const structural = [CONSULTATION_LIST_CODE, TOPIC_LIST_CODE, CATEGORY_LIST_CODE].some((code) =>
    codes.includes(code),
  );
  if (secondary || structural) return undefined;
  const title = (str(list, 'title') ?? '').toLowerCase();
  if (/allerg/.test(title)) return /ended|resolved/.test(title) ? 'endedAllergies' : 'allergies';
  // Resolved allergies are always contained in their List; a List of contained allergies is the ended one.
  if (
    objs(list, 'contained').some((contained) => contained['resourceType'] === 'AllergyIntolerance')
  ) {
    return 'endedAllergies';
  }
  return undefined;
}

/** The List's warning codes (`confidential-items`, `data-in-transit`, `data-awaiting-filing`, …). */
export function listWarningCodes(list: unknown): string[] {
  return extensionsNamed(list, 'listwarningcode')
    .map((extension) => extensionValue(extension)?.value)
    .map((value) => (typeof value === 'string' ? value : codesOf(value)[0]))
    .filter((code): code is string => code !== undefined && code.trim() !== '')
    .map((code) => code.trim());
}

function listWarning(code: string, area: GpcArea): SourceWarning {
  const label = AREA_LABEL[area];
  const section = AREA_SECTION[area];
  switch (code) {
    case 'confidential-items':
      return {
        code,
        area: section,
        message: `Some ${label} were withheld by the GP practice as confidential or at the patient's request. They are not shown.`,
      };
    case 'data-in-transit':
      return {
        code,
        area: section,
        message: `The patient's record is still being transferred from a previous practice: older ${label} may be missing.`,
      };
    case 'data-awaiting-filing':
      return {
        code,
        area: section,
        message: `Some incoming ${label} are waiting to be filed at the GP practice and are not shown yet.`,
      };
    default:
      return {
        code: 'list-warning',
        area: section,
        message: `The GP practice flagged its ${label} with a warning it did not explain.`,
      };
  }
}

function linkedListWarning(code: string): SourceWarning {
  switch (code) {
    case 'confidential-items':
      return {
        code,
        message:
          'Some items linked to consultations or problems were withheld by the GP practice as confidential or at the ' +
          "patient's request. They are not shown.",
      };
    case 'data-in-transit':
      return {
        code,
        message:
          "The patient's record is still being transferred from a previous practice: older items may be missing.",
      };
    case 'data-awaiting-filing':
      return {
        code,
        message:
          'Some incoming items are waiting to be filed at the GP practice and are not shown yet.',
      };
    default:
      return {
        code: 'list-warning',
        message: 'The GP practice flagged part of the record with a warning it did not explain.',
      };
  }
}

/** Warnings an OperationOutcome inside the Bundle gives: areas disabled, parameters not recognised. */
function bundleOutcomeWarnings(index: BundleIndex): SourceWarning[] {
  const warnings: SourceWarning[] = [];
  for (const outcome of index.resources.filter(
    (resource) => resource.resourceType === 'OperationOutcome',
  )) {
    for (const issue of objs(outcome, 'issue')) {
      const text = str(obj(issue, 'details'), 'text') ?? '';
      const parameter = (str(issue, 'diagnostics') ?? text.split(/\s+/)[0] ?? '').trim();
      const area = PARAMETER_AREA[parameter];
      const label = area === undefined ? 'one part of the record' : AREA_LABEL[area];
      const section = area === undefined ? undefined : AREA_SECTION[area];
      const where = section === undefined ? {} : { area: section };
      if (/has been disabled/i.test(text)) {
        warnings.push({
          code: 'area-disabled',
          ...where,
          message: `The GP practice has switched off sharing of ${label}, so none are shown: ${label} items have been disabled.`,
        });
      } else if (/unrecognised parameter/i.test(text)) {
        warnings.push({
          code: 'unrecognised-parameter',
          ...where,
          message: `The GP practice's system is an older version that does not return ${label}, so none are shown.`,
        });
      } else if (str(issue, 'severity') !== 'information') {
        warnings.push({
          code: 'source-warning',
          ...where,
          message: 'The GP practice returned a warning with its answer.',
        });
      }
    }
  }
  return warnings;
}

function areaOfType(resourceType: string): GpcArea {
  switch (resourceType) {
    case 'AllergyIntolerance':
      return 'allergies';
    case 'MedicationStatement':
    case 'MedicationRequest':
      return 'medications';
    case 'Condition':
      return 'problems';
    case 'Encounter':
      return 'consultations';
    case 'DiagnosticReport':
      return 'investigations';
    case 'Immunization':
      return 'immunisations';
    case 'ReferralRequest':
      return 'referrals';
    case 'ProcedureRequest':
      return 'diary';
    case 'DocumentReference':
      return 'documents';
    default:
      return 'uncategorised';
  }
}

/**
 * Whether an item has what is needed to show it safely. Deliberately minimal: an id and the one
 * element without which the item means nothing (what was prescribed, what the allergy is to, …).
 */
export function isReadable(
  item: Stu3Resource,
  index: BundleIndex,
  container: Stu3Resource | undefined,
): boolean {
  const id = str(item, 'id');
  if (id === undefined || id.trim() === '') return false;
  switch (item.resourceType) {
    case 'MedicationStatement':
    case 'MedicationRequest': {
      const medication = index.resolve(obj(item, 'medicationReference'), container);
      return (
        medication?.resourceType === 'Medication' || isJsonObject(item['medicationCodeableConcept'])
      );
    }
    case 'AllergyIntolerance':
    case 'Condition':
    case 'Observation':
    case 'DiagnosticReport':
      return isJsonObject(item['code']);
    case 'Immunization':
      return isJsonObject(item['vaccineCode']);
    default:
      return isResource(item);
  }
}
