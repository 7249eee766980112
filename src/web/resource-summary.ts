/**
 * @module What a clinician reads for one FHIR R4 resource: a title, its key facts, flags and
 * dates. Pure and defensive: an unknown or broken resource falls back to its type and id.
 */
import {
  annotationText,
  codeableConceptText,
  conceptWords,
  conceptListText,
  formatDate,
  formatDateTime,
  formatPeriod,
  formatQuantity,
  formatRange,
  formatRatio,
  formatReferenceRange,
  humanise,
  interpretation,
  referenceText,
} from './fhir-display.ts';
import { medicationFacts } from './medication-facts.ts';
import { isJsonObject } from '../shared/json-guards.ts';

export type Tone = 'neutral' | 'good' | 'warning' | 'alert';

/** A short marker shown beside an item (status, abnormal result, not given…). */
export interface ItemFlag {
  readonly text: string;
  readonly tone: Tone;
}

/** One fact about an item, e.g. `{ label: 'Dosage', value: 'One tablet daily' }`. */
export interface ItemDetail {
  readonly label: string;
  readonly value: string;
}

/** Everything the record page shows for one resource. */
export interface ItemSummary {
  /** What kind of entry this is, in words (`Medication statement`, `Test result`). */
  readonly kind: string;
  readonly title: string;
  /** A result's value, shown beside the title. */
  readonly value?: string;
  /** The date the clinician scans for, already formatted; '' when none. */
  readonly date: string;
  /** The raw FHIR date used to order items, newest first. */
  readonly sortDate?: string;
  readonly details: readonly ItemDetail[];
  readonly flags: readonly ItemFlag[];
  /** Resolved, ended, stopped or entered in error: shown apart from current items. */
  readonly inactive: boolean;
}

/** Finds another resource by reference (`#id` for contained, `Type/id` elsewhere in the record). */
export type ResolveReference = (reference: string, sourceId?: string) => unknown;

type Json = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function first(value: unknown): unknown {
  return list(value)[0];
}

/** The value when it is an object, else an empty one: its fields then read as absent. */
function object(value: unknown): Json {
  return isJsonObject(value) ? value : {};
}

/** The people or places a list of references names, joined: `Dr A Smith, Leeds General`. */
function names(references: unknown): string {
  return list(references)
    .map(referenceText)
    .filter((t) => t !== undefined)
    .join(', ');
}

function statusCode(concept: unknown): string | undefined {
  if (!isJsonObject(concept)) return text(concept);
  for (const coding of list(concept['coding'])) {
    const code = isJsonObject(coding) ? text(coding['code']) : undefined;
    if (code !== undefined) return code.toLowerCase();
  }
  return text(concept['text'])?.toLowerCase();
}

class Builder {
  readonly details: ItemDetail[] = [];
  readonly flags: ItemFlag[] = [];

  add(label: string, value: string | undefined): void {
    if (value !== undefined && value !== '') this.details.push({ label, value });
  }

  flag(textValue: string | undefined, tone: Tone): void {
    if (textValue !== undefined && textValue !== '') this.flags.push({ text: textValue, tone });
  }
}

const INACTIVE_STATUSES = new Set([
  'resolved',
  'inactive',
  'remission',
  'completed',
  'stopped',
  'cancelled',
  'entered-in-error',
  'not-taken',
  'refuted',
  'revoked',
  'finished',
  'ended',
]);

function statusFlag(b: Builder, status: string | undefined): boolean {
  if (status === undefined) return false;
  const tone: Tone =
    status === 'entered-in-error' || status === 'refuted'
      ? 'alert'
      : status === 'active'
        ? 'good'
        : 'neutral';
  b.flag(humanise(status), tone);
  return INACTIVE_STATUSES.has(status);
}

