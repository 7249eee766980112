/**
 * @module What the record's Summary shows, read in ten seconds: alerts (safeguarding flags,
 * resuscitation and end-of-life plans, NRL crisis plans), allergies with what their absence
 * means, current medicines, active problems, recent encounters and admissions, and how complete
 * the record is. Pure: every line keeps the source it came from; nothing is stored.
 */
import type { RecordItem, RecordView, SectionName, SourceSummary } from '../api/record.ts';
import { activeAlerts } from './record-alerts.ts';
import { formatDate } from './fhir-display.ts';
import {
  newestFirst,
  summariseResource,
  triageResource,
  type ResolveReference,
} from './resource-summary.ts';
import { warningSection } from './section-warnings.ts';
import { describeSourceStatus, SECTION_LABELS } from './source-status.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** One line of the summary: what, when, and from which systems. */
export interface SummaryLine {
  readonly title: string;
  /** A short second fact (dosage, reaction, class of encounter); '' when none. */
  readonly detail: string;
  readonly date: string;
  /** `Riverside Medical Practice`, or `Riverside Medical Practice and City Hospital`. */
  readonly from: string;
}

/**
 * Why a summary block has no lines, or that it has some. `hidden`: the user's role may not see
 * this section; `waiting`: sources are still answering; `none-returned`: every source asked has
 * answered and none had anything.
 */
export type BlockState = 'shown' | 'hidden' | 'waiting' | 'none-returned';

/** One block of the summary (allergies, medicines, problems, encounters). */
export interface SummaryBlock {
  readonly section: SectionName;
  readonly state: BlockState;
  readonly lines: readonly SummaryLine[];
  /** Lines left out of the summary (the section's tab has them). */
  readonly more: number;
  /** Sources that did not answer: what they hold is missing from this block. */
  readonly notAnswered: readonly string[];
}

/**
 * What the allergy block says about the patient, told apart: allergies listed; "no known
 * allergies" recorded by a source (a coded NKA entry); no allergy information returned by the
 * sources that answered; or nothing can be said (not available to the role, still waiting).
 */
export type AllergyStatement =
  | { readonly kind: 'allergies' }
  | { readonly kind: 'no-known-allergies'; readonly from: string; readonly date: string }
  | { readonly kind: 'none-returned' }
  | { readonly kind: 'unknown' };

/** How complete the record is: the banner above the summary. */
export interface Completeness {
  /** Sources still being asked. */
  readonly waiting: number;
  /** Sources that did not answer, each with its reason in words. */
  readonly notAnswered: readonly { readonly name: string; readonly reason: string }[];
}

export interface RecordSummary {
  readonly alerts: readonly SummaryLine[];
  readonly allergies: SummaryBlock & { readonly statement: AllergyStatement };
  readonly medicines: SummaryBlock;
  readonly problems: SummaryBlock;
  readonly encounters: SummaryBlock;
  readonly completeness: Completeness;
}

/** How many lines each block shows before "and N more". */
export const SUMMARY_LIMITS = { medicines: 12, problems: 10, encounters: 5, allergies: 10 };

/**
 * SNOMED CT concepts that record an explicit "no known allergy" (an answer, not an absence):
 * 716186003 No known allergy, 409137002 No known drug allergy, 428607008 No known environmental
 * allergy, 429625007 No known food allergy, 1003774007 No known Hevea brasiliensis latex allergy.
 */
const NO_KNOWN_ALLERGY_CODES: ReadonlySet<string> = new Set([
  '716186003',
  '409137002',
  '428607008',
  '429625007',
  '1003774007',
]);

/**
 * Resuscitation and end-of-life decisions: SNOMED CT 304253006 Not for resuscitation,
 * 450476008 Not for attempted cardiopulmonary resuscitation, 713058002 Has ReSPECT
 * recommendations, 1187651000000101 ReSPECT form completed; care plan words as written.
 */
const RESUSCITATION_CODES: ReadonlySet<string> = new Set([
  '304253006',
  '450476008',
  '713058002',
  '1187651000000101',
]);
const RESUSCITATION_WORDS =
  /\b(dnacpr|dnar|do not attempt (cpr|cardio|resus)|not for (attempted )?(cpr|resus)|respect (form|plan)|end[- ]of[- ]life|palliative)/i;

/** Encounter classes that are admissions (HL7 v3 ActCode). */
const ADMISSION_CLASSES: ReadonlySet<string> = new Set(['IMP', 'ACUTE', 'NONAC', 'SS', 'PRENC']);

