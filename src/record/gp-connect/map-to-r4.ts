/**
 * @module Maps a GP Connect structured record (STU3 Bundle) to the common FHIR R4 model, section by
 * section, keeping original ids and naming the practice on every item.
 *
 * Choices worth knowing:
 * - Uncategorised data go to `investigations`, tagged `uncategorised`: they are coded observations
 *   (blood pressure, weight, smoking status, …), the same kind of thing a hospital sends as Observation,
 *   so they sit with other observations; a consultation still shows them in context by reference.
 * - Ended allergies go to `allergies`, tagged `ended-allergy`, with status resolved/inactive, after the
 *   active ones.
 * - Diary entries (recalls, future care) go to `carePlans` as ServiceRequest tagged `diary-entry`.
 * - One medication is one MedicationStatement item with its medicine, authorisation and issues contained.
 * - A test report is followed by its results (group headers, results, filing comments) as Observations.
 * - Code systems and extensions get their R4 addresses (terminology.hl7.org, UK Core): see r4-terminology.ts.
 * - Items the practice sent only through links (e.g. consultation entries missing from their primary
 *   List) are still shown, tagged `linked-only`: nothing the practice shared is silently lost.
 */
import type { SourceWarning } from '../../sources/source-result.ts';
import type { Provenance, SectionName } from '../../shared/sections.ts';
import { mapConsultation } from './consultation-structure.ts';
import { obj, objs, str, type Stu3Resource } from '../../sources/gp-connect/json-access.ts';
import {
  mapAllergy,
  mapDiagnosticReport,
  mapDocumentReference,
  mapImmunization,
  mapObservation,
  mapPatient,
  mapProblem,
  mapServiceRequest,
} from './map-clinical.ts';
import {
  indexIssues,
  mapLoneMedicationRequest,
  mapMedicationStatement,
} from './map-medications.ts';
import { r4Reference, type MapContext } from './r4-common.ts';
import { withR4Terminology } from './r4-terminology.ts';
import {
  AREA_LABEL,
  AREA_SECTION,
  readStructuredRecord,
  type GpcArea,
  type StructuredRecord,
} from '../../sources/gp-connect/read-structured-record.ts';
import { resourceKey } from '../../sources/gp-connect/bundle-index.ts';
import type { DroppedCounts } from '../../sources/patient-ownership.ts';

export interface MappedItem {
  readonly section: SectionName;
  readonly resource: fhir4.FhirResource;
}

export interface MappedStructuredRecord {
  readonly items: readonly MappedItem[];
  readonly warnings: readonly SourceWarning[];
  readonly patient?: fhir4.Patient | undefined;
  /** Items left out because they could not be read (each area's count is also a warning). */
  readonly dropped: number;
  /** False when the Bundle itself could not be read (then `items` is empty and a `malformed` warning says why). */
  readonly readable: boolean;
  /** Resources left out because they are not this patient's, by reason (see patient-ownership). */
  readonly notThisPatient: DroppedCounts;
  /** True when the Bundle also holds a patient with another NHS number: none of it may be shown. */
  readonly otherPatient: boolean;
}

/** The order areas are given in: active allergies before ended ones; reports before loose observations. */
const AREA_ORDER: readonly GpcArea[] = [
  'allergies',
  'endedAllergies',
  'medications',
  'problems',
  'consultations',
  'investigations',
  'uncategorised',
  'immunisations',
  'referrals',
  'diary',
  'documents',
];

/** Types reached only through links, in the order they must be mapped (heads before what they contain). */
const ADDITIONAL_ORDER = [
  'AllergyIntolerance',
  'MedicationStatement',
  'Condition',
  'Encounter',
  'DiagnosticReport',
  'Immunization',
  'ReferralRequest',
  'ProcedureRequest',
  'Observation',
  'MedicationRequest',
];

/**
 * Reads and maps a raw Bundle (fixtures and tests; a record view maps what the connector already
 * read, with {@link mapReadRecord}). Never throws: one item that fails to map is dropped and
 * counted. Only items that belong to the patient carrying `tracedNhsNumber` are mapped (see
 * read-structured-record).
 */
