/**
 * @module What every STU3 → R4 mapper shares: provenance in `meta`, references carried across (with a
 * display name where the Bundle gives one, and STU3 resource types renamed), and small concept helpers.
 */
import type { Provenance } from '../../shared/sections.ts';
import type { BundleIndex } from '../../sources/gp-connect/bundle-index.ts';
import { extensionKey } from '../../sources/gp-connect/gpc-extensions.ts';
import { ukCoreExtensionUrl } from './r4-terminology.ts';
import {
  codesOf,
  copy,
  obj,
  objs,
  str,
  strs,
  type JsonObject,
  type Stu3Resource,
} from '../../sources/gp-connect/json-access.ts';
import { isJsonObject, setJsonField } from '../../shared/json-guards.ts';

/** Our own marks on mapped items (ended allergy, uncategorised data, diary entry, reached only through links). */
export const GPC_TAG_SYSTEM = 'https://mycarerecord.nhs.uk/fhir/CodeSystem/gp-connect-item';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** The GP Connect extensions carried into R4 (keyed by `extensionKey`), each under its UK Core R4 URL. */
export const GPC_EXTENSION_URL: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'problemsignificance',
    'actualproblem',
    'relatedclinicalcontent',
    'relatedproblemheader',
    'medicationstatementlastissuedate',
    'prescribingagency',
    'medicationrepeatinformation',
    'prescriptiontype',
    'allergyintoleranceend',
    'vaccinationprocedure',
    'medicationquantitytext',
    'nhsnumberverificationstatus',
  ].map((key) => [key, ukCoreExtensionUrl(key) ?? key]),
);

/** Our extension on a MedicationStatement: how many issues (prescriptions) the practice sent. */
export const ISSUE_COUNT_EXTENSION_URL =
  'https://mycarerecord.nhs.uk/fhir/StructureDefinition/gpc-number-of-issues';

/** What each mapper needs from the Bundle being mapped. */
export interface MapContext {
  readonly index: BundleIndex;
  readonly provenance: Provenance;
  /** The Bundle's Patient, as an R4 reference (contained items often omit their subject). */
  readonly patientReference: fhir4.Reference | undefined;
  /**
   * Resources carried inside another item (a prescription inside its MedicationStatement): a reference
   * to one of them points at the item that carries it, so links from consultations and problems still land.
   */
  readonly carriedBy?: ReadonlyMap<Stu3Resource, Stu3Resource> | undefined;
  /**
   * References already carried across in this record, by reference string (those without a
   * display of their own and not to a contained resource: their R4 form depends on the string
   * alone). A large record names the same practitioners and places thousands of times; the items
   * share one reference object each, never changed (see r4-terminology's copy on write).
   */
  readonly references?: Map<string, fhir4.Reference | undefined> | undefined;
}

const RENAMED_TYPES: Readonly<Record<string, string>> = {
  ReferralRequest: 'ServiceRequest',
  ProcedureRequest: 'ServiceRequest',
};

/** The R4 `meta`: where the item came from (source and practice), plus any security labels (e.g. NOPAT). */
export function r4Meta(
  ctx: MapContext,
  resource: Stu3Resource,
  tags: readonly string[] = [],
): fhir4.Meta {
  const security = copy<fhir4.Coding[]>(obj(resource, 'meta'), 'security');
  return {
    source: `urn:mcr:source:${ctx.provenance.sourceId}`,
    tag: [
      { system: ODS_SYSTEM, code: ctx.provenance.organisation, display: ctx.provenance.system },
      ...tags.map((code) => ({ system: GPC_TAG_SYSTEM, code })),
    ],
    ...(Array.isArray(security) ? { security } : {}),
  };
}

