/**
 * @module Turns what each source answered into one record: FHIR R4 items grouped into sections,
 * each with its provenance, and a plain-words status per source. A source whose patient does not
 * match the national demographics trace has its data withheld.
 */
import type { SourceConfig } from '../config/config-schema.ts';
import { compareDemographics, tracedPatientFromR4 } from '../identity/demographics-match.ts';
import type {
  SourceResult,
  SourceStatus,
  SourceWarning,
  TracedPatient,
} from '../sources/source-result.ts';
import { mapStructuredRecord } from './gp-connect/map-to-r4.ts';
import { sectionForR4 } from './r4-sections.ts';
import {
  SECTION_NAMES,
  type Provenance,
  type RecordItem,
  type SectionName,
  type Sections,
} from './sections.ts';
import { describeStatus } from './source-status-text.ts';

export type SectionCounts = Partial<Record<SectionName, number>>;

/** One source's outcome as shown to the clinician and recorded in the audit. No clinical content. */
export interface SourceSummary {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly status: SourceStatus;
  readonly elapsedMs: number;
  readonly message: string;
  readonly errorCode?: string | undefined;
  readonly counts: SectionCounts;
  readonly warnings: readonly SourceWarning[];
}

export interface AssembledRecord {
  readonly sources: readonly SourceSummary[];
  readonly sections: Sections;
}

interface SourceItems {
  readonly items: readonly { section: SectionName; resource: fhir4.FhirResource }[];
  readonly warnings: readonly SourceWarning[];
  readonly patient: fhir4.Patient | undefined;
}

/** Assembles the record from the sources' results, in the order the sources are configured. */
export function assembleRecord(input: {
  readonly traced: TracedPatient;
  readonly results: readonly SourceResult[];
  readonly sources: readonly SourceConfig[];
  readonly retrievedAt: Date;
}): AssembledRecord {
  const sections = Object.fromEntries(
    SECTION_NAMES.map((name) => [name, [] as RecordItem[]]),
  ) as Record<SectionName, RecordItem[]>;
  const summaries: SourceSummary[] = [];

  for (const result of input.results) {
    const source = input.sources.find((candidate) => candidate.id === result.sourceId);
    if (source === undefined) continue;
    const base = {
      id: source.id,
      name: source.name,
      organisation: source.organisation,
      elapsedMs: Math.round(result.elapsedMs),
      errorCode: result.errorCode,
    };
    if (result.status !== 'answered' || result.payload === undefined) {
      summaries.push({
        ...base,
        status: result.status,
        message: result.message ?? describeStatus(result.status),
        counts: {},
        warnings: result.warnings,
      });
      continue;
    }

    const provenance: Provenance = {
      sourceId: source.id,
      system: source.name,
      organisation: source.organisation,
      retrievedAt: input.retrievedAt.toISOString(),
    };
    const read = readPayload(result, source, provenance);
    // The GP Connect mapping re-reads the practice's warnings from the Bundle itself.
    const warnings = payloadWarnings(result, read);

    if (read.patient !== undefined) {
      const { matches, differences } = compareDemographics(
        input.traced,
        tracedPatientFromR4(read.patient),
      );
      if (!matches) {
        summaries.push({
          ...base,
          status: 'demographics-mismatch',
          message:
            `This source's details for the patient do not match the national record (${differences.join(', ')} ` +
            'differ), so its information is not shown. Check the patient’s identity with the source organisation.',
          counts: {},
          warnings,
        });
        continue;
      }
    }

    const counts: SectionCounts = {};
    for (const { section, resource } of read.items) {
      sections[section].push({ source: provenance, resource });
      counts[section] = (counts[section] ?? 0) + 1;
    }
    summaries.push({
      ...base,
      status: 'answered',
      message: describeAnswered(counts),
      counts,
      warnings,
    });
  }

  return { sources: summaries, sections };
}

function readPayload(
  result: SourceResult,
  source: SourceConfig,
  provenance: Provenance,
): SourceItems {
  const payload = result.payload;
  if (payload === undefined) return { items: [], warnings: [], patient: undefined };
  if (payload.format === 'gp-connect-stu3') {
    const mapped = mapStructuredRecord(payload.bundle, provenance);
    return { items: mapped.items, warnings: mapped.warnings, patient: mapped.patient };
  }
  let patient: fhir4.Patient | undefined;
  const items: { section: SectionName; resource: fhir4.FhirResource }[] = [];
  for (const resource of payload.resources) {
    if (resource.resourceType === 'Patient') {
      patient ??= resource;
      continue;
    }
    const section = sectionForR4(resource, source.setting);
    if (section !== undefined) items.push({ section, resource });
  }
  return { items, warnings: [], patient };
}

function payloadWarnings(result: SourceResult, read: SourceItems): readonly SourceWarning[] {
  if (result.payload?.format === 'gp-connect-stu3') return read.warnings;
  return [...result.warnings, ...read.warnings];
}

/** The plain-words message of a source that answered, from its item counts. */
export function describeAnswered(counts: SectionCounts): string {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return total === 0
    ? 'Answered: no items held for this patient.'
    : `Answered with ${total} item${total === 1 ? '' : 's'}.`;
}