function choice(resource: Json, prefix: string, withTime = false): string {
  const format = withTime ? formatDateTime : formatDate;
  const dateTime = format(resource[`${prefix}DateTime`]);
  if (dateTime !== '') return dateTime;
  const period = formatPeriod(resource[`${prefix}Period`], withTime);
  if (period !== '') return period;
  const age = formatQuantity(resource[`${prefix}Age`]);
  if (age !== '') return `Age ${age}`;
  return text(resource[`${prefix}String`]) ?? '';
}

function choiceSortDate(resource: Json, prefix: string): string | undefined {
  const period = resource[`${prefix}Period`];
  return (
    text(resource[`${prefix}DateTime`]) ??
    (isJsonObject(period) ? (text(period['start']) ?? text(period['end'])) : undefined)
  );
}

function medicationName(resource: Json, resolve: ResolveReference | undefined): string | undefined {
  const fromConcept = codeableConceptText(resource['medicationCodeableConcept']);
  if (fromConcept !== undefined) return fromConcept;
  const reference = resource['medicationReference'];
  const target = isJsonObject(reference) ? text(reference['reference']) : undefined;
  if (target !== undefined) {
    const found =
      target.startsWith('#') && Array.isArray(resource['contained'])
        ? (resource['contained'] as unknown[]).find(
            (c) => isJsonObject(c) && `#${String(c['id'])}` === target,
          )
        : resolve?.(target);
    if (isJsonObject(found)) {
      const name = codeableConceptText(found['code']);
      if (name !== undefined) return name;
    }
  }
  return referenceText(reference);
}

function dosageText(dosages: unknown): string {
  return list(dosages)
    .map((dosage) => {
      if (!isJsonObject(dosage)) return undefined;
      const written = text(dosage['text']) ?? text(dosage['patientInstruction']);
      if (written !== undefined) return written;
      const doseAndRate = first(dosage['doseAndRate']);
      const dose = isJsonObject(doseAndRate)
        ? formatQuantity(doseAndRate['doseQuantity']) || formatRange(doseAndRate['doseRange'])
        : '';
      const timing = object(dosage['timing']);
      const repeat = object(timing['repeat']);
      const frequency = typeof repeat['frequency'] === 'number' ? repeat['frequency'] : undefined;
      const period = typeof repeat['period'] === 'number' ? repeat['period'] : undefined;
      const unit = text(repeat['periodUnit']);
      const how =
        frequency !== undefined && period !== undefined && unit !== undefined
          ? `${frequency} times every ${period} ${unit}`
          : (codeableConceptText(timing['code']) ?? '');
      const route = codeableConceptText(dosage['route']) ?? '';
      return [dose, how, route].filter((part) => part !== '').join(', ') || undefined;
    })
    .filter((part): part is string => part !== undefined)
    .join('; ');
}

/** When the resource's `period` began (raw FHIR), if it has one. */
function periodStart(r: Json): unknown {
  return object(r['period'])['start'];
}

/**
 * The date an entry of a type without its own rule is dated by: its date, when it was performed,
 * when its period began, or when it was authored, recorded or created (raw FHIR).
 */
function otherTypeDate(r: Json): string | undefined {
  return (
    text(r['date']) ??
    choiceSortDate(r, 'performed') ??
    text(periodStart(r)) ??
    text(r['authored']) ??
    text(r['recordedDate']) ??
    text(r['created'])
  );
}

