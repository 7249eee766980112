/**
 * @module The facts a prescriber scans for in one medication: name, dose, quantity, last issued,
 * number of issues, prescriber, repeat or acute, status. Reads a GP Connect MedicationStatement
 * (authorisation and issues contained) or a hospital MedicationRequest; tolerates anything missing.
 */
import {
  codeableConceptText,
  formatDate,
  formatQuantity,
  humanise,
  referenceText,
} from './fhir-display.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** What the medication list shows for one medicine; '' for what the source did not say. */
export interface MedicationFacts {
  readonly dose: string;
  readonly quantity: string;
  /** Formatted date of the latest issue (prescription). */
  readonly lastIssued: string;
  /** Raw date of the latest issue, for ordering. */
  readonly lastIssuedRaw?: string;
  /** How many times it has been issued, when the source said. */
  readonly issues?: number;
  readonly prescriber: string;
  /** `Repeat`, `Acute`, `Repeat dispensing`, `Discharge`, …; '' when unknown. */
  readonly course: string;
  readonly prescribingAgency: string;
  /** Authorised repeats, e.g. `4 of 12 issued`. */
  readonly repeats: string;
}

type Json = Record<string, unknown>;

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The first extension whose URL contains `name` (suppliers vary the URL's host and version). */
function extension(element: unknown, name: string): Json | undefined {
  if (!isJsonObject(element)) return undefined;
  return list(element['extension'])
    .filter(isJsonObject)
    .find((ext) => String(ext['url']).toLowerCase().includes(name.toLowerCase()));
}

function subExtension(element: Json | undefined, url: string): Json | undefined {
  return list(element?.['extension'])
    .filter(isJsonObject)
    .find((ext) => ext['url'] === url);
}

function extensionText(ext: Json | undefined): string | undefined {
  if (ext === undefined) return undefined;
  return (
    text(ext['valueString']) ??
    text(ext['valueCode']) ??
    codeableConceptText(ext['valueCodeableConcept']) ??
    text(ext['valueDateTime']) ??
    text(ext['valueDate'])
  );
}

function extensionNumber(ext: Json | undefined): number | undefined {
  if (ext === undefined) return undefined;
  for (const key of ['valueUnsignedInt', 'valuePositiveInt', 'valueInteger', 'valueDecimal']) {
    const value = ext[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** A dosage's words: its text, else its patient instruction. */
export function dosageWords(dosages: unknown): string {
  return list(dosages)
    .filter(isJsonObject)
    .map((dosage) => text(dosage['text']) ?? text(dosage['patientInstruction']))
    .filter((part): part is string => part !== undefined)
    .join('; ');
}

function contained(resource: Json, id: string | undefined): Json | undefined {
  if (id === undefined) return undefined;
  const wanted = id.startsWith('#') ? id.slice(1) : id;
  return list(resource['contained'])
    .filter(isJsonObject)
    .find((item) => item['id'] === wanted);
}

function requestsOf(resource: Json, field: 'basedOn' | 'derivedFrom'): Json[] {
  return list(resource[field])
    .filter(isJsonObject)
    .map((reference) => contained(resource, text(reference['reference'])))
    .filter((found): found is Json => found?.['resourceType'] === 'MedicationRequest');
}

function quantityOf(request: Json | undefined): string {
  if (request === undefined) return '';
  const dispense = isJsonObject(request['dispenseRequest']) ? request['dispenseRequest'] : {};
  const quantityText = extensionText(extension(request, 'medicationquantitytext'));
  const quantity = formatQuantity(dispense['quantity']);
  if (quantity !== '' && quantityText !== undefined && !quantity.includes(quantityText)) {
    return `${quantity} (${quantityText})`;
  }
  return quantity !== '' ? quantity : (quantityText ?? '');
}

function courseOf(request: Json | undefined, resource: Json): string {
  const type = extensionText(extension(request, 'prescriptiontype'));
  if (type !== undefined) return humanise(type);
  const course = codeableConceptText(request?.['courseOfTherapyType']);
  if (course !== undefined) return humanise(course);
  const category = list(resource['category'])
    .map((concept) => codeableConceptText(concept))
    .find((words) => words !== undefined);
  return category === undefined
    ? (codeableConceptText(resource['category']) ?? '')
    : humanise(category);
}

function repeatsOf(plan: Json | undefined): string {
  const repeat = extension(plan, 'medicationrepeatinformation');
  // UK Core R4 keeps the number allowed on dispenseRequest and renamed the number issued.
  const dispense = isJsonObject(plan?.['dispenseRequest']) ? plan['dispenseRequest'] : {};
  const allowedRaw = dispense['numberOfRepeatsAllowed'];
  const allowed =
    extensionNumber(subExtension(repeat, 'numberOfRepeatPrescriptionsAllowed')) ??
    (typeof allowedRaw === 'number' ? allowedRaw : undefined);
  const issued =
    extensionNumber(subExtension(repeat, 'numberOfPrescriptionsIssued')) ??
    extensionNumber(subExtension(repeat, 'numberOfRepeatPrescriptionsIssued'));
  if (allowed !== undefined && issued !== undefined) return `${issued} of ${allowed} issued`;
  if (allowed !== undefined) return `${allowed} allowed`;
  return '';
}

/** The facts for one MedicationStatement or MedicationRequest. Never throws on odd input. */
export function medicationFacts(resource: unknown): MedicationFacts {
  const r = isJsonObject(resource) ? resource : {};
  const isRequest = r['resourceType'] === 'MedicationRequest';
  const plan = isRequest ? r : requestsOf(r, 'basedOn')[0];
  const issues = isRequest ? [] : requestsOf(r, 'derivedFrom');
  const latestIssue = issues
    .map((issue) => text(issue['authoredOn']))
    .filter((date): date is string => date !== undefined)
    .sort()
    .at(-1);
  const lastIssuedRaw =
    extensionText(extension(r, 'medicationstatementlastissuedate')) ?? latestIssue;
  const issueCount =
    extensionNumber(extension(r, 'gpc-number-of-issues')) ??
    (issues.length > 0 ? issues.length : undefined);
  const latestIssueRequest = issues.find((issue) => text(issue['authoredOn']) === latestIssue);
  const dose =
    dosageWords(isRequest ? r['dosageInstruction'] : r['dosage']) ||
    dosageWords(plan?.['dosageInstruction']);
  const quantity = quantityOf(isRequest ? r : (latestIssueRequest ?? plan));
  return {
    dose,
    quantity,
    lastIssued: formatDate(lastIssuedRaw),
    ...(lastIssuedRaw === undefined ? {} : { lastIssuedRaw }),
    ...(issueCount === undefined ? {} : { issues: issueCount }),
    prescriber: referenceText(plan?.['requester']) ?? referenceText(plan?.['recorder']) ?? '',
    course: courseOf(plan, r),
    prescribingAgency: extensionText(extension(r, 'prescribingagency')) ?? '',
    repeats: repeatsOf(plan),
  };
}