export function mapStructuredRecord(
  bundle: unknown,
  provenance: Provenance,
  tracedNhsNumber?: string,
): MappedStructuredRecord {
  const read = readStructuredRecord(bundle, tracedNhsNumber);
  if (!read.ok)
    return {
      items: [],
      warnings: [{ code: 'malformed', message: read.message }],
      dropped: 0,
      readable: false,
      notThisPatient: {},
      otherPatient: false,
    };
  return mapReadRecord(read.record, provenance);
}

/** Maps a structured record already read (by the GP Connect connector). Never throws. */
export function mapReadRecord(
  record: StructuredRecord,
  provenance: Provenance,
): MappedStructuredRecord {
  const patientReference = r4Reference(
    { index: record.index, provenance, patientReference: undefined },
    { reference: `Patient/${str(record.patient, 'id') ?? ''}` },
  );
  const issuesByPlan = indexIssues(record.index);
  const ctx: MapContext = {
    index: record.index,
    provenance,
    patientReference,
    carriedBy: carriedBy(record, issuesByPlan),
    references: new Map(),
  };
  const done = new Set<Stu3Resource>();
  const items: MappedItem[] = [];
  const dropped = new Map<GpcArea, number>();

  const emit = (
    area: GpcArea,
    item: Stu3Resource,
    linkedOnly: boolean,
    container?: Stu3Resource,
  ): void => {
    if (done.has(item)) return;
    done.add(item);
    try {
      const mapped = mapItem(ctx, area, item, linkedOnly, container, issuesByPlan, done, record);
      items.push(
        ...mapped.map(({ section, resource }) => ({
          section,
          resource: withR4Terminology(resource),
        })),
      );
    } catch {
      dropped.set(area, (dropped.get(area) ?? 0) + 1);
    }
  };

  for (const area of AREA_ORDER) {
    for (const item of record.areas[area])
      emit(area, item, false, area === 'endedAllergies' ? containerOf(record, item) : undefined);
  }
  const additional = [...record.additional].sort(
    (a, b) => rank(a.resourceType) - rank(b.resourceType),
  );
  for (const item of additional) emit(areaForLinked(item), item, true);

  const warnings: SourceWarning[] = dedupe(record.warnings);
  for (const [area, count] of dropped) {
    warnings.push({
      code: 'items-dropped',
      area: AREA_SECTION[area],
      message: `${count} ${AREA_LABEL[area]} from the GP practice could not be converted and are not shown.`,
    });
  }
  const droppedHere = [...dropped.values()].reduce((sum, count) => sum + count, 0);
  let patient: fhir4.Patient | undefined;
  try {
    patient = withR4Terminology(mapPatient(ctx, record.patient));
  } catch {
    patient = undefined;
  }
  return {
    items,
    warnings,
    patient,
    dropped: record.dropped + droppedHere,
    readable: true,
    notThisPatient: record.notThisPatient,
    otherPatient: record.otherPatient,
  };
}

function mapItem(
  ctx: MapContext,
  area: GpcArea,
  item: Stu3Resource,
  linkedOnly: boolean,
  container: Stu3Resource | undefined,
  issuesByPlan: ReadonlyMap<Stu3Resource, readonly Stu3Resource[]>,
  done: Set<Stu3Resource>,
  record: StructuredRecord,
): MappedItem[] {
  const linked = linkedOnly ? ['linked-only'] : [];
  const section = AREA_SECTION[area];
  switch (item.resourceType) {
    case 'AllergyIntolerance':
      return [
        {
          section: 'allergies',
          resource: tag(mapAllergy(ctx, item, area === 'endedAllergies', container), linked),
        },
      ];
    case 'MedicationStatement': {
      const mapped = mapMedicationStatement(ctx, item, issuesByPlan);
      for (const consumed of mapped.consumed) done.add(consumed);
      return [{ section: 'medications', resource: tag(mapped.resource, linked) }];
    }
    case 'MedicationRequest': {
      const mapped = mapLoneMedicationRequest(ctx, item);
      return [{ section: 'medications', resource: tag(mapped.resource, linked) }];
    }
    case 'Condition':
      return [{ section: 'problems', resource: tag(mapProblem(ctx, item), linked) }];
    case 'Encounter': {
      const key = resourceKey(item);
      const list = key === undefined ? undefined : record.consultationLists.get(key);
      return [{ section: 'encounters', resource: tag(mapConsultation(ctx, item, list), linked) }];
    }
    case 'DiagnosticReport': {
      const report: MappedItem = { section, resource: tag(mapDiagnosticReport(ctx, item), linked) };
      const results = reportObservations(ctx, item).filter((observation) => !done.has(observation));
      for (const observation of results) done.add(observation);
      return [
        report,
        ...results.map((observation) => ({
          section,
          resource: mapObservation(ctx, observation, ['test-result', ...linked]),
        })),
      ];
    }
    case 'Observation': {
      const tags = area === 'uncategorised' ? ['uncategorised', ...linked] : linked;
      return [
        {
          section: area === 'consultations' ? 'investigations' : section,
          resource: mapObservation(ctx, item, tags),
        },
      ];
    }
    case 'Immunization':
      return [{ section: 'immunisations', resource: tag(mapImmunization(ctx, item), linked) }];
    case 'ReferralRequest':
      return [
        { section: 'referrals', resource: tag(mapServiceRequest(ctx, item, 'referral'), linked) },
      ];
    case 'ProcedureRequest': {
      const kind = area === 'diary' ? 'diary-entry' : 'test-request';
      return [
        {
          section: area === 'diary' ? 'carePlans' : 'investigations',
          resource: tag(mapServiceRequest(ctx, item, kind), linked),
        },
      ];
    }
    case 'DocumentReference':
      return [{ section: 'documents', resource: tag(mapDocumentReference(ctx, item), linked) }];
    default:
      return [];
  }
}