function summariseMedication(
  r: Json,
  b: Builder,
  resolve: ResolveReference | undefined,
): Partial<ItemSummary> {
  const isRequest = r['resourceType'] === 'MedicationRequest';
  const facts = medicationFacts(r);
  b.add('Dose', facts.dose || dosageText(isRequest ? r['dosageInstruction'] : r['dosage']));
  b.add('Quantity', facts.quantity);
  statusFlag(b, text(r['status']));
  if (facts.course !== '') b.flag(facts.course, 'neutral');
  let date: string;
  if (isRequest) {
    const intent = text(r['intent']);
    if (intent !== 'order') b.flag(intent === 'plan' ? 'Plan' : humanise(intent), 'neutral');
    const dispense = object(r['dispenseRequest']);
    b.add('Valid', formatPeriod(dispense['validityPeriod']));
    b.add('Prescriber', facts.prescriber);
    date = formatDate(r['authoredOn']);
    b.add('Prescribed', date);
  } else {
    date = choice(r, 'effective');
    b.add('Last issued', facts.lastIssued);
    b.add('Number of issues', facts.issues === undefined ? undefined : String(facts.issues));
    b.add('Repeats', facts.repeats);
    b.add('Prescriber', facts.prescriber);
    b.add('Prescribed by', facts.prescribingAgency);
    b.add('Started', date);
    b.add('Reason', conceptListText(r['reasonCode']));
  }
  b.add('Notes', annotationText(r['note']));
  return {
    kind: isRequest ? 'Prescription' : 'Medication',
    title: medicationName(r, resolve),
    date: facts.lastIssued !== '' ? `Last issued ${facts.lastIssued}` : date,
  };
}

function summariseAllergy(r: Json, b: Builder): Partial<ItemSummary> {
  const clinical = statusCode(r['clinicalStatus']);
  const verification = statusCode(r['verificationStatus']);
  statusFlag(b, clinical);
  if (verification === 'entered-in-error' || verification === 'refuted')
    statusFlag(b, verification);
  const reactions = list(r['reaction']).filter(isJsonObject);
  b.add(
    'Reaction',
    reactions
      .map((reaction) => conceptListText(reaction['manifestation']))
      .filter((t) => t !== '')
      .join('; '),
  );
  const severity = reactions
    .map((reaction) => text(reaction['severity']))
    .find((s) => s !== undefined);
  if (severity === 'severe') b.flag('Severe reaction', 'alert');
  b.add('Severity', humanise(severity));
  const criticality = text(r['criticality']);
  if (criticality === 'high') b.flag('High criticality', 'alert');
  b.add('Criticality', humanise(criticality));
  b.add(
    'Type',
    [humanise(r['type']), ...list(r['category']).map(humanise)].filter((t) => t !== '').join(', '),
  );
  b.add('Onset', choice(r, 'onset'));
  b.add('Recorded', formatDate(r['recordedDate']));
  const end = list(r['extension']).find(
    (ext) =>
      isJsonObject(ext) && String(ext['url']).toLowerCase().includes('allergyintoleranceend'),
  );
  const endParts = isJsonObject(end) ? list(end['extension']).filter(isJsonObject) : [];
  const endDate = endParts.find((part) => part['url'] === 'endDate');
  const endReason = endParts.find((part) => part['url'] === 'reasonEnded');
  b.add('Ended', formatDate(endDate?.['valueDateTime'] ?? endDate?.['valueDate']));
  b.add('Why ended', text(endReason?.['valueString']));
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Allergy or intolerance',
    title: codeableConceptText(r['code']) ?? conceptListText(reactions[0]?.['substance']),
    date: formatDate(r['recordedDate']) || choice(r, 'onset'),
  };
}

function extensionValue(r: Json, urlEnding: string): string | undefined {
  for (const extension of list(r['extension'])) {
    if (isJsonObject(extension) && String(extension['url']).toLowerCase().includes(urlEnding)) {
      return text(extension['valueCode']) ?? codeableConceptText(extension['valueCodeableConcept']);
    }
  }
  return undefined;
}

