/**
 * @module The one record pipeline: the sources of a view whose gates have passed, as a stream of
 * events (one per source as it answers, then `complete`), and the plain view as a fold of that
 * stream. Both write the same audit entries: a `record-view-source` entry before each source's
 * event (the plain view, which sends nothing before the end, writes them with the end entry, in
 * one transaction where the audit log offers it), the `record-view-completed` entry before
 * `complete` (or, when the view is abandoned, with outcome `failure` and what was sent). No entry,
 * no data.
 */
import type { AuditEventOf, AuditSourceCall } from '../audit/audit-event.ts';
import type { FilteredRecord } from '../access/policy/filter-record.ts';
import type { Role } from '../shared/roles.ts';
import type { AuditEvent } from '../audit/audit-event.ts';
import type { StateChange } from '../audit/audit-log.ts';
import { followSignal } from '../http/deadline.ts';
import { auditableCode } from '../sources/source-codes.ts';
import type { TracedPatient } from '../identity/traced-patient.ts';
import type { Connector, SourceResult } from '../sources/source-result.ts';
import type { User } from '../access/user.ts';
import { assembleRecord, describeAnswered, type SourceSummary } from './assemble-record.ts';
import type { ConsideredSource } from './discover-sources.ts';
import { applyDuplicateMarks, duplicateMarks, type DuplicateMark } from './duplicate-groups.ts';
import { reconcileMedicines, type ReconciliationLine } from './reconcile-medicines.ts';
import {
  SECTION_NAMES,
  type RecordItem,
  type SectionName,
  type Sections,
} from '../shared/sections.ts';
import { callSafely } from '../sources/never-throws.ts';

/** One source's outcome in a streamed view, with the items it contributed (only non-empty sections). */
export interface StreamedSource {
  readonly type: 'source';
  readonly source: SourceSummary;
  readonly sections: Partial<Sections>;
  /** Something from this source was withheld by policy or legal restriction. */
  readonly informationWithheld: boolean;
}

/** The end of a streamed view, sent once the `record-view-completed` entry is in the audit trail. */
export interface StreamedComplete {
  readonly type: 'complete';
  /** Every source's summary as the clinician saw it, in configured order. */
  readonly sources: readonly SourceSummary[];
  readonly elapsedMs: number;
  readonly informationWithheld: boolean;
  /** The GP's current medicines set against the other sources', over what was sent. */
  readonly reconciliation: readonly ReconciliationLine[];
  /** Cross-source duplicates among the items already sent (`alsoFrom` / `duplicateOf`). */
  readonly duplicates: readonly DuplicateMark[];
}

export type RecordStreamEvent = StreamedSource | StreamedComplete;

/** The plain view's part of a record: what the fold of the stream gives. */
export interface FoldedRecord {
  readonly sources: readonly SourceSummary[];
  readonly sections: Sections;
  readonly informationWithheld: boolean;
  readonly reconciliation: readonly ReconciliationLine[];
}

/** The view was abandoned (the clinician went away) before every source had answered. */
export class RecordViewAbandoned extends Error {
  override readonly name = 'RecordViewAbandoned';
  constructor() {
    super('The record view was abandoned before every source had answered.');
  }
}

/**
 * The audit as the pipeline writes to it: one entry at a time, and (the audit log) several entries
 * in one transaction, all or none. Without `appendWith`, entries written together are appended in
 * one turn (one group commit, but each may fail alone).
 */
export interface PipelineAudit {
  append(event: AuditEvent): Promise<unknown>;
  readonly appendWith?: <T>(change: StateChange<T>) => Promise<T>;
}

/** What the pipeline needs of the view's dependencies. */
export interface PipelineDeps {
  readonly audit: PipelineAudit;
  readonly filter: (input: { readonly role: Role; readonly sections: Sections }) => FilteredRecord;
  readonly now: () => Date;
}

