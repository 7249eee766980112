/**
 * @module The access filter a record passes through before it leaves the server: removes the sections
 * a role may not see, legally restricted and labelled items (and items linked to them), and for some
 * roles the detail of consultations. Pure and fail closed: what it cannot inspect it withholds.
 */
import type { SectionCounts } from '../../record/assemble-record.ts';
import { CONSULTATION_TOPIC_URL } from '../../record/gp-connect/consultation-structure.ts';
import {
  SECTION_NAMES,
  type RecordItem,
  type SectionName,
  type Sections,
} from '../../shared/sections.ts';
import {
  inspectResource,
  referencesIn,
  UNINSPECTABLE_CATEGORY,
  type Inspection,
} from '../restricted/inspect-resource.ts';
import type { RestrictedCodes } from '../restricted/restricted-codes.ts';
import type { Role } from '../../shared/roles.ts';
import type { Policy } from './policy.ts';

/** Category of items removed because the role may not see their section. */
export const ROLE_POLICY_CATEGORY = 'role-policy';
/** Category of items removed because they refer to, or are referred to by, a restricted item. */
export const LINKED_CATEGORY = 'linked-to-restricted';
/** Category recorded when consultation detail was removed from encounters. */
export const CONSULTATION_DETAIL_CATEGORY = 'consultation-detail';

export interface FilterRecordInput {
  readonly role: Role;
  readonly sections: Sections;
  readonly policy: Pick<Policy, 'sectionsFor' | 'seesConsultationDetail'>;
  readonly restrictedCodes: RestrictedCodes;
  /** A view for the patient themself: NOPAT-labelled items are withheld too. Default false. */
  readonly patientFacing?: boolean | undefined;
}

export interface FilteredRecord {
  readonly sections: Sections;
  /** Items removed, per section: for the audit's `withheld` counts, never for the response. */
  readonly withheld: SectionCounts;
  /** Why items were removed (category ids): for the audit only, never for the response. */
  readonly withheldCategories: readonly string[];
  /**
   * Whether anything at all was not shown (for any reason): the response carries only this, so the
   * clinician sees a neutral "Some information is not shown" and learns nothing about what or why.
   */
  readonly informationWithheld: boolean;
}

const ENCOUNTER_DETAIL_FIELDS = ['reasonCode', 'reasonReference', 'diagnosis', 'text'] as const;

/** Filters an assembled record for a role. Never throws; never mutates its input. */
export function filterRecordForRole(input: FilterRecordInput): FilteredRecord {
  try {
    return filter(input);
  } catch {
    // Fail closed: if filtering itself fails, nothing is shown.
    const withheld: SectionCounts = {};
    const sections = emptySections();
    for (const name of SECTION_NAMES) {
      const count = sectionItems(input.sections, name).length;
      if (count > 0) withheld[name] = count;
    }
    return {
      sections,
      withheld,
      withheldCategories: [UNINSPECTABLE_CATEGORY],
      informationWithheld: Object.keys(withheld).length > 0,
    };
  }
}

function filter(input: FilterRecordInput): FilteredRecord {
  const rules = {
    restrictedCodes: input.restrictedCodes,
    patientFacing: input.patientFacing === true,
  };
  const visible = new Set(input.policy.sectionsFor(input.role));
  const stripDetail = !input.policy.seesConsultationDetail(input.role);

  // 1. Inspect every item of every section (hidden sections too: their restricted items taint links).
  const inspected = SECTION_NAMES.flatMap((section) =>
    sectionItems(input.sections, section).map((item) => ({
      section,
      item,
      inspection: inspectItem(item, rules),
    })),
  );

  // 2. Items linked to a restricted item of the same source, either way, one hop.
  const restrictedKeys = new Set<string>();
  const restrictedRefs = new Set<string>();
  for (const entry of inspected) {
    if (!entry.inspection.restricted) continue;
    const key = itemKey(entry.item);
    const sourceId = sourceIdOf(entry.item);
    if (key === undefined || sourceId === undefined) continue;
    restrictedKeys.add(key);
    for (const reference of referencesIn(entry.item.resource)) {
      restrictedRefs.add(`${sourceId}|${reference}`);
    }
  }

  const sections = emptySections();
  const withheld: SectionCounts = {};
  const categories = new Set<string>();
  let redacted = false;
  for (const { section, item, inspection } of inspected) {
    let category: string | undefined;
    if (!visible.has(section)) category = ROLE_POLICY_CATEGORY;
    else if (inspection.restricted) category = inspection.category;
    else if (isLinked(item, restrictedKeys, restrictedRefs)) category = LINKED_CATEGORY;

    if (category !== undefined) {
      withheld[section] = (withheld[section] ?? 0) + 1;
      categories.add(category);
      continue;
    }
    if (stripDetail && item.resource.resourceType === 'Encounter') {
      const stripped = withoutConsultationDetail(item);
      if (stripped !== item) {
        redacted = true;
        categories.add(CONSULTATION_DETAIL_CATEGORY);
      }
      sections[section].push(stripped);
      continue;
    }
    sections[section].push(item);
  }

  return {
    sections,
    withheld,
    withheldCategories: [...categories].sort(),
    informationWithheld: redacted || Object.keys(withheld).length > 0,
  };
}