function codesOf(concept: unknown): string[] {
  if (!isJsonObject(concept) || !Array.isArray(concept['coding'])) return [];
  return (concept['coding'] as unknown[])
    .map((coding) => (isJsonObject(coding) ? coding['code'] : undefined))
    .filter((code): code is string => typeof code === 'string');
}

/** The systems an item came from: its own and those the server found repeated it. */
function fromText(entry: RecordItem, sources: readonly SourceSummary[]): string {
  const names = [entry.source.system];
  for (const other of entry.alsoFrom ?? []) {
    const name = sources.find((source) => source.id === other.sourceId)?.name ?? other.sourceId;
    if (!names.includes(name)) names.push(name);
  }
  const last = names.pop() ?? '';
  return names.length === 0 ? last : `${names.join(', ')} and ${last}`;
}

/** The items a clinician reads once: a copy another source reported first is left out. */
function shownOnce(entries: readonly RecordItem[]): RecordItem[] {
  return entries.filter((entry) => entry.duplicateOf === undefined);
}

function detailOf(details: readonly { label: string; value: string }[], labels: string[]): string {
  for (const label of labels) {
    const found = details.find((detail) => detail.label === label);
    if (found !== undefined) return found.value;
  }
  return '';
}

/** Whether this item records that the patient has no known allergies. */
export function isNoKnownAllergy(resource: RecordItem['resource']): boolean {
  if (resource.resourceType === 'AllergyIntolerance') {
    return codesOf(resource['code']).some((code) => NO_KNOWN_ALLERGY_CODES.has(code));
  }
  if (resource.resourceType === 'List') {
    return codesOf(resource['emptyReason']).includes('nilknown');
  }
  return false;
}

/** Sources that did not answer, by name, with their reason in words. */
function notAnsweredSources(sources: readonly SourceSummary[]): Completeness['notAnswered'] {
  return sources
    .filter(
      (source) =>
        source.status !== 'answered' &&
        source.status !== 'patient-not-found' &&
        source.status !== 'not-known-to-index',
    )
    .map((source) => ({ name: source.name, reason: describeSourceStatus(source.status).text }));
}

interface Context {
  readonly record: RecordView;
  readonly hidden: ReadonlySet<SectionName>;
  readonly waiting: boolean;
  readonly notAnswered: readonly string[];
  readonly resolve: ResolveReference | undefined;
}

function block(
  context: Context,
  section: SectionName,
  entries: readonly RecordItem[],
  limit: number,
  toLine: (entry: RecordItem) => SummaryLine,
): SummaryBlock {
  const state: BlockState = context.hidden.has(section)
    ? 'hidden'
    : entries.length > 0
      ? 'shown'
      : context.waiting
        ? 'waiting'
        : 'none-returned';
  return {
    section,
    state,
    // Only the lines shown are summarised: a record of thousands stays quick.
    lines: entries.slice(0, limit).map(toLine),
    more: Math.max(0, entries.length - limit),
    notAnswered: state === 'hidden' ? [] : context.notAnswered,
  };
}

/** Current (not ended, stopped or in error) items of a section, newest first, each once. */
function current(context: Context, section: SectionName): RecordItem[] {
  return newestFirst(shownOnce(context.record.sections[section]))
    .filter((triaged) => !triaged.inactive)
    .map((triaged) => triaged.entry);
}

function line(context: Context, entry: RecordItem, detailLabels: string[]): SummaryLine {
  const summary = summariseResource(entry.resource, context.resolve);
  return {
    title: summary.title,
    detail: detailOf(summary.details, detailLabels),
    date: summary.date,
    from: fromText(entry, context.record.sources),
  };
}