/** One opened view: who asks, about whom, which sources, and the audit fields its entries share. */
export interface PipelineInput {
  readonly deps: PipelineDeps;
  readonly considered: readonly ConsideredSource[];
  readonly request: {
    readonly user: User;
    readonly requestId: string;
    readonly signal?: AbortSignal | undefined;
  };
  readonly traced: TracedPatient;
  /** `performance.now()` when the view began. */
  readonly started: number;
  readonly audit: Omit<AuditEventOf<'record-view-source'>, 'action' | 'outcome' | 'source'>;
  readonly patientRestricted: boolean;
  /**
   * Calls already begun beside the trace (FHIR R4 sources discovery asks whatever the trace
   * says), by connector: used instead of asking again, and treated like every other answer.
   */
  readonly prefetched?: ReadonlyMap<Connector, Promise<SourceResult>> | undefined;
  /**
   * The consumer sends nothing before `complete` (the plain view, which folds the stream): each
   * source's entry is then written with the others and the end entry, in one transaction (one
   * durable commit) where the audit offers `appendWith`, instead of one commit per source before
   * its event. Still no entry, no data: nothing leaves before `complete`, which comes only once
   * every entry is in the trail.
   */
  readonly sendsAtEnd?: boolean | undefined;
  /** Aborts the calls (the prefetched ones too) when the view stops early; follows the request's signal. */
  readonly stop?: AbortController | undefined;
}

/**
 * Asks every source in parallel and yields each outcome as it arrives, after writing its audit
 * entry; then writes the end entry and yields `complete`. Stopping early (the consumer stops, the
 * request's signal aborts) abandons the calls still running and writes the end entry as `failure`.
 * Throws the audit's error when an entry cannot be written.
 */