/** Each prescription (authorisation or issue) mapped to the MedicationStatement that will carry it. */
function carriedBy(
  record: StructuredRecord,
  issuesByPlan: ReadonlyMap<Stu3Resource, readonly Stu3Resource[]>,
): Map<Stu3Resource, Stu3Resource> {
  const carried = new Map<Stu3Resource, Stu3Resource>();
  for (const statement of record.index.resources.filter(
    (resource) => resource.resourceType === 'MedicationStatement',
  )) {
    for (const basedOn of objs(statement, 'basedOn')) {
      const plan = record.index.resolve(basedOn);
      if (plan?.resourceType !== 'MedicationRequest' || carried.has(plan)) continue;
      carried.set(plan, statement);
      for (const issue of issuesByPlan.get(plan) ?? [])
        if (!carried.has(issue)) carried.set(issue, statement);
    }
  }
  return carried;
}

/** A report's results, then each group header's members, depth first, in the order given. */
function reportObservations(ctx: MapContext, report: Stu3Resource): Stu3Resource[] {
  const out: Stu3Resource[] = [];
  const visit = (reference: unknown): void => {
    const observation = ctx.index.resolve(reference);
    if (observation?.resourceType !== 'Observation' || out.includes(observation)) return;
    out.push(observation);
    for (const related of objs(observation, 'related')) {
      if (str(related, 'type') === 'has-member') visit(obj(related, 'target'));
    }
  };
  for (const result of objs(report, 'result')) visit(result);
  return out;
}

function containerOf(record: StructuredRecord, item: Stu3Resource): Stu3Resource | undefined {
  return record.index.resources.find(
    (resource) => resource.resourceType === 'List' && objs(resource, 'contained').includes(item),
  );
}

function areaForLinked(item: Stu3Resource): GpcArea {
  switch (item.resourceType) {
    case 'ProcedureRequest':
      return 'diary';
    case 'Observation':
      return 'uncategorised';
    case 'DiagnosticReport':
      return 'investigations';
    default:
      return 'consultations';
  }
}

function rank(resourceType: string): number {
  const index = ADDITIONAL_ORDER.indexOf(resourceType);
  return index === -1 ? ADDITIONAL_ORDER.length : index;
}

function tag<T extends fhir4.FhirResource>(resource: T, tags: readonly string[]): T {
  if (tags.length === 0) return resource;
  const meta = resource.meta ?? {};
  return {
    ...resource,
    meta: {
      ...meta,
      tag: [
        ...(meta.tag ?? []),
        ...tags.map((code) => ({
          system: 'https://mycarerecord.nhs.uk/fhir/CodeSystem/gp-connect-item',
          code,
        })),
      ],
    },
  };
}

function dedupe(warnings: readonly SourceWarning[]): SourceWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.code}|${warning.area ?? ''}|${warning.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