function summariseCondition(r: Json, b: Builder): Partial<ItemSummary> {
  statusFlag(b, statusCode(r['clinicalStatus']));
  const verification = statusCode(r['verificationStatus']);
  if (verification !== undefined && verification !== 'confirmed') statusFlag(b, verification);
  const significance = extensionValue(r, 'problemsignificance');
  if (significance?.toLowerCase() === 'major') b.flag('Major', 'warning');
  b.add('Significance', humanise(significance));
  b.add('Onset', choice(r, 'onset'));
  b.add('Ended', choice(r, 'abatement'));
  b.add('Severity', codeableConceptText(r['severity']));
  b.add('Body site', conceptListText(r['bodySite']));
  b.add('Category', conceptListText(r['category']));
  b.add('Recorded', formatDate(r['recordedDate']));
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Problem or diagnosis',
    title: codeableConceptText(r['code']),
    date: choice(r, 'onset') || formatDate(r['recordedDate']),
  };
}

function observationValue(r: Json): string {
  return (
    formatQuantity(r['valueQuantity']) ||
    (codeableConceptText(r['valueCodeableConcept']) ?? '') ||
    (text(r['valueString']) ?? '') ||
    (typeof r['valueBoolean'] === 'boolean' ? (r['valueBoolean'] ? 'Yes' : 'No') : '') ||
    (typeof r['valueInteger'] === 'number' ? String(r['valueInteger']) : '') ||
    formatRange(r['valueRange']) ||
    formatRatio(r['valueRatio']) ||
    formatDateTime(r['valueDateTime']) ||
    formatPeriod(r['valuePeriod']) ||
    (text(r['valueTime']) ?? '')
  );
}

function summariseObservation(r: Json, b: Builder): Partial<ItemSummary> {
  const components = list(r['component'])
    .filter(isJsonObject)
    .map((component) => {
      const name = codeableConceptText(component['code']) ?? 'Component';
      const value = observationValue(component);
      return value === '' ? undefined : `${name} ${value}`;
    })
    .filter((part): part is string => part !== undefined);
  const value = observationValue(r) || components.join(', ');
  const absent = codeableConceptText(r['dataAbsentReason']);
  b.add('Reference range', formatReferenceRange(r['referenceRange']));
  const meaning = interpretation(r['interpretation']);
  if (meaning !== undefined) b.flag(meaning.text, meaning.abnormal ? 'alert' : 'good');
  const status = text(r['status']);
  if (status !== undefined && status !== 'final') statusFlag(b, status);
  b.add('No value because', absent);
  b.add('Category', conceptListText(r['category']));
  b.add('Performed by', names(r['performer']));
  const issued = formatDateTime(r['issued']);
  if (issued !== choice(r, 'effective', true)) b.add('Issued', issued);
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Observation or result',
    title: codeableConceptText(r['code']),
    value: value === '' ? undefined : value,
    date: choice(r, 'effective', true) || formatDateTime(r['issued']),
  };
}

function summariseReport(r: Json, b: Builder): Partial<ItemSummary> {
  const status = text(r['status']);
  if (status !== 'final') statusFlag(b, status);
  b.add('Conclusion', text(r['conclusion']) ?? conceptListText(r['conclusionCode']));
  const results = list(r['result']).length;
  if (results > 0) b.add('Results', `${results} result${results === 1 ? '' : 's'}`);
  b.add('Performed by', names(r['performer']));
  b.add('Issued', formatDateTime(r['issued']));
  return {
    kind: 'Test report',
    title: codeableConceptText(r['code']),
    date: choice(r, 'effective') || formatDate(r['issued']),
  };
}

const ENCOUNTER_CLASSES: Readonly<Record<string, string>> = {
  AMB: 'Outpatient or clinic',
  IMP: 'Inpatient',
  EMER: 'Emergency',
  HH: 'Home visit',
  VR: 'Virtual (telephone or video)',
  SS: 'Short stay',
  ACUTE: 'Inpatient (acute)',
  NONAC: 'Inpatient (non-acute)',
  PRENC: 'Pre-admission',
  OBSENC: 'Observation',
  FLD: 'Field visit',
};