/** A reference carried into R4: the type renamed where R4 renamed it, a display name where one is known. */
export function r4Reference(
  ctx: MapContext,
  reference: unknown,
  container?: Stu3Resource,
): fhir4.Reference | undefined {
  if (!isJsonObject(reference)) return undefined;
  const text = str(reference, 'reference');
  const display = str(reference, 'display');
  const memo =
    ctx.references !== undefined &&
    text !== undefined &&
    display === undefined &&
    !text.trim().startsWith('#')
      ? ctx.references
      : undefined;
  if (memo !== undefined && text !== undefined) {
    const known = memo.get(text);
    if (known !== undefined || memo.has(text)) return known;
  }
  const resolved = text === undefined ? undefined : ctx.index.resolve(text, container);
  const target = (resolved === undefined ? undefined : ctx.carriedBy?.get(resolved)) ?? resolved;
  const mappedText = target !== undefined && !text?.startsWith('#') ? referenceTo(target) : text;
  const name = display ?? (target === undefined ? undefined : displayName(target));
  let carried: fhir4.Reference | undefined;
  if (mappedText !== undefined || name !== undefined) {
    carried = {};
    if (mappedText !== undefined) carried.reference = mappedText;
    if (name !== undefined) carried.display = name;
  }
  if (memo !== undefined && text !== undefined) memo.set(text, carried);
  return carried;
}

/** References carried into R4 (unreadable ones left out). */
export function r4References(
  ctx: MapContext,
  references: readonly unknown[],
  container?: Stu3Resource,
): fhir4.Reference[] {
  return references
    .map((reference) => r4Reference(ctx, reference, container))
    .filter((reference): reference is fhir4.Reference => reference !== undefined);
}

/** `Type/id` of a resource in R4 terms. */
export function referenceTo(resource: Stu3Resource): string {
  return `${RENAMED_TYPES[resource.resourceType] ?? resource.resourceType}/${str(resource, 'id') ?? ''}`;
}

/** A short human name for people, places, organisations and medicines referenced by items. */
export function displayName(resource: Stu3Resource): string | undefined {
  switch (resource.resourceType) {
    case 'Practitioner':
    case 'Patient': {
      const name = objs(resource, 'name')[0];
      if (name === undefined) return undefined;
      const text = str(name, 'text');
      if (text !== undefined) return text;
      const parts = [...strs(name, 'prefix'), ...strs(name, 'given'), str(name, 'family')].filter(
        (part) => part !== undefined,
      );
      return parts.length === 0 ? undefined : parts.join(' ');
    }
    case 'Organization':
    case 'Location':
    case 'HealthcareService':
      return str(resource, 'name');
    case 'Medication':
    case 'Condition':
      return conceptText(obj(resource, 'code'));
    default:
      return undefined;
  }
}

/** The text of a CodeableConcept, or its first display. */
export function conceptText(concept: unknown): string | undefined {
  return (
    str(concept, 'text') ??
    objs(concept, 'coding')
      .map((coding) => str(coding, 'display'))
      .find((text) => text !== undefined)
  );
}

/** A one-coding CodeableConcept. */
export function concept(system: string, code: string): fhir4.CodeableConcept {
  return { coding: [{ system, code }] };
}

/** The elements a mapped item with extensions begins with, each carried across the same way. */
export interface CarriedElements {
  readonly id: string | undefined;
  readonly meta: fhir4.Meta;
  readonly extension: fhir4.Extension[] | undefined;
  readonly identifier: fhir4.Identifier[] | undefined;
}

/**
 * An item's id, its `meta` (with `tags`), its GP Connect extensions (undefined when none) and its
 * identifiers. `container` is the item that carries this one, if any (see {@link gpcExtensions}).
 */
export function carriedElements(
  ctx: MapContext,
  item: Stu3Resource,
  options: { readonly tags?: readonly string[]; readonly container?: Stu3Resource } = {},
): CarriedElements {
  const extension = gpcExtensions(ctx, item, options.container);
  return {
    id: str(item, 'id'),
    meta: r4Meta(ctx, item, options.tags),
    extension: extension.length === 0 ? undefined : extension,
    identifier: identifiers(item),
  };
}

/** A copied CodeableConcept (or undefined). */
export function cc(resource: unknown, key: string): fhir4.CodeableConcept | undefined {
  return copy<fhir4.CodeableConcept>(resource, key);
}

/** Copied identifiers (original ones kept so an item can be traced back at the practice). */
export function identifiers(resource: Stu3Resource): fhir4.Identifier[] | undefined {
  const list = objs(resource, 'identifier') as unknown as fhir4.Identifier[];
  return list.length === 0 ? undefined : list;
}

/** Copied notes (STU3 and R4 Annotation agree). */
export function notes(resource: unknown, key = 'note'): fhir4.Annotation[] | undefined {
  const list = objs(resource, key) as unknown as fhir4.Annotation[];
  return list.length === 0 ? undefined : list;
}