function inspectItem(item: unknown, rules: Parameters<typeof inspectResource>[1]): Inspection {
  if (typeof item !== 'object' || item === null || !('resource' in item) || !('source' in item)) {
    return { restricted: true, category: UNINSPECTABLE_CATEGORY };
  }
  if (sourceIdOf(item as RecordItem) === undefined) {
    return { restricted: true, category: UNINSPECTABLE_CATEGORY };
  }
  return inspectResource((item as { resource: unknown }).resource, rules);
}

function itemKey(item: RecordItem): string | undefined {
  const resource: unknown = (item as Partial<RecordItem> | undefined)?.resource;
  if (typeof resource !== 'object' || resource === null) return undefined;
  const { resourceType, id } = resource as { resourceType?: unknown; id?: unknown };
  const sourceId = sourceIdOf(item);
  if (typeof resourceType !== 'string' || typeof id !== 'string' || sourceId === undefined) {
    return undefined;
  }
  return `${sourceId}|${resourceType}/${id}`;
}

/** The item's source id, or undefined when the item is malformed (it is then withheld). */
function sourceIdOf(item: RecordItem): string | undefined {
  const source: unknown = (item as Partial<RecordItem> | undefined)?.source;
  if (typeof source !== 'object' || source === null) return undefined;
  const sourceId = (source as { sourceId?: unknown }).sourceId;
  return typeof sourceId === 'string' ? sourceId : undefined;
}

function isLinked(
  item: RecordItem,
  restrictedKeys: Set<string>,
  restrictedRefs: Set<string>,
): boolean {
  // Nothing restricted in the record (the usual case): no item can be linked to one.
  if (restrictedKeys.size === 0 && restrictedRefs.size === 0) return false;
  const key = itemKey(item);
  if (key !== undefined && restrictedRefs.has(key)) return true;
  for (const reference of referencesIn(item.resource)) {
    if (restrictedKeys.has(`${item.source.sourceId}|${reference}`)) return true;
  }
  return false;
}

/**
 * An encounter without what was discussed: GP consultation topics, reasons, diagnoses and the
 * narrative. The date, type, place and people stay, so the social worker knows there was contact.
 */
function withoutConsultationDetail(item: RecordItem): RecordItem {
  const resource = item.resource as fhir4.Encounter;
  const hasTopics = (resource.extension ?? []).some((e) => e.url === CONSULTATION_TOPIC_URL);
  const hasDetail = ENCOUNTER_DETAIL_FIELDS.some((field) => resource[field] !== undefined);
  if (!hasTopics && !hasDetail) return item;
  const dropped = new Set<string>([...ENCOUNTER_DETAIL_FIELDS, 'extension']);
  const copy = Object.fromEntries(
    Object.entries(structuredClone(resource)).filter(([key]) => !dropped.has(key)),
  ) as unknown as fhir4.Encounter;
  const extension = (resource.extension ?? [])
    .filter((e) => e.url !== CONSULTATION_TOPIC_URL)
    .map((e) => structuredClone(e));
  if (extension.length > 0) copy.extension = extension;
  return { source: item.source, resource: copy };
}

function sectionItems(sections: Sections, name: SectionName): readonly RecordItem[] {
  const items = (sections as Partial<Sections> | undefined)?.[name];
  return Array.isArray(items) ? (items as readonly RecordItem[]) : [];
}

function emptySections(): Record<SectionName, RecordItem[]> {
  return Object.fromEntries(SECTION_NAMES.map((name) => [name, [] as RecordItem[]])) as Record<
    SectionName,
    RecordItem[]
  >;
}
