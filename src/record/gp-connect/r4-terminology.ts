/**
 * @module Gives mapped GP items R4's addresses for code systems and extensions: the HL7 code systems
 * that moved to `http://terminology.hl7.org/CodeSystem/…` between STU3 and R4, and the UK Core R4
 * extensions that replace GP Connect's STU3 (CareConnect) ones. An STU3 extension stays only where
 * R4 has none.
 */
import { extensionKey } from '../../sources/gp-connect/gpc-extensions.ts';
import { type JsonObject } from '../../sources/gp-connect/json-access.ts';
import { isJsonObject, setJsonField } from '../../shared/json-guards.ts';

const THO = 'http://terminology.hl7.org/CodeSystem/';
const HL7_FHIR = 'http://hl7.org/fhir/';
const UK_CORE_EXTENSION = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-';

/**
 * Code systems FHIR core defined in STU3 under `http://hl7.org/fhir/…` that R4 publishes under
 * terminology.hl7.org (R4 keeps only the required-binding ones, such as `administrative-gender`, at
 * the old address). Every `v2/NNNN` and `v3/Name` system moved too (see {@link r4CodeSystem}).
 */
const MOVED_TO_THO: ReadonlySet<string> = new Set([
  'observation-category',
  'data-absent-reason',
  'allergyintolerance-clinical',
  'allergyintolerance-verification',
  'condition-category',
  'condition-clinical',
  'condition-ver-status',
  'medication-statement-category',
  'medication-request-category',
  'medicationrequest-category',
  'diagnostic-service-sections',
  'immunization-origin',
  'immunization-recommendation-status',
  'list-empty-reason',
  'list-order',
  'referralstatus',
  'dose-rate-type',
  'consentscope',
  'consentcategorycodes',
  'audit-event-type',
  'provenance-participant-type',
  'encounter-participant-type',
]);

/** Code systems a supplier wrote as a web page's address, and the R4 code system they meant. */
const MISSPELLED: Readonly<Record<string, string>> = {
  // EMIS sends the Immunization performer role (AP, EP…) with the STU3 value set page as its system.
  'http://hl7.org/fhir/stu3/valueset-immunization-role.html': `${THO}v2-0443`,
};

/** GP Connect's own STU3 code systems with an R4 (UK Core) successor holding the same codes. */
const NHS_STU3_TO_UK_CORE: Readonly<Record<string, string>> = {
  'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1':
    'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
};

const KNOWN_SYSTEMS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(MISSPELLED),
  ...Object.entries(NHS_STU3_TO_UK_CORE),
]);

/** The R4 address of a code system, given the address an STU3 source wrote (unchanged when none). */
export function r4CodeSystem(system: string): string {
  const trimmed = system.trim();
  // Maps, not the literals: a system named `constructor` or `__proto__` is not a known one.
  const known = KNOWN_SYSTEMS.get(trimmed);
  if (known !== undefined) return known;
  // Most systems (SNOMED CT, dm+d, NHS identifiers) are not HL7's: no pattern to try.
  if (!trimmed.startsWith(HL7_FHIR)) return trimmed;
  const match =
    /^http:\/\/hl7\.org\/fhir\/(v2\/(\d{4})|v3\/([A-Za-z][A-Za-z0-9-]*)|([a-z][a-z0-9-]*))$/.exec(
      trimmed,
    );
  if (match === null) return trimmed;
  const [, , v2, v3, core] = match;
  if (v2 !== undefined) return `${THO}v2-${v2}`;
  if (v3 !== undefined) return `${THO}v3-${v3}`;
  if (core !== undefined && MOVED_TO_THO.has(core)) return `${THO}${core}`;
  return trimmed;
}

/** True for a code system address that STU3 used and R4 replaced (the test of "no STU3 left"). */
export function isStu3CodeSystem(system: string): boolean {
  return r4CodeSystem(system) !== system.trim();
}

/**
 * The UK Core R4 extension for each GP Connect / CareConnect STU3 extension (keyed by
 * `extensionKey`), with any sub-extensions R4 renamed. Every one of these exists in UK Core R4.
 */
const UK_CORE_EXTENSIONS: Readonly<
  Record<string, { readonly name: string; readonly renamed?: Readonly<Record<string, string>> }>
> = {
  problemsignificance: { name: 'ProblemSignificance' },
  actualproblem: { name: 'ActualProblem' },
  relatedclinicalcontent: { name: 'RelatedClinicalContent' },
  relatedproblemheader: { name: 'RelatedProblemHeader' },
  medicationstatementlastissuedate: { name: 'MedicationStatementLastIssueDate' },
  prescribingagency: { name: 'MedicationPrescribingAgency' },
  medicationrepeatinformation: {
    name: 'MedicationRepeatInformation',
    renamed: { numberofrepeatprescriptionsissued: 'numberOfPrescriptionsIssued' },
  },
  prescriptiontype: { name: 'PrescriptionType' },
  allergyintoleranceend: {
    name: 'AllergyIntoleranceEnd',
    renamed: { enddate: 'endDate', reasonended: 'reasonEnded' },
  },
  vaccinationprocedure: { name: 'VaccinationProcedure' },
  medicationquantitytext: { name: 'MedicationQuantityText' },
  nhsnumberverificationstatus: { name: 'NHSNumberVerificationStatus' },
  'coding-sctdescid': {
    name: 'CodingSCTDescId',
    renamed: { descriptionid: 'descriptionId', descriptiondisplay: 'descriptionDisplay' },
  },
};

/** The UK Core successor of an extension key: own entries only (a key `constructor` is none). */
function ukCoreExtension(key: string): (typeof UK_CORE_EXTENSIONS)[string] | undefined {
  return Object.hasOwn(UK_CORE_EXTENSIONS, key) ? UK_CORE_EXTENSIONS[key] : undefined;
}