function alertLines(context: Context): SummaryLine[] {
  const { record } = context;
  const lines: SummaryLine[] = activeAlerts(record.sections).map((alert) => ({
    title: alert.text,
    detail: alert.category,
    date: alert.since,
    from: alert.from,
  }));
  for (const name of ['carePlans', 'socialCare', 'documents'] as const) {
    for (const entry of shownOnce(record.sections[name])) {
      const r = entry.resource;
      if (r.resourceType === 'Flag') continue;
      if (triageResource(r).inactive) continue;
      const categories: unknown[] = Array.isArray(r['category']) ? r['category'] : [];
      const coded = [r['code'], r['type'], ...categories]
        .flatMap(codesOf)
        .some((code) => RESUSCITATION_CODES.has(code));
      const words = [r['title'], r['description'], r['text']]
        .map((value) =>
          typeof value === 'string'
            ? value
            : isJsonObject(value) && typeof value['div'] === 'string'
              ? value['div']
              : '',
        )
        .join(' ');
      if (!coded && !RESUSCITATION_WORDS.test(words)) continue;
      const summary = summariseResource(r, context.resolve);
      const description = typeof r['description'] === 'string' ? r['description'] : '';
      lines.push({
        title: summary.title,
        detail: description === summary.title ? '' : description,
        date: summary.date,
        from: fromText(entry, record.sources),
      });
    }
  }
  // NRL pointers to crisis and emergency plans: the source says so in a warning.
  for (const source of record.sources) {
    for (const warning of source.warnings) {
      if (warning.code !== 'crisis-document') continue;
      if (context.hidden.has(warningSection(warning.area, source) ?? 'carePlans')) continue;
      lines.push({ title: warning.message, detail: '', date: '', from: source.name });
    }
  }
  return lines;
}

function allergies(context: Context): RecordSummary['allergies'] {
  const items = current(context, 'allergies');
  const recordedNone = items.find((entry) => isNoKnownAllergy(entry.resource));
  const real = items.filter((entry) => !isNoKnownAllergy(entry.resource));
  const shown = block(context, 'allergies', real, SUMMARY_LIMITS.allergies, (entry) =>
    line(context, entry, ['Reaction']),
  );
  let statement: AllergyStatement;
  if (shown.state === 'hidden' || (shown.state === 'waiting' && recordedNone === undefined)) {
    statement = { kind: 'unknown' };
  } else if (real.length > 0) {
    statement = { kind: 'allergies' };
  } else if (recordedNone !== undefined) {
    const summary = summariseResource(recordedNone.resource);
    statement = {
      kind: 'no-known-allergies',
      from: fromText(recordedNone, context.record.sources),
      date: summary.date || formatDate(recordedNone.resource['date']),
    };
  } else {
    statement = { kind: 'none-returned' };
  }
  return {
    ...shown,
    // A recorded "no known allergies" is an answer: the block is not empty.
    state: statement.kind === 'no-known-allergies' ? 'shown' : shown.state,
    statement,
  };
}

function encounters(context: Context): SummaryBlock {
  return block(
    context,
    'encounters',
    current(context, 'encounters'),
    SUMMARY_LIMITS.encounters,
    (entry) => {
      const r = entry.resource;
      const klass = isJsonObject(r['class']) ? r['class']['code'] : undefined;
      const admission = typeof klass === 'string' && ADMISSION_CLASSES.has(klass.toUpperCase());
      const base = line(context, entry, ['Class']);
      return { ...base, detail: admission ? 'Admission' : base.detail };
    },
  );
}

/**
 * The summary of a record shown so far. The record's `hiddenSections` are the sections the
 * user's role may not see (the server names them); `waiting` counts sources still answering.
 */
export function summariseRecord(
  record: RecordView,
  options: {
    readonly waiting?: number | undefined;
    readonly resolve?: ResolveReference | undefined;
  } = {},
): RecordSummary {
  const notAnswered = notAnsweredSources(record.sources);
  const waiting = options.waiting ?? 0;
  const context: Context = {
    record,
    hidden: new Set(record.hiddenSections),
    waiting: waiting > 0,
    notAnswered: notAnswered.map((source) => source.name),
    resolve: options.resolve,
  };
  return {
    alerts: alertLines(context),
    allergies: allergies(context),
    medicines: block(
      context,
      'medications',
      current(context, 'medications'),
      SUMMARY_LIMITS.medicines,
      (entry) => line(context, entry, ['Dose']),
    ),
    problems: block(
      context,
      'problems',
      current(context, 'problems'),
      SUMMARY_LIMITS.problems,
      (entry) => line(context, entry, ['Significance']),
    ),
    encounters: encounters(context),
    completeness: { waiting, notAnswered },
  };
}

/** The words for a block with no lines, told apart by why it has none. */
export function emptyBlockText(summaryBlock: SummaryBlock): string {
  const label = SECTION_LABELS[summaryBlock.section].toLowerCase();
  switch (summaryBlock.state) {
    case 'hidden':
      return `${SECTION_LABELS[summaryBlock.section]}: not available to your role.`;
    case 'waiting':
      return `No ${label} yet: some systems have not answered.`;
    case 'none-returned':
    case 'shown':
      return `No ${label} were returned by the systems that answered.`;
  }
}