export async function* recordEvents(
  input: PipelineInput,
): AsyncGenerator<RecordStreamEvent, void, undefined> {
  const { deps, request, traced } = input;
  const prefetched = input.prefetched ?? new Map<Connector, Promise<SourceResult>>();
  // A call begun early is one of this view's sources, asked or not by discovery: never unaudited.
  const asked = new Set(
    input.considered.flatMap((candidate) =>
      candidate.kind === 'ask' ? [candidate.connector] : [],
    ),
  );
  const considered: readonly ConsideredSource[] = [
    ...input.considered,
    ...[...prefetched.keys()]
      .filter((connector) => !asked.has(connector))
      .map((connector): ConsideredSource => ({ kind: 'ask', connector })),
  ];
  const configured = considered.map(sourceOf);
  // Stopping early (client gone, audit failed) abandons the calls still running.
  // The view's own controller (record-view.ts follows the request's signal with it), else one here.
  const following = input.stop === undefined ? followSignal(request.signal) : undefined;
  const stop = input.stop ?? following?.controller ?? new AbortController();
  const { signal } = stop;
  const sourceRequest = {
    patient: traced,
    user: request.user,
    requestId: request.requestId,
    signal,
  };
  const pending = new Map(
    considered.map((candidate, index) => [
      index,
      (candidate.kind === 'ask' && prefetched.has(candidate.connector)
        ? (prefetched.get(candidate.connector) as Promise<SourceResult>)
        : callConsidered(candidate, sourceRequest)
      ).then((result) => ({ index, result })),
    ]),
  );
  // Per configured source: its summary as received (audit), as seen (counts of visible items),
  // and the items sent.
  const received: (SourceSummary | undefined)[] = considered.map(() => undefined);
  const visible: (SourceSummary | undefined)[] = considered.map(() => undefined);
  const sent: (Sections | undefined)[] = considered.map(() => undefined);
  const withheld: Partial<Record<SectionName, number>> = {};
  const withheldCategories = new Set<string>();
  let informationWithheld = false;
  let completed = false as boolean;
  let auditFailed = false as boolean;

  /** audit: appends one entry; if it cannot be written, nothing more is sent or audited. */
  const append = async (event: AuditEvent): Promise<void> => {
    try {
      await deps.audit.append(event);
    } catch (error) {
      auditFailed = true;
      throw error;
    }
  };
  /** Source entries held for the end (`sendsAtEnd`), in the order the sources answered. */
  const held: AuditEvent[] = [];
  /**
   * audit: the held source entries, then the end entry. With `appendWith`, all in one transaction
   * (one durable commit: the end is in the trail only with every source's entry); otherwise the
   * held ones in one turn (one group commit), then the end.
   */
  const appendWithHeld = async (end: AuditEvent): Promise<void> => {
    const sources = held.splice(0);
    const { audit } = deps;
    if (audit.appendWith === undefined) {
      await Promise.all(sources.map(append));
      await append(end);
      return;
    }
    const events: [AuditEvent, ...AuditEvent[]] = [end];
    events.unshift(...sources);
    try {
      await audit.appendWith(() => Promise.resolve({ result: undefined, events }));
    } catch (error) {
      auditFailed = true;
      throw error;
    }
  };
  const endEntry = (outcome: 'success' | 'failure'): AuditEventOf<'record-view-completed'> => ({
    ...input.audit,
    time: deps.now().toISOString(),
    action: 'record-view-completed',
    outcome,
    sources: present(received).map(sourceCallForAudit),
    withheld,
    ...(withheldCategories.size === 0
      ? {}
      : { withheldCategories: [...withheldCategories].sort() }),
    elapsedMs: Math.round(performance.now() - input.started),
    patientRestricted: input.patientRestricted,
  });

  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      pending.delete(index);
      // The clinician has gone: nothing more is sent, so nothing more is disclosed or audited as sent.
      if (request.signal?.aborted === true) return;

      // record: normalise, check demographics, group into sections with provenance.
      const record = assembleRecord({
        traced,
        results: [result],
        sources: configured,
        retrievedAt: deps.now(),
      });
      const summary = record.sources[0];
      if (summary === undefined) continue;

      // access: each source's items are filtered as a whole (links between items stay within a source).
      const filtered = deps.filter({ role: request.user.role, sections: record.sections });
      for (const [name, count] of Object.entries(filtered.withheld) as [SectionName, number][]) {
        withheld[name] = (withheld[name] ?? 0) + count;
      }
      for (const category of filtered.withheldCategories) withheldCategories.add(category);
      informationWithheld ||= filtered.informationWithheld;
      // Counts shown to the clinician are of what they can see: no count betrays a withheld item.
      const shown = recountVisible(summary, filtered.sections);
      received[index] = summary;
      visible[index] = shown;
      sent[index] = filtered.sections;

      // audit: this source's outcome, before anything from it is sent.
      const sourceEntry: AuditEvent = {
        ...input.audit,
        time: deps.now().toISOString(),
        action: 'record-view-source',
        outcome: shown.status === 'answered' ? 'success' : 'failure',
        source: sourceCallForAudit(summary),
      };
      if (input.sendsAtEnd === true) held.push(sourceEntry);
      else await append(sourceEntry);
      yield {
        type: 'source',
        source: shown,
        sections: nonEmpty(filtered.sections),
        informationWithheld: filtered.informationWithheld,
      };
    }

    // audit: the end, with each source's outcome and counts. No entry, no `complete`.
    const end = endEntry('success');
    await appendWithHeld(end);
    completed = true;
    // Computed over what was sent only, so neither can point at a withheld item.
    const sections = concatSections(present(sent));
    yield {
      type: 'complete',
      sources: present(visible),
      elapsedMs: end.elapsedMs,
      informationWithheld,
      reconciliation: reconcileMedicines({
        medications: sections.medications,
        gpSourceIds: answeredGpSources(configured, present(received)),
        sourceNames: new Map(configured.map((source) => [source.id, source.name])),
      }),
      duplicates: duplicateMarks(sections),
    };
  } finally {
    following?.dispose();
    if (!completed) {
      stop.abort();
      // The view ended before `complete` (client gone): the end entry says so, with what was sent.
      if (!auditFailed) {
        try {
          // Held source entries first: the end entry names those sources as asked and answered.
          await appendWithHeld(endEntry('failure'));
        } catch {
          // Nothing more can be sent; the per-source entries already account for every item sent.
        }
      }
    }
  }
}