/** The UK Core R4 URL for a GP Connect STU3 extension URL, or undefined when R4 has none. */
export function ukCoreExtensionUrl(stu3Url: string): string | undefined {
  const known = ukCoreExtension(extensionKey(stu3Url));
  return known === undefined ? undefined : `${UK_CORE_EXTENSION}${known.name}`;
}

/**
 * The mapped resource with R4 code system URLs and UK Core extensions throughout (contained
 * resources, codings inside extensions and all). GP Connect's repeat count "allowed" has no place in
 * UK Core's repeat extension: it becomes the MedicationRequest's `dispenseRequest.numberOfRepeatsAllowed`.
 * Copy on write: an object or array is copied only where something in it changes, and the rest is
 * shared with the input (a large record's codings mostly need no change). The input is never
 * changed, and neither the input nor the answer is changed later (the filter and the response copy).
 */
export function withR4Terminology<T extends fhir4.FhirResource>(resource: T): T {
  return rewrite(resource) as T;
}

function rewrite(value: unknown): unknown {
  // Strings, numbers and booleans (most of a record) are returned at once.
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return rewriteEach(value as readonly unknown[], rewrite);
  const object = value as JsonObject;
  let out: Record<string, unknown> | undefined;
  // `for…in` with an own-key check reads the same fields as Object.entries, in the same order,
  // without an array per field.
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const field = object[key];
    let next: unknown;
    if (key === 'system' && typeof field === 'string') next = r4CodeSystem(field);
    // A code with stray spaces (" 86290005") is not a valid R4 code, nor the code the practice meant.
    else if (key === 'code' && typeof field === 'string' && 'system' in object) next = field.trim();
    else if (key === 'extension' && Array.isArray(field))
      next = rewriteEach(field as readonly unknown[], rewriteExtension);
    else next = rewrite(field);
    if (next === field) continue;
    out ??= copyOf(object);
    setJsonField(out, key, next);
  }
  if (object['resourceType'] === 'MedicationRequest' && carriesRepeatsAllowed(out ?? object)) {
    out ??= copyOf(object);
    moveRepeatsAllowed(out);
  }
  return out ?? object;
}

/** The array itself when `each` changes none of its members, else a copy with the changed ones. */
function rewriteEach(values: readonly unknown[], each: (value: unknown) => unknown): unknown {
  let out: unknown[] | undefined;
  for (let index = 0; index < values.length; index++) {
    const next = each(values[index]);
    if (next === values[index]) continue;
    out ??= [...values];
    out[index] = next;
  }
  return out ?? values;
}

/** A shallow copy in the same key order (a `__proto__` key stays a field). */
function copyOf(value: JsonObject): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in value) if (Object.hasOwn(value, key)) setJsonField(copy, key, value[key]);
  return copy;
}

function rewriteExtension(extension: unknown): unknown {
  if (!isJsonObject(extension) || typeof extension['url'] !== 'string') return rewrite(extension);
  const known = ukCoreExtension(extensionKey(extension['url']));
  const inner = rewrite(extension) as JsonObject;
  if (known === undefined) return inner;
  const rewritten = inner === extension ? copyOf(extension) : (inner as Record<string, unknown>);
  rewritten['url'] = `${UK_CORE_EXTENSION}${known.name}`;
  const subs = rewritten['extension'];
  if (known.renamed !== undefined && Array.isArray(subs)) {
    const renamed = known.renamed;
    rewritten['extension'] = subs.map((sub: unknown) => {
      if (!isJsonObject(sub) || typeof sub['url'] !== 'string') return sub;
      const name = renamed[sub['url'].toLowerCase()];
      return name === undefined ? sub : { ...sub, url: name };
    });
  }
  return rewritten;
}

const REPEAT_URL = `${UK_CORE_EXTENSION}MedicationRepeatInformation`;

/** Whether {@link moveRepeatsAllowed} has anything to do: a UK Core repeat extension, or an empty list. */
function carriesRepeatsAllowed(request: JsonObject): boolean {
  const extensions = request['extension'];
  if (!Array.isArray(extensions)) return false;
  const list = extensions as unknown[];
  return (
    list.length === 0 ||
    list.some((extension) => isJsonObject(extension) && extension['url'] === REPEAT_URL)
  );
}

/** Moves the repeat count in place: `request` is a copy of the mapped one. */
function moveRepeatsAllowed(request: Record<string, unknown>): void {
  const extensions = request['extension'];
  if (!Array.isArray(extensions)) return;
  const kept: unknown[] = [];
  for (const extension of extensions as unknown[]) {
    if (!isJsonObject(extension) || extension['url'] !== REPEAT_URL) {
      kept.push(extension);
      continue;
    }
    const subs = Array.isArray(extension['extension']) ? (extension['extension'] as unknown[]) : [];
    const allowed = subs.find(
      (sub): sub is JsonObject =>
        isJsonObject(sub) &&
        String(sub['url']).toLowerCase() === 'numberofrepeatprescriptionsallowed',
    );
    const rest = subs.filter((sub) => sub !== allowed);
    // An extension with neither value nor sub-extensions is not valid FHIR: drop it when emptied.
    if (rest.length > 0) kept.push({ ...extension, extension: rest });
    const count = allowed?.['valueUnsignedInt'];
    const dispense = isJsonObject(request['dispenseRequest']) ? request['dispenseRequest'] : {};
    if (typeof count === 'number' && dispense['numberOfRepeatsAllowed'] === undefined) {
      request['dispenseRequest'] = { ...dispense, numberOfRepeatsAllowed: count };
    }
  }
  if (kept.length > 0) request['extension'] = kept;
  else delete request['extension'];
}