function summariseEncounter(r: Json, b: Builder): Partial<ItemSummary> {
  const klass = r['class'];
  const classCode = isJsonObject(klass) ? text(klass['code']) : undefined;
  const className =
    (isJsonObject(klass) ? text(klass['display']) : undefined) ??
    (classCode === undefined
      ? undefined
      : (ENCOUNTER_CLASSES[classCode.toUpperCase()] ?? classCode));
  if (text(r['status']) !== 'finished') statusFlag(b, text(r['status']));
  b.add('Class', className);
  b.add('When', formatPeriod(r['period'], true));
  b.add('Service', codeableConceptText(r['serviceType']));
  b.add('Reason', conceptListText(r['reasonCode']));
  b.add(
    'Clinician',
    [
      ...new Set(
        list(r['participant'])
          .map((p) => (isJsonObject(p) ? referenceText(p['individual']) : undefined))
          .filter((t) => t !== undefined),
      ),
    ].join(', '),
  );
  b.add(
    'Location',
    list(r['location'])
      .map((l) => (isJsonObject(l) ? referenceText(l['location']) : undefined))
      .filter((t) => t !== undefined)
      .join(', '),
  );
  b.add('Organisation', referenceText(r['serviceProvider']));
  return {
    kind: 'Encounter',
    title: conceptListText(r['type']) || codeableConceptText(r['serviceType']) || className,
    date: formatDate(periodStart(r)),
  };
}

function summariseImmunization(r: Json, b: Builder): Partial<ItemSummary> {
  const status = text(r['status']);
  if (status === 'not-done') {
    b.flag('Not given', 'warning');
    b.add('Why not given', codeableConceptText(r['statusReason']));
  } else if (status !== 'completed') statusFlag(b, status);
  const protocol = first(r['protocolApplied']);
  if (isJsonObject(protocol)) {
    const dose = protocol['doseNumberPositiveInt'] ?? protocol['doseNumberString'];
    b.add('Dose', typeof dose === 'number' ? String(dose) : text(dose));
    b.add('Against', conceptListText(protocol['targetDisease']));
  }
  b.add('Batch', text(r['lotNumber']));
  b.add('Site', codeableConceptText(r['site']));
  b.add('Route', codeableConceptText(r['route']));
  b.add('Manufacturer', referenceText(r['manufacturer']));
  b.add('Notes', annotationText(r['note']));
  const when = formatDate(r['occurrenceDateTime']) || (text(r['occurrenceString']) ?? '');
  return {
    kind: 'Immunisation',
    title: codeableConceptText(r['vaccineCode']),
    date: when,
  };
}

function summariseServiceRequest(r: Json, b: Builder): Partial<ItemSummary> {
  statusFlag(b, text(r['status']));
  const priority = text(r['priority']);
  if (priority !== undefined && priority !== 'routine') b.flag(humanise(priority), 'warning');
  b.add('Requested by', referenceText(r['requester']));
  b.add('Referred to', names(r['performer']));
  b.add('Reason', conceptListText(r['reasonCode']));
  b.add('Category', conceptListText(r['category']));
  b.add('When', choice(r, 'occurrence'));
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Referral or request',
    // Words first (the request's, then its category's); a code only when nothing has words.
    title:
      conceptWords(r['code']) ??
      (conceptListText(r['category']) || undefined) ??
      codeableConceptText(r['code']),
    date: formatDate(r['authoredOn']),
  };
}

/** A document's (first) attachment: its file's title, type and creation date. */
function attachmentOf(r: Json): Json {
  return object(object(first(r['content']))['attachment']);
}

function summariseDocument(r: Json, b: Builder): Partial<ItemSummary> {
  const status = text(r['status']);
  if (status !== 'current') statusFlag(b, status);
  const attached = attachmentOf(r);
  b.add('Description', text(r['description']));
  b.add('Author', names(r['author']));
  b.add('Held by', referenceText(r['custodian']));
  b.add('Category', conceptListText(r['category']));
  b.add(
    'File',
    [text(attached['title']), text(attached['contentType'])]
      .filter((t) => t !== undefined)
      .join(', '),
  );
  const context = object(r['context']);
  b.add('Covers', formatPeriod(context['period']));
  return {
    kind: 'Document',
    title: codeableConceptText(r['type']) ?? text(r['description']) ?? text(attached['title']),
    date: formatDate(r['date']) || formatDate(attached['creation']),
  };
}