/**
 * The plain view: the stream's events folded into one record, sections in configured source
 * order with the duplicates marked. Throws as the stream does, or RecordViewAbandoned when the
 * stream ended without `complete`.
 */
export async function foldRecord(events: AsyncIterable<RecordStreamEvent>): Promise<FoldedRecord> {
  const bySource = new Map<string, Partial<Sections>>();
  for await (const event of events) {
    if (event.type === 'source') {
      bySource.set(event.source.id, event.sections);
      continue;
    }
    const sections = concatSections(event.sources.map((source) => bySource.get(source.id) ?? {}));
    return {
      sources: event.sources,
      sections: applyDuplicateMarks(sections, event.duplicates),
      informationWithheld: event.informationWithheld,
      reconciliation: event.reconciliation,
    };
  }
  throw new RecordViewAbandoned();
}

/** The configuration of a considered source, asked or not. */
export function sourceOf(candidate: ConsideredSource): Connector['source'] {
  return candidate.kind === 'ask' ? candidate.connector.source : candidate.source;
}

/** A source's audit entry: status, counts and codes, never content. */
export function sourceCallForAudit(summary: SourceSummary): AuditSourceCall {
  return {
    id: summary.id,
    status: summary.status,
    elapsedMs: summary.elapsedMs,
    counts: summary.counts,
    ...(summary.errorCode === undefined ? {} : { errorCode: auditableCode(summary.errorCode) }),
    warnings: [...new Set(summary.warnings.map((warning) => auditableCode(warning.code)))].slice(
      0,
      AUDITED_WARNINGS,
    ),
    ...(summary.dropped === undefined ? {} : { dropped: summary.dropped }),
  };
}

/** The audit keeps at most this many distinct warning codes per source (its schema's bound). */
const AUDITED_WARNINGS = 100;

function present<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((value) => value !== undefined);
}

/** Only the sections with items. */
function nonEmpty(sections: Sections): Partial<Sections> {
  const kept: Partial<Record<SectionName, readonly RecordItem[]>> = {};
  for (const name of SECTION_NAMES) if (sections[name].length > 0) kept[name] = sections[name];
  return kept;
}

/** Every source's items, section by section, sources in the order given. */
function concatSections(parts: readonly Partial<Sections>[]): Sections {
  const sections = {} as Record<SectionName, readonly RecordItem[]>;
  for (const name of SECTION_NAMES) sections[name] = parts.flatMap((part) => part[name] ?? []);
  return sections;
}

/**
 * A source's counts and message recomputed from the items left after filtering, so that what the
 * clinician reads never reveals how many items were withheld.
 */
function recountVisible(source: SourceSummary, sections: Sections): SourceSummary {
  if (source.status !== 'answered') return source;
  const counts: Partial<Record<SectionName, number>> = {};
  for (const name of SECTION_NAMES) {
    const count = sections[name].filter((item) => item.source.sourceId === source.id).length;
    if (count > 0) counts[name] = count;
  }
  return { ...source, counts, message: describeAnswered(counts) };
}

/** The GP Connect sources that answered this view: the list reconciliation starts from. */
function answeredGpSources(
  configured: readonly Connector['source'][],
  sources: readonly SourceSummary[],
): Set<string> {
  const gp = new Set(
    configured.filter((source) => source.kind === 'gp-connect').map((source) => source.id),
  );
  return new Set(
    sources
      .filter((source) => source.status === 'answered' && gp.has(source.id))
      .map((source) => source.id),
  );
}

/** Asks a source discovery chose; a source not asked answers at once with its reason. */
function callConsidered(
  candidate: ConsideredSource,
  request: Parameters<Connector['fetchRecord']>[0],
): Promise<SourceResult> {
  if (candidate.kind === 'ask') return callSafely(candidate.connector, request);
  return Promise.resolve({
    sourceId: candidate.source.id,
    status: candidate.status,
    elapsedMs: 0,
    message: candidate.message,
    warnings: [],
  });
}