/**
 * GP Connect extensions carried across under their canonical URL (see `GPC_EXTENSION_URL`), with any
 * references inside them carried across too. Extensions we do not know are left behind.
 */
export function gpcExtensions(
  ctx: MapContext,
  element: unknown,
  container?: Stu3Resource,
): fhir4.Extension[] {
  const out: fhir4.Extension[] = [];
  for (const extension of objs(element, 'extension')) {
    const url = str(extension, 'url');
    const key = url === undefined ? undefined : extensionKey(url);
    // Own entries only: an extension whose URL ends `/constructor` is not one of ours.
    const canonical =
      key !== undefined && Object.hasOwn(GPC_EXTENSION_URL, key)
        ? GPC_EXTENSION_URL[key]
        : undefined;
    if (canonical === undefined) continue;
    out.push({ ...carryExtension(ctx, extension, container), url: canonical });
  }
  return out;
}

function carryExtension(
  ctx: MapContext,
  extension: JsonObject,
  container?: Stu3Resource,
): fhir4.Extension {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extension)) {
    if (key === 'valueReference') out[key] = r4Reference(ctx, value, container) ?? value;
    else if (key === 'extension')
      out[key] = objs(extension, 'extension').map((sub) => carryExtension(ctx, sub, container));
    else setJsonField(out, key, value);
  }
  return out as unknown as fhir4.Extension;
}

/** The codes of a CodeableConcept field. */
export function codesOfField(resource: unknown, key: string): string[] {
  return codesOf(obj(resource, key));
}

/** Copies `key[x]` choice fields (e.g. `onsetDateTime`, `onsetPeriod`) whose suffix is in `types`. */
export function choice(
  resource: unknown,
  key: string,
  types: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isJsonObject(resource)) return out;
  let names = CHOICE_NAMES.get(key);
  if (names === undefined) {
    names = new Map();
    CHOICE_NAMES.set(key, names);
  }
  for (const type of types) {
    let name = names.get(type);
    if (name === undefined) {
      name = `${key}${type}`;
      names.set(type, name);
    }
    const raw = resource[name];
    // A choice is one value; a supplier that sent a list of one (Medicus effectivePeriod) gives its first.
    const value: unknown = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

/**
 * The field names of each choice (`value` + `Quantity` → `valueQuantity`), made once: the keys and
 * types are the mappers' own constants, never a source's, so this stays a few dozen names.
 */
const CHOICE_NAMES = new Map<string, Map<string, string>>();

/** Sets a field of a mapped item being built, unless it is undefined (what `compact` leaves out). */
export function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/** Sets the `key[x]` choice fields `choice` would give, in the same order, on an item being built. */
export function putChoice(
  out: Record<string, unknown>,
  resource: unknown,
  key: string,
  types: readonly string[],
): void {
  const chosen = choice(resource, key, types);
  for (const name in chosen) out[name] = chosen[name];
}

/** A Coding with only a data-absent-reason, for R4 elements that are required but were not sent. */
export function absent(): { extension: fhir4.Extension[] } {
  return { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }] };
}

/** Removes undefined fields so mapped resources carry only what the practice sent. */
export function compact<T extends object>(value: T): T {
  const fields = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const field = fields[key];
    if (field === undefined) continue;
    setJsonField(out, key, field);
  }
  return out as T;
}

/** STU3 Timing → R4: `repeat.when` was one code in STU3 and is a list in R4. */
export function r4Timing(value: unknown): fhir4.Timing | undefined {
  if (!isJsonObject(value)) return undefined;
  const repeat = obj(value, 'repeat');
  const when = repeat?.['when'];
  if (repeat === undefined || typeof when !== 'string') return value;
  return { ...value, repeat: { ...repeat, when: [when] } } as fhir4.Timing;
}

/**
 * A Quantity whose `value` is a number, as R4 requires: a supplier's numeric string ("0.5") becomes
 * the number; any other value is left out (the unit and code are kept).
 */
export function r4Quantity(value: unknown): fhir4.Quantity | undefined {
  if (!isJsonObject(value)) return undefined;
  const raw = value['value'];
  if (raw === undefined || typeof raw === 'number') return value;
  const rest = Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'value'));
  const number =
    typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : undefined;
  return number === undefined ? rest : { ...rest, value: number };
}