function summariseCarePlan(r: Json, b: Builder): Partial<ItemSummary> {
  statusFlag(b, text(r['status']));
  b.add('Description', text(r['description']));
  b.add('Category', conceptListText(r['category']));
  b.add('Covers', formatPeriod(r['period']));
  b.add('Author', referenceText(r['author']));
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Care plan',
    title: text(r['title']) ?? (conceptListText(r['category']) || text(r['description'])),
    date: formatDate(r['created']) || formatDate(periodStart(r)),
  };
}

function summariseCareTeam(r: Json, b: Builder): Partial<ItemSummary> {
  if (text(r['status']) !== 'active') statusFlag(b, text(r['status']));
  for (const participant of list(r['participant']).filter(isJsonObject)) {
    const role = conceptListText(participant['role']);
    const who = referenceText(participant['member']) ?? 'Not named';
    const team = referenceText(participant['onBehalfOf']);
    b.add(role === '' ? 'Member' : role, team === undefined ? who : `${who} (${team})`);
  }
  b.add('Covers', formatPeriod(r['period']));
  b.add('Organisation', names(r['managingOrganization']));
  b.add('Notes', annotationText(r['note']));
  return {
    kind: 'Care team',
    title: text(r['name']) ?? (conceptListText(r['category']) || 'Care team'),
    date: formatDate(periodStart(r)),
  };
}

function summariseEpisode(r: Json, b: Builder, resolve?: ResolveReference): Partial<ItemSummary> {
  statusFlag(b, text(r['status']));
  b.add('Covers', formatPeriod(r['period']));
  b.add('Organisation', referenceText(r['managingOrganization']));
  b.add('Care manager', referenceText(r['careManager']));
  const teams = list(r['team'])
    .filter(isJsonObject)
    .map((reference) => {
      const target = text(reference['reference']);
      const found = target === undefined ? undefined : resolve?.(target);
      return referenceText(reference) ?? (isJsonObject(found) ? text(found['name']) : undefined);
    })
    .filter((t) => t !== undefined);
  b.add('Care team', teams.join(', '));
  return {
    kind: 'Episode of care',
    title: conceptListText(r['type']) || 'Episode of care',
    date: formatDate(periodStart(r)),
  };
}

function summariseFlag(r: Json, b: Builder): Partial<ItemSummary> {
  const status = text(r['status']);
  if (status === 'active') b.flag('Active', 'alert');
  else statusFlag(b, status);
  b.add('Category', conceptListText(r['category']));
  b.add('Covers', formatPeriod(r['period']));
  b.add('Raised by', referenceText(r['author']));
  return {
    kind: 'Alert',
    title: codeableConceptText(r['code']),
    date: formatDate(periodStart(r)),
  };
}

function summariseGeneric(r: Json, b: Builder, kind: string): Partial<ItemSummary> {
  statusFlag(b, text(r['status']) ?? statusCode(r['clinicalStatus']));
  b.add('Category', conceptListText(r['category']));
  b.add('Covers', formatPeriod(r['period']));
  b.add('Performed', choice(r, 'performed'));
  b.add('Organisation', referenceText(r['managingOrganization']));
  b.add('Author', names(r['author']));
  b.add('Description', text(r['description']));
  b.add('Notes', annotationText(r['note']));
  return {
    kind,
    title:
      text(r['title']) ??
      codeableConceptText(r['code']) ??
      (conceptListText(r['type']) || undefined) ??
      codeableConceptText(r['vaccineCode']),
    date: formatDate(otherTypeDate(r)),
  };
}

