/**
 * @module How the medicines reconciliation reads on screen: each line's status in words (in the
 * spirit of NICE NG5: it informs, it never decides), the therapeutic class in words, and for each
 * entry the date that decides which list is newer — the same rule the server's note uses.
 */
import type {
  ItemRef,
  ReconciliationLine,
  ReconciliationStatus,
  RecordItem,
} from '../api/record.ts';
import { formatDate } from './fhir-display.ts';
import { isJsonObject, type JsonObject } from '../shared/json-guards.ts';

/** The status in words, as a heading a clinician scans. */
export const STATUS_WORDS: Readonly<Record<ReconciliationStatus, string>> = {
  'same-class': 'Same class from different sources: possible duplication',
  changed: 'On both lists, but changed (dose, frequency or product)',
  'gp-only': 'Only on the GP list: stopped in hospital, or omitted?',
  'source-only': 'Not on the GP list: started by the other source?',
  unchanged: 'On both lists: the same',
};

/** The tone of the status's tag. */
export const STATUS_TONE: Readonly<Record<ReconciliationStatus, 'alert' | 'warning' | 'good'>> = {
  'same-class': 'alert',
  changed: 'warning',
  'gp-only': 'warning',
  'source-only': 'warning',
  unchanged: 'good',
};

/** Discrepancies first, the most dangerous at the top; unchanged lines last. */
const ORDER: readonly ReconciliationStatus[] = [
  'same-class',
  'changed',
  'gp-only',
  'source-only',
  'unchanged',
];

/** The class ids the server sends (src/record/medicine-classes.ts), in words. */
const CLASS_WORDS: Readonly<Record<string, string>> = {
  statins: 'Statins (BNF 2.12)',
  anticoagulants: 'Oral anticoagulants (BNF 2.8.2)',
  antiplatelets: 'Antiplatelet drugs (BNF 2.9)',
  'ace-inhibitors-arbs': 'ACE inhibitors and angiotensin-II receptor blockers (BNF 2.5.5)',
  opioids: 'Opioid analgesics (BNF 4.7.2)',
  'proton-pump-inhibitors': 'Proton pump inhibitors (BNF 1.3.5)',
  insulins: 'Insulins (BNF 6.1.1)',
};

/** A class id in words; an id this page does not know is shown as sent, hyphens as spaces. */
export function classWords(id: string | undefined): string {
  if (id === undefined) return '';
  return CLASS_WORDS[id] ?? id.replace(/-/g, ' ');
}

/** The lines, discrepancies first (stable within a status). */
export function orderLines(lines: readonly ReconciliationLine[]): ReconciliationLine[] {
  return [...lines].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function contained(resource: JsonObject, reference: unknown): JsonObject | undefined {
  const wanted = text(reference)?.replace(/^#/, '');
  const found = Array.isArray(resource['contained'])
    ? (resource['contained'] as unknown[]).filter(isJsonObject).find((c) => c['id'] === wanted)
    : undefined;
  return found;
}

/**
 * The date that decides which entry is newer, in words: a GP statement's last issue, else when it
 * started, else when it was recorded; a prescription's date. '' when the source gave none.
 */
export function decidingDate(resource: unknown): string {
  if (!isJsonObject(resource)) return '';
  if (resource['resourceType'] === 'MedicationRequest') {
    const date = formatDate(resource['authoredOn']);
    return date === '' ? '' : `prescribed ${date}`;
  }
  const extensions = Array.isArray(resource['extension'])
    ? (resource['extension'] as unknown[]).filter(isJsonObject)
    : [];
  const lastIssue = extensions.find((ext) =>
    String(ext['url']).toLowerCase().includes('medicationstatementlastissuedate'),
  );
  const issues = (Array.isArray(resource['derivedFrom']) ? resource['derivedFrom'] : [])
    .filter(isJsonObject)
    .map((ref) => contained(resource, ref['reference']))
    .map((issue) => text(issue?.['authoredOn']))
    .filter((date): date is string => date !== undefined)
    .sort();
  const issued = text(lastIssue?.['valueDateTime']) ?? issues.at(-1);
  if (issued !== undefined) return `last issued ${formatDate(issued)}`;
  const period = isJsonObject(resource['effectivePeriod'])
    ? resource['effectivePeriod']
    : undefined;
  const started = text(period?.['start']) ?? text(resource['effectiveDateTime']);
  if (started !== undefined) return `started ${formatDate(started)}`;
  const recorded = text(resource['dateAsserted']);
  return recorded === undefined ? '' : `recorded ${formatDate(recorded)}`;
}

/** The item a reference names, among the section's items. */
export function findEntry(entries: readonly RecordItem[], ref: ItemRef): RecordItem | undefined {
  return entries.find(
    (entry) => entry.source.sourceId === ref.sourceId && entry.resource.id === ref.id,
  );
}
