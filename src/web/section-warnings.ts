/**
 * @module Which source warnings concern which record section, worded with the source's name, so
 * each area shows beside it what a source withheld, switched off or had not yet filed.
 */
import type { RecordView, SourceSummary } from '../api/record.ts';
import { SECTION_NAMES, type SectionName } from '../api/record.ts';
import { sectionForR4 } from '../record/r4-sections.ts';

/** One warning as shown beside a section (or above the whole record when it has no area). */
export interface ShownWarning {
  readonly sourceId: string;
  readonly sourceName: string;
  readonly code: string;
  /** The source's own words, prefixed with its name: `Riverside Medical Practice: Some …`. */
  readonly text: string;
}

const SECTION_SET: ReadonlySet<string> = new Set<string>(SECTION_NAMES);

/** A social care system's items all sit in the social care section; so do its warnings. */
function looksLikeSocialCare(source: SourceSummary): boolean {
  const counts = Object.entries(source.counts).filter(
    ([, count]) => typeof count === 'number' && count > 0,
  );
  return counts.length > 0 && counts.every(([name]) => name === 'socialCare');
}

/**
 * The section a warning's `area` names: a section name as GP Connect sources give it, or a FHIR
 * resource type as FHIR R4 sources give it (mapped by the same table the record uses). Undefined
 * when the warning concerns no one section.
 */
export function warningSection(
  area: string | undefined,
  source: SourceSummary,
): SectionName | undefined {
  if (area === undefined || area.trim() === '') return undefined;
  if (SECTION_SET.has(area)) return area as SectionName;
  return sectionForR4(
    { resourceType: area } as fhir4.FhirResource,
    looksLikeSocialCare(source) ? 'social-care' : 'hospital',
  );
}

function shown(source: SourceSummary, code: string, message: string): ShownWarning {
  return { sourceId: source.id, sourceName: source.name, code, text: `${source.name}: ${message}` };
}

/** Every source's warnings about one section, in source order; duplicates said once. */
export function warningsForSection(
  sources: readonly SourceSummary[],
  section: SectionName,
): ShownWarning[] {
  const out: ShownWarning[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const warning of source.warnings) {
      if (warningSection(warning.area, source) !== section) continue;
      const item = shown(source, warning.code, warning.message);
      if (seen.has(item.text)) continue;
      seen.add(item.text);
      out.push(item);
    }
  }
  return out;
}

/** Warnings that concern no one section (or an area this UI does not know), for the whole record. */
export function generalWarnings(sources: readonly SourceSummary[]): ShownWarning[] {
  const out: ShownWarning[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const warning of source.warnings) {
      if (warningSection(warning.area, source) !== undefined) continue;
      const item = shown(source, warning.code, warning.message);
      if (seen.has(item.text)) continue;
      seen.add(item.text);
      out.push(item);
    }
  }
  return out;
}

/** How many warnings each section has, for a marker on its tab. */
export function warningCounts(
  sources: readonly SourceSummary[],
): Partial<Record<SectionName, number>> {
  const counts: Partial<Record<SectionName, number>> = {};
  for (const name of SECTION_NAMES) {
    const count = warningsForSection(sources, name).length;
    if (count > 0) counts[name] = count;
  }
  return counts;
}

/**
 * True when the server says some information was not shown (the policy's `informationWithheld`).
 * Never a count: the count itself could reveal what was hidden.
 */
export function isInformationWithheld(record: Pick<RecordView, 'informationWithheld'>): boolean {
  return record.informationWithheld;
}