/** The kind of entry in words: `MedicationStatement` → `Medication statement`. */
export function resourceKind(resourceType: unknown): string {
  return humanise(resourceType) || 'Entry';
}

function fallbackTitle(resource: unknown): string {
  if (!isJsonObject(resource)) return 'Unreadable entry';
  const type = text(resource['resourceType']) ?? 'Entry';
  const id = text(resource['id']);
  return id === undefined ? type : `${type} ${id}`;
}

/**
 * Summarises one FHIR R4 resource for display. Never throws: anything unexpected gives the
 * resource type and id as the title.
 */
export function summariseResource(resource: unknown, resolve?: ResolveReference): ItemSummary {
  const b = new Builder();
  try {
    if (!isJsonObject(resource)) throw new TypeError('not an object');
    const type = text(resource['resourceType']);
    let part: Partial<ItemSummary>;
    switch (type) {
      case 'MedicationStatement':
      case 'MedicationRequest':
        part = summariseMedication(resource, b, resolve);
        break;
      case 'AllergyIntolerance':
        part = summariseAllergy(resource, b);
        break;
      case 'Condition':
        part = summariseCondition(resource, b);
        break;
      case 'Observation':
        part = summariseObservation(resource, b);
        break;
      case 'DiagnosticReport':
        part = summariseReport(resource, b);
        break;
      case 'Encounter':
        part = summariseEncounter(resource, b);
        break;
      case 'Immunization':
        part = summariseImmunization(resource, b);
        break;
      case 'ServiceRequest':
        part = summariseServiceRequest(resource, b);
        break;
      case 'DocumentReference':
        part = summariseDocument(resource, b);
        break;
      case 'CarePlan':
        part = summariseCarePlan(resource, b);
        break;
      case 'CareTeam':
        part = summariseCareTeam(resource, b);
        break;
      case 'EpisodeOfCare':
        part = summariseEpisode(resource, b, resolve);
        break;
      case 'Flag':
        part = summariseFlag(resource, b);
        break;
      case undefined:
      default:
        part = summariseGeneric(resource, b, resourceKind(type));
    }
    const { sortDate, inactive } = triageResource(resource);
    return {
      kind: part.kind ?? resourceKind(type),
      title: part.title !== undefined && part.title !== '' ? part.title : fallbackTitle(resource),
      ...(part.value === undefined ? {} : { value: part.value }),
      date: part.date ?? '',
      ...(sortDate === undefined ? {} : { sortDate }),
      details: b.details,
      flags: b.flags,
      inactive,
    };
  } catch {
    return {
      kind: isJsonObject(resource) ? resourceKind(resource['resourceType']) : 'Entry',
      title: fallbackTitle(resource),
      date: '',
      details: [],
      flags: [],
      inactive: false,
    };
  }
}

/** True when the item carries one of our GP Connect marks (`ended-allergy`, `uncategorised`, …). */
export function hasTag(resource: unknown, code: string): boolean {
  if (!isJsonObject(resource) || !isJsonObject(resource['meta'])) return false;
  return list(resource['meta']['tag']).some(
    (tag) =>
      isJsonObject(tag) &&
      tag['code'] === code &&
      String(tag['system']).includes('gp-connect-item'),
  );
}

/** What a section needs of every item before any is drawn: where it sorts, and whether it is current. */
export interface Triage {
  /** The raw FHIR date the item sorts by. */
  readonly sortDate?: string;
  /** `sortDate` as epoch milliseconds, when it parses. */
  readonly time?: number;
  /** Resolved, ended, stopped or entered in error: shown apart from current items. */
  readonly inactive: boolean;
  /** Shown before items of a higher rank whatever their dates (a major problem: 0). */
  readonly rank: number;
}

function triageRank(r: Json): number {
  if (r['resourceType'] !== 'Condition') return 1;
  return extensionValue(r, 'problemsignificance')?.toLowerCase() === 'major' ? 0 : 1;
}

