/**
 * @module The record as it is sent, the one place that shapes it for the JSON view and the stream:
 * the patient, a source summary, a section item (with its duplicate marks), the stream's events.
 * Each is typed by the contract (src/api/record.ts), field by field: nothing undeclared reaches
 * the client.
 */
import type { PatientSummary as ApiPatientSummary } from '../../api/patients.ts';
import type * as Api from '../../api/record.ts';
import type { PatientSummary } from '../../identity/patient-summary.ts';
import type { SourceSummary } from '../../record/assemble-record.ts';
import type { DuplicateMark } from '../../record/duplicate-groups.ts';
import type { ReconciliationLine } from '../../record/reconcile-medicines.ts';
import type { RecordStreamEvent } from '../../record/record-pipeline.ts';
import {
  SECTION_NAMES,
  type ItemRef,
  type RecordItem,
  type SectionName,
} from '../../shared/sections.ts';
import type { SourceStatus } from '../../sources/source-result.ts';

/** The contract's lists are the server's: the compiler refuses a status or section one side lacks. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ContractMatchesServer = [
  Holds<Same<Api.SourceStatus, SourceStatus>>,
  Holds<Same<Api.SectionName, SectionName>>,
];

/** The patient in the banner: demographics only, copied into the contract's shape. */
export function patientData(patient: PatientSummary): ApiPatientSummary {
  const { name, address, registeredGp, ...rest } = patient;
  return {
    ...rest,
    name: { ...name, given: [...name.given] },
    ...(address === undefined ? {} : { address: { ...address, lines: [...address.lines] } }),
    ...(registeredGp === undefined ? {} : { registeredGp: { ...registeredGp } }),
  };
}

/** A source's outcome as the clinician reads it: status, message, counts, warnings. */
export function sourceSummaryData(summary: SourceSummary): Api.SourceSummary {
  return {
    id: summary.id,
    name: summary.name,
    organisation: summary.organisation,
    status: summary.status,
    elapsedMs: summary.elapsedMs,
    message: summary.message,
    ...(summary.errorCode === undefined ? {} : { errorCode: summary.errorCode }),
    counts: { ...summary.counts },
    warnings: summary.warnings.map((warning) => ({
      code: warning.code,
      ...(warning.area === undefined ? {} : { area: warning.area }),
      message: warning.message,
    })),
    ...(summary.dropped === undefined ? {} : { dropped: summary.dropped }),
  };
}

/** One section item: its provenance, the resource as the source sent it, and its duplicate marks. */
export function itemData(item: RecordItem): Api.RecordItem {
  return {
    source: {
      sourceId: item.source.sourceId,
      system: item.source.system,
      organisation: item.source.organisation,
      retrievedAt: item.source.retrievedAt,
    },
    // Passed through as the source sent it (after the policy filter).
    resource: { ...item.resource },
    ...(item.alsoFrom === undefined ? {} : { alsoFrom: item.alsoFrom.map(refData) }),
    ...(item.duplicateOf === undefined ? {} : { duplicateOf: refData(item.duplicateOf) }),
  };
}

export function reconciliationData(lines: readonly ReconciliationLine[]): Api.ReconciliationLine[] {
  return lines.map((line) => ({
    status: line.status,
    items: line.items.map((item) => ({ ...refData(item), gp: item.gp })),
    ...(line.class === undefined ? {} : { class: line.class }),
    note: line.note,
  }));
}

/** The sections the role's policy hides (never what was withheld for restriction). */
export function hiddenSectionsData(visible: readonly SectionName[]): SectionName[] {
  return SECTION_NAMES.filter((name) => !visible.includes(name));
}

/** A stream event's `data`. */
export function streamEventData(
  event: RecordStreamEvent,
): Api.RecordSourceEvent | Api.RecordCompleteEvent {
  if (event.type === 'complete') {
    return {
      sources: event.sources.map(sourceSummaryData),
      elapsedMs: event.elapsedMs,
      // The neutral "some information is not shown" flag, as the JSON view carries it.
      informationWithheld: event.informationWithheld,
      reconciliation: reconciliationData(event.reconciliation),
      duplicates: event.duplicates.map(markData),
    };
  }
  return {
    source: sourceSummaryData(event.source),
    sections: Object.fromEntries(
      Object.entries(event.sections).map(([name, items]) => [name, items.map(itemData)]),
    ),
  };
}

function markData(mark: DuplicateMark): Api.DuplicateMark {
  return {
    section: mark.section,
    item: refData(mark.item),
    ...(mark.alsoFrom === undefined ? {} : { alsoFrom: mark.alsoFrom.map(refData) }),
    ...(mark.duplicateOf === undefined ? {} : { duplicateOf: refData(mark.duplicateOf) }),
  };
}

function refData(ref: ItemRef): { sourceId: string; id: string } {
  return { sourceId: ref.sourceId, id: ref.id };
}
