/**
 * @module Turns what each source answered into one record: FHIR R4 items grouped into sections,
 * each with its provenance, and a plain-words status per source. A source whose patient does not
 * match the national demographics trace has its data withheld; every item shown belongs to the
 * patient the source matched to the trace (see patient-ownership), the rest is counted, not shown.
 */
import type { SourceConfig } from '../config/config-schema.ts';
import { compareDemographics, tracedPatientFromR4 } from '../identity/demographics-match.ts';
import type { TracedPatient } from '../identity/traced-patient.ts';
import type { SourceResult, SourceStatus, SourceWarning } from '../sources/source-result.ts';
import { resourceTypesFor } from '../sources/fhir-r4/resource-types.ts';
import { mapReadRecord } from './gp-connect/map-to-r4.ts';
import {
  countDropped,
  droppedWarnings,
  otherPatientKind,
  ownershipOf,
  OTHER_NHS_NUMBER_MESSAGE,
  totalDropped,
  type DropReason,
  type DroppedCounts,
} from '../sources/patient-ownership.ts';
import { sectionForR4 } from './r4-sections.ts';
import {
  SECTION_NAMES,
  type Provenance,
  type RecordItem,
  type SectionName,
  type Sections,
} from '../shared/sections.ts';
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
  /**
   * Items this source sent that were left out because they are not this patient's (another or no
   * patient named, a kind not asked for, a second patient record). Absent when none were.
   */
  readonly dropped?: number | undefined;
}

export interface AssembledRecord {
  readonly sources: readonly SourceSummary[];
  readonly sections: Sections;
}

interface SourceItems {
  readonly items: readonly { section: SectionName; resource: fhir4.FhirResource }[];
  readonly warnings: readonly SourceWarning[];
  /** The source's Patient matched to the trace; undefined when the answer named none (malformed). */
  readonly patient: fhir4.Patient | undefined;
  /** Why the answer cannot be used at all, when it cannot. */
  readonly unusable?: 'malformed' | 'other-nhs-number' | undefined;
  readonly message?: string | undefined;
  readonly notThisPatient: DroppedCounts;
  /** The answer names the patient by NHS number only (an index): there is no Patient to compare. */
  readonly byNhsNumber?: boolean | undefined;
}

const NO_PATIENT_MESSAGE =
  "This source's answer did not include the patient it is about, so none of it can be checked and none is shown.";

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
    const read = readPayload(result, source, provenance, input.traced.nhsNumber);
    // The GP Connect mapping re-reads the practice's warnings from the Bundle itself.
    const warnings = payloadWarnings(result, read);
    const dropped = totalDropped(read.notThisPatient);
    const droppedField = dropped === 0 ? {} : { dropped };

    if (read.unusable !== undefined || (read.patient === undefined && read.byNhsNumber !== true)) {
      const otherNhsNumber = read.unusable === 'other-nhs-number';
      summaries.push({
        ...base,
        status: otherNhsNumber ? 'demographics-mismatch' : 'malformed',
        message: read.message ?? NO_PATIENT_MESSAGE,
        counts: {},
        warnings: otherNhsNumber
          ? [...warnings, { code: 'other-nhs-number', message: OTHER_NHS_NUMBER_MESSAGE }]
          : warnings,
        ...droppedField,
      });
      continue;
    }

    const { matches, differences } =
      read.patient === undefined
        ? { matches: true, differences: [] }
        : compareDemographics(input.traced, tracedPatientFromR4(read.patient));
    if (!matches) {
      summaries.push({
        ...base,
        status: 'demographics-mismatch',
        message:
          `This source's details for the patient do not match the national record (${differences.join(', ')} ` +
          'differ), so its information is not shown. Check the patient’s identity with the source organisation.',
        counts: {},
        warnings,
        ...droppedField,
      });
      continue;
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
      ...droppedField,
    });
  }

  return { sources: summaries, sections };
}

function readPayload(
  result: SourceResult,
  source: SourceConfig,
  provenance: Provenance,
  tracedNhsNumber: string,
): SourceItems {
  const payload = result.payload;
  if (payload === undefined)
    return { items: [], warnings: [], patient: undefined, notThisPatient: {} };
  if (payload.format === 'gp-connect-stu3') {
    const mapped = mapReadRecord(payload.record, provenance);
    return {
      items: mapped.items,
      warnings: mapped.warnings,
      patient: mapped.patient,
      notThisPatient: mapped.notThisPatient,
      ...(mapped.readable
        ? mapped.otherPatient
          ? { unusable: 'other-nhs-number', message: OTHER_NHS_NUMBER_MESSAGE }
          : {}
        : { unusable: 'malformed', message: mapped.warnings[0]?.message }),
    };
  }
  return readR4Payload(payload, source, tracedNhsNumber);
}

/**
 * A FHIR R4 source's answer: the matched Patient comes first (the connector puts it there); every
 * other resource must be of a type that was searched for and name that Patient as its subject.
 */
function readR4Payload(
  payload: Extract<NonNullable<SourceResult['payload']>, { format: 'fhir-r4' }>,
  source: SourceConfig,
  tracedNhsNumber: string,
): SourceItems {
  const byNhsNumber = payload.patientBy === 'nhs-number';
  const [first, ...others] = payload.resources;
  const patient = byNhsNumber ? undefined : first;
  const rest = byNhsNumber ? payload.resources : others;
  const notThisPatient: Partial<Record<DropReason, number>> = {};
  if (
    !byNhsNumber &&
    (patient?.resourceType !== 'Patient' || typeof patient.id !== 'string' || patient.id === '')
  )
    return { items: [], warnings: [], patient: undefined, unusable: 'malformed', notThisPatient };
  const owner = {
    // An index names no Patient resource: only an NHS-number identifier can name the patient.
    id: patient?.resourceType === 'Patient' ? (patient.id ?? '') : '',
    nhsNumber: tracedNhsNumber,
    aliases: [
      ...(patient === undefined
        ? []
        : [`${source.url.replace(/\/+$/, '')}/Patient/${patient.id ?? ''}`]),
      ...(payload.patientAliases ?? []),
    ],
  };
  const requested = new Set(resourceTypesFor(source));
  const items: { section: SectionName; resource: fhir4.FhirResource }[] = [];
  let otherNhsNumber = false;
  for (const resource of rest) {
    if (resource.resourceType === 'Patient') {
      const kind = otherPatientKind(resource, owner);
      if (kind === 'other-nhs-number') otherNhsNumber = true;
      if (kind !== 'same') countDropped(notThisPatient, 'second-patient');
      continue;
    }
    const ownership = ownershipOf(resource, owner, requested.has(resource.resourceType));
    if (ownership !== 'owned') {
      countDropped(notThisPatient, ownership);
      continue;
    }
    const section = sectionForR4(resource, source.setting);
    if (section === undefined) countDropped(notThisPatient, 'not-requested');
    else items.push({ section, resource });
  }
  return {
    items,
    warnings: droppedWarnings(notThisPatient),
    patient: patient?.resourceType === 'Patient' ? patient : undefined,
    byNhsNumber,
    notThisPatient,
    ...(otherNhsNumber ? { unusable: 'other-nhs-number', message: OTHER_NHS_NUMBER_MESSAGE } : {}),
  };
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