function triageDate(r: Json): string | undefined {
  switch (r['resourceType']) {
    case 'MedicationRequest':
      return text(r['authoredOn']);
    case 'ServiceRequest':
      return text(r['authoredOn']) ?? choiceSortDate(r, 'occurrence');
    case 'MedicationStatement':
      return (
        medicationFacts(r).lastIssuedRaw ??
        choiceSortDate(r, 'effective') ??
        text(r['dateAsserted'])
      );
    case 'AllergyIntolerance':
      return text(r['recordedDate']) ?? choiceSortDate(r, 'onset');
    case 'Condition':
      return choiceSortDate(r, 'onset') ?? text(r['recordedDate']);
    case 'Observation':
    case 'DiagnosticReport':
      return choiceSortDate(r, 'effective') ?? text(r['issued']);
    case 'Encounter':
      return text(periodStart(r));
    case 'Immunization':
      return text(r['occurrenceDateTime']) ?? text(r['recorded']);
    case 'DocumentReference':
      return text(r['date']) ?? text(attachmentOf(r)['creation']);
    case 'CarePlan':
      return text(r['created']) ?? text(periodStart(r));
    default:
      return otherTypeDate(r);
  }
}

const ERROR_STATUSES = new Set(['entered-in-error', 'cancelled']);

function triageInactive(r: Json): boolean {
  const status = text(r['status']);
  switch (r['resourceType']) {
    case 'AllergyIntolerance':
    case 'Condition': {
      if (hasTag(r, 'ended-allergy')) return true;
      const verification = statusCode(r['verificationStatus']);
      if (verification === 'entered-in-error' || verification === 'refuted') return true;
      const clinical = statusCode(r['clinicalStatus']);
      return clinical !== undefined && INACTIVE_STATUSES.has(clinical);
    }
    case 'Observation':
    case 'DiagnosticReport':
    case 'Encounter':
      return status !== undefined && ERROR_STATUSES.has(status);
    case 'Immunization':
      return status === 'entered-in-error' || status === 'not-done';
    case 'DocumentReference':
      return status === 'entered-in-error' || status === 'superseded';
    default: {
      const code = status ?? statusCode(r['clinicalStatus']);
      return code !== undefined && INACTIVE_STATUSES.has(code);
    }
  }
}

/**
 * The cheap part of summarising, for every item in a section, so a section of thousands
 * can be ordered and split without formatting items that are never drawn. Never throws.
 */
export function triageResource(resource: unknown): Triage {
  if (!isJsonObject(resource)) return { inactive: false, rank: 1 };
  try {
    const sortDate = triageDate(resource);
    const time = sortDate === undefined ? Number.NaN : Date.parse(sortDate);
    return {
      ...(sortDate === undefined ? {} : { sortDate }),
      ...(Number.isNaN(time) ? {} : { time }),
      inactive: triageInactive(resource),
      rank: triageRank(resource),
    };
  } catch {
    return { inactive: false, rank: 1 };
  }
}

/**
 * Orders items by rank (major problems first), then newest first; undated or unreadable dates
 * last (a stable sort keeps their order).
 */
export function compareNewestFirst(
  a: Pick<Triage, 'time'> & { readonly rank?: number },
  b: Pick<Triage, 'time'> & { readonly rank?: number },
): number {
  const byRank = (a.rank ?? 1) - (b.rank ?? 1);
  if (byRank !== 0) return byRank;
  if (a.time === b.time) return 0;
  if (a.time === undefined) return 1;
  if (b.time === undefined) return -1;
  return b.time - a.time;
}

/**
 * Record entries ordered for display (major problems first, then newest first), each with its
 * triage beside it.
 */
export function newestFirst<E extends { readonly resource: unknown }>(
  entries: readonly E[],
): (Triage & { readonly entry: E })[] {
  return entries
    .map((entry) => ({ entry, ...triageResource(entry.resource) }))
    .sort(compareNewestFirst);
}
