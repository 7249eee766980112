/**
 * @module One record view, as one readable list of steps:
 * access → consent → audit start → sources → record → audit end.
 * No source is contacted until the permission is confirmed and the start is in the audit trail;
 * no data is returned unless the end is in the audit trail too.
 */
import type { User } from '../access/user.ts';
import { auditedAction } from '../audit/audited-action.ts';
import type {
  AuditClient,
  AuditEvent,
  AuditEventOf,
  AuditSourceCall,
} from '../audit/audit-event.ts';
import { PatientDissented, PermissionRequired } from '../consent/consent-errors.ts';
import type { Permission } from '../consent/permission.ts';
import type { ConsentActor } from '../consent/permissions.ts';
import type { PatientSummary } from '../identity/patient-summary.ts';
import type { TraceResult } from '../identity/trace-result.ts';
import { auditableCode } from '../sources/source-codes.ts';
import type { DocumentOpener, OpenedDocument } from '../sources/nrl-document.ts';
import type {
  Connector,
  SourceResult,
  SourceStatus,
  TracedPatient,
} from '../sources/source-result.ts';
import type { FilteredRecord } from '../access/policy/filter-record.ts';
import type { Role } from '../access/roles.ts';
import { assembleRecord, describeAnswered, type SourceSummary } from './assemble-record.ts';
import {
  askEveryConnector,
  type ConsideredSource,
  type DiscoverSources,
} from './discover-sources.ts';
import { markDuplicates } from './duplicate-groups.ts';
import { reconcileMedicines, type ReconciliationLine } from './reconcile-medicines.ts';
import { SECTION_NAMES, type RecordItem, type SectionName, type Sections } from './sections.ts';

/** The user's role may not view records. */
export class RoleMayNotViewRecords extends Error {
  override readonly name = 'RoleMayNotViewRecords';
  constructor() {
    super('Your role does not allow viewing patient records.');
  }
}

/** The patient could not be traced on the demographics service. */
export class PatientNotTraced extends Error {
  override readonly name = 'PatientNotTraced';
  readonly reason: 'not-found' | 'unavailable';
  constructor(reason: 'not-found' | 'unavailable', message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface RecordViewDeps {
  readonly mayViewRecords: (user: User) => boolean;
  readonly consent: {
    hasDissent(nhsNumber: string): Promise<boolean>;
    findLive(
      nhsNumber: string,
      actor: ConsentActor,
      basis?: Permission['basis'],
    ): Promise<Permission | undefined>;
  };
  /**
   * The policy's `emergencyOverridesDissent`: a live emergency basis (which always has a reason)
   * overrides the local dissent register, and the view's audit entries say so. Never a GP
   * practice's own dissent: that source still answers `dissent`.
   */
  readonly emergencyOverridesDissent?: boolean | undefined;
  /** Appends to the audit trail; throws when it cannot (the view then fails closed). */
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly trace: (nhsNumber: string) => Promise<TraceResult>;
  readonly connectors: readonly Connector[];
  /**
   * Decides this view's sources after the trace (registered practice via SDS, the patient index,
   * the NRL); every connector is asked when absent.
   */
  readonly discover?: DiscoverSources | undefined;
  /** Opens NRL pointers' documents (`recordLocator.nrl`); absent: documents cannot be opened. */
  readonly documents?: DocumentOpener | undefined;
  /**
   * Removes what the user's role may not see and legally restricted items (fail closed), before
   * anything leaves the server; reports per-section counts and categories for the audit only.
   */
  readonly filter: (input: { readonly role: Role; readonly sections: Sections }) => FilteredRecord;
  readonly now: () => Date;
  /**
   * Told of each traced patient before any source is asked (privacy monitoring compares the
   * patient's demographics with the user's, so no name or address need enter the audit trail).
   * `auditSeq` is the `record-view-started` entry's place in the trail, when the audit says.
   * Must not throw.
   */
  readonly onTraced?: ((traced: TracedView) => Promise<void>) | undefined;
}

/** What {@link RecordViewDeps.onTraced} is told: who is viewing whom, with the national trace. */
export interface TracedView {
  readonly user: User;
  readonly nhsNumber: string;
  readonly requestId: string;
  readonly time: string;
  readonly patient: PatientSummary;
  readonly auditSeq: number | undefined;
}

export interface RecordViewRequest {
  readonly user: User;
  readonly nhsNumber: string;
  readonly requestId: string;
  readonly client?: AuditClient | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface RecordView {
  readonly patient: PatientSummary;
  readonly permission: {
    readonly id: string;
    readonly basis: Permission['basis'];
    readonly expiresAt: string;
  };
  readonly sources: readonly SourceSummary[];
  readonly sections: Sections;
  /** Something was withheld by policy or legal restriction. Never says what or how much. */
  readonly informationWithheld: boolean;
  /** The GP's current medicines set against the other sources', over what the role can see. */
  readonly reconciliation: readonly ReconciliationLine[];
}

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
  readonly sources: readonly SourceSummary[];
  readonly elapsedMs: number;
  readonly informationWithheld: boolean;
}

export type RecordStreamEvent = StreamedSource | StreamedComplete;

/**
 * A record view whose gates have all passed (access, consent, audit start, trace): what the
 * banner needs now, and the sources' outcomes as each arrives. Iterating asks the sources; each
 * source's `record-view-source` audit entry is written before it is yielded, and the
 * `record-view-completed` entry before `complete`. Stopping early (or the request's signal
 * aborting) abandons the remaining calls and writes the end entry with outcome `failure`.
 * The iterator throws the audit's error when an entry cannot be written: no entry, no data.
 */
export interface RecordStream {
  readonly patient: PatientSummary;
  readonly permission: RecordView['permission'];
  /** The sources being asked, in configured order. */
  readonly sources: readonly {
    readonly id: string;
    readonly name: string;
    readonly organisation: string;
  }[];
  readonly events: AsyncIterable<RecordStreamEvent>;
}

export interface RecordViews {
  /** Throws RoleMayNotViewRecords, PatientDissented, PermissionRequired, PatientNotTraced, or the audit's error. */
  view(request: RecordViewRequest): Promise<RecordView>;
  /** The same gates as `view`, throwing the same errors before any source is asked; then the sources one by one. */
  stream(request: RecordViewRequest): Promise<RecordStream>;
  /**
   * Opens one NRL pointer's document live, under the same gates and audit as a view (start, the
   * NRL's call as a `record-view-source` entry, the end). Throws as `view` does, or
   * DocumentUnavailable when there is no document opener or the document could not be had.
   */
  openDocument(
    request: RecordViewRequest & { readonly pointerId: string },
  ): Promise<OpenedDocument>;
}

/** The document could not be opened; `message` is plain words. */
export class DocumentUnavailable extends Error {
  override readonly name = 'DocumentUnavailable';
  readonly status: SourceStatus;
  constructor(status: SourceStatus, message: string) {
    super(message);
    this.status = status;
  }
}

export function createRecordViews(deps: RecordViewDeps): RecordViews {
  const discover = deps.discover ?? askEveryConnector(deps.connectors);

  /** The steps before any source is asked: access → consent → audit start → trace. */
  async function open(request: RecordViewRequest) {
    const started = performance.now();
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);
    const common = audited.fields(nhsNumber);
    const deny = (reasonCode: string, error: Error) =>
      audited.deny({ attempted: 'record-view', reasonCode, nhsNumber }, error);

    // access: may this role view records at all?
    if (!deps.mayViewRecords(user)) await deny('role-not-allowed', new RoleMayNotViewRecords());

    // consent: dissent first (it overrides any permission, unless the policy lets an emergency
    // basis override it), then a live permission for this user.
    let permission: Permission | undefined;
    let dissentOverridden = false;
    if (await deps.consent.hasDissent(nhsNumber)) {
      permission =
        deps.emergencyOverridesDissent === true
          ? await deps.consent.findLive(nhsNumber, user, 'emergency')
          : undefined;
      if (permission === undefined) await deny('dissent', new PatientDissented());
      dissentOverridden = true;
    } else {
      permission = await deps.consent.findLive(nhsNumber, user);
    }
    if (permission === undefined) {
      return deny('no-live-permission', new PermissionRequired());
    }
    const basis = { permissionId: permission.id, basis: permission.basis };

    // audit: the start is written before anything is collected; if it fails, this throws.
    const startEntry = await deps.audit.append({
      ...common,
      action: 'record-view-started',
      outcome: 'success',
      basis,
      ...(dissentOverridden ? { dissentOverridden: true as const } : {}),
    });

    // identity: trace the patient nationally; sources' answers are checked against it.
    const trace = await deps.trace(nhsNumber);
    if (trace.kind !== 'found') {
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'failure',
        basis,
        sources: [],
        withheld: {},
        elapsedMs: Math.round(performance.now() - started),
      });
      throw new PatientNotTraced(trace.kind, trace.message);
    }
    await deps.onTraced?.({
      user,
      nhsNumber,
      requestId: request.requestId,
      time: common.time,
      patient: trace.summary,
      auditSeq: seqOf(startEntry),
    });
    return { started, common, basis, permission, trace };
  }

  /** discovery: which sources this view asks, and why each other considered source is not asked. */
  function discoverFor(trace: Extract<TraceResult, { kind: 'found' }>, signal?: AbortSignal) {
    return discover({
      traced: trace.traced,
      registeredPractice: trace.registeredPractice,
      signal,
    });
  }

  return {
    async view(request) {
      const { started, common, basis, permission, trace } = await open(request);
      const considered = await discoverFor(trace, request.signal);
      const { user } = request;

      // sources: every connector in parallel, each under its own deadline; none can sink the others.
      const sourceRequest = {
        patient: trace.traced,
        user,
        requestId: request.requestId,
        signal: request.signal,
      };
      const results = await Promise.all(
        considered.map((candidate) => callConsidered(candidate, sourceRequest)),
      );
      const retrievedAt = deps.now();

      // record: normalise, check demographics, group into sections with provenance.
      const record = assembleRecord({
        traced: trace.traced,
        results,
        sources: considered.map(sourceOf),
        retrievedAt,
      });

      // access: remove what this role may not see and legally restricted items.
      const filtered = deps.filter({ role: user.role, sections: record.sections });

      // audit: the end, with each source's outcome and counts. No entry, no data.
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'success',
        basis,
        sources: record.sources.map(sourceCallForAudit),
        withheld: filtered.withheld,
        ...withheldCategoriesOf(filtered),
        elapsedMs: Math.round(performance.now() - started),
        patientRestricted: trace.summary.restricted,
      });

      return {
        patient: trace.summary,
        permission: { id: permission.id, basis: permission.basis, expiresAt: permission.expiresAt },
        // Counts shown to the clinician are of what they can see: no count betrays a withheld item.
        sources: recountVisible(record.sources, filtered.sections),
        // Computed from the filtered sections only, so neither can point at a withheld item.
        sections: markDuplicates(filtered.sections),
        informationWithheld: filtered.informationWithheld,
        reconciliation: reconcileMedicines({
          medications: filtered.sections.medications,
          gpSourceIds: answeredGpSources(considered, record.sources),
          sourceNames: new Map(record.sources.map((source) => [source.id, source.name])),
        }),
      };
    },

    async openDocument(request) {
      const { started, common, basis, trace } = await open(request);
      const mayOpen = (pointer: fhir4.DocumentReference): boolean => {
        const sections = Object.fromEntries(
          SECTION_NAMES.map((name) => [name, [] as RecordItem[]]),
        ) as Record<SectionName, RecordItem[]>;
        sections.documents = [
          {
            source: {
              sourceId: 'nrl',
              system: 'National Record Locator',
              organisation: 'X26',
              retrievedAt: deps.now().toISOString(),
            },
            resource: pointer,
          },
        ];
        return deps.filter({ role: request.user.role, sections }).sections.documents.length === 1;
      };
      const opener = deps.documents;
      const fetched =
        opener === undefined
          ? ({
              kind: 'failed',
              status: 'error',
              message: 'Documents cannot be opened here: no record locator is configured.',
            } as const)
          : await opener.open({
              nhsNumber: trace.traced.nhsNumber,
              pointerId: request.pointerId,
              user: request.user,
              signal: request.signal,
            });
      // access: the role's policy judges the pointer as it would in Documents (fail closed).
      const outcome =
        fetched.kind === 'document' && !mayOpen(fetched.pointer)
          ? ({
              kind: 'failed',
              status: 'access-denied',
              message: 'Your role may not open this document.',
            } as const)
          : fetched;
      const elapsedMs = Math.round(performance.now() - started);
      const source: AuditSourceCall = {
        id: 'nrl',
        status: outcome.kind === 'document' ? 'answered' : outcome.status,
        elapsedMs,
        counts: outcome.kind === 'document' ? { documents: 1 } : {},
        warnings: [],
      };
      // audit: the call, then the end; no entry, no document.
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-source',
        outcome: outcome.kind === 'document' ? 'success' : 'failure',
        basis,
        source,
      });
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: outcome.kind === 'document' ? 'success' : 'failure',
        basis,
        sources: [source],
        withheld: {},
        elapsedMs,
        patientRestricted: trace.summary.restricted,
      });
      if (outcome.kind !== 'document')
        throw new DocumentUnavailable(outcome.status, outcome.message);
      return outcome;
    },

    async stream(request) {
      const { started, common, basis, permission, trace } = await open(request);
      const considered = await discoverFor(trace, request.signal);
      return {
        patient: trace.summary,
        permission: { id: permission.id, basis: permission.basis, expiresAt: permission.expiresAt },
        sources: considered.map(sourceOf).map((source) => ({
          id: source.id,
          name: source.name,
          organisation: source.organisation,
        })),
        events: streamSources({
          deps,
          considered,
          request,
          traced: trace.traced,
          started,
          audit: { ...common, basis },
          patientRestricted: trace.summary.restricted,
        }),
      };
    },
  };
}

/**
 * Asks every source in parallel and yields each outcome as it arrives, after writing its audit
 * entry; then writes the end entry and yields `complete`.
 */
async function* streamSources(input: {
  readonly deps: RecordViewDeps;
  readonly considered: readonly ConsideredSource[];
  readonly request: RecordViewRequest;
  readonly traced: TracedPatient;
  readonly started: number;
  readonly audit: Omit<AuditEventOf<'record-view-source'>, 'action' | 'outcome' | 'source'>;
  readonly patientRestricted: boolean;
}): AsyncGenerator<RecordStreamEvent, void, undefined> {
  const { deps, request, traced, considered } = input;
  // Stopping early (client gone, audit failed) abandons the calls still running.
  const stop = new AbortController();
  const signal =
    request.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, request.signal]);
  const sourceRequest = {
    patient: traced,
    user: request.user,
    requestId: request.requestId,
    signal,
  };
  const pending = new Map(
    considered.map((candidate, index) => [
      index,
      callConsidered(candidate, sourceRequest).then((result) => ({ index, result })),
    ]),
  );
  const summaries: (SourceSummary | undefined)[] = considered.map(() => undefined);
  const visibleSummaries: (SourceSummary | undefined)[] = considered.map(() => undefined);
  const withheld: Partial<Record<SectionName, number>> = {};
  const withheldCategories = new Set<string>();
  let informationWithheld = false;
  let completed = false as boolean;
  let auditFailed = false as boolean;
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      pending.delete(index);
      // The clinician has gone: nothing more is sent, so nothing more is disclosed or audited as sent.
      if (request.signal?.aborted === true) return;
      const record = assembleRecord({
        traced,
        results: [result],
        sources: considered.map(sourceOf),
        retrievedAt: deps.now(),
      });
      const received = record.sources[0];
      if (received === undefined) continue;
      summaries[index] = received;
      // access: each source's items are filtered as a whole (links between items stay within a source).
      const filtered = deps.filter({ role: request.user.role, sections: record.sections });
      for (const [name, count] of Object.entries(filtered.withheld) as [SectionName, number][]) {
        withheld[name] = (withheld[name] ?? 0) + count;
      }
      for (const category of filtered.withheldCategories) withheldCategories.add(category);
      informationWithheld ||= filtered.informationWithheld;
      const summary = recountVisible([received], filtered.sections)[0] ?? received;
      visibleSummaries[index] = summary;
      try {
        await deps.audit.append({
          ...input.audit,
          time: deps.now().toISOString(),
          action: 'record-view-source',
          outcome: summary.status === 'answered' ? 'success' : 'failure',
          source: sourceCallForAudit(received),
        });
      } catch (error) {
        auditFailed = true;
        throw error;
      }
      const sections: Partial<Record<SectionName, readonly RecordItem[]>> = {};
      for (const name of SECTION_NAMES) {
        if (filtered.sections[name].length > 0) sections[name] = filtered.sections[name];
      }
      yield {
        type: 'source',
        source: summary,
        sections,
        informationWithheld: filtered.informationWithheld,
      };
    }
    const sources = summaries.filter((summary) => summary !== undefined);
    const elapsedMs = Math.round(performance.now() - input.started);
    try {
      await deps.audit.append({
        ...input.audit,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'success',
        sources: sources.map(sourceCallForAudit),
        withheld,
        ...(withheldCategories.size === 0
          ? {}
          : { withheldCategories: [...withheldCategories].sort() }),
        elapsedMs,
        patientRestricted: input.patientRestricted,
      });
    } catch (error) {
      auditFailed = true;
      throw error;
    }
    completed = true;
    yield { type: 'complete', sources: sentSummaries(), elapsedMs, informationWithheld };
  } finally {
    if (!completed) {
      stop.abort();
      if (!auditFailed) await recordAbandoned();
    }
  }

  /** The sources' outcomes as the clinician saw them (counts of visible items). */
  function sentSummaries(): SourceSummary[] {
    return visibleSummaries.filter((summary) => summary !== undefined);
  }

  /** The view ended before `complete` (client gone): the end entry says so, with what was sent. */
  async function recordAbandoned(): Promise<void> {
    try {
      await deps.audit.append({
        ...input.audit,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'failure',
        sources: summaries.filter((summary) => summary !== undefined).map(sourceCallForAudit),
        withheld,
        elapsedMs: Math.round(performance.now() - input.started),
        patientRestricted: input.patientRestricted,
      });
    } catch {
      // Nothing more can be sent; the per-source entries already account for every item sent.
    }
  }
}

/** The sequence number the audit log answered an append with (test doubles may answer nothing). */
function seqOf(appended: unknown): number | undefined {
  if (typeof appended !== 'object' || appended === null || !('seq' in appended)) return undefined;
  return typeof appended.seq === 'number' ? appended.seq : undefined;
}

/** The audit's optional list of withheld categories (absent when nothing was withheld). */
function withheldCategoriesOf(filtered: FilteredRecord): { withheldCategories?: string[] } {
  return filtered.withheldCategories.length === 0
    ? {}
    : { withheldCategories: [...filtered.withheldCategories].sort() };
}

/**
 * Each source's counts and message recomputed from the items left after filtering, so that
 * what the clinician reads never reveals how many items were withheld.
 */
function recountVisible(sources: readonly SourceSummary[], sections: Sections): SourceSummary[] {
  return sources.map((source) => {
    if (source.status !== 'answered') return source;
    const counts: Partial<Record<SectionName, number>> = {};
    for (const name of SECTION_NAMES) {
      const count = sections[name].filter((item) => item.source.sourceId === source.id).length;
      if (count > 0) counts[name] = count;
    }
    return { ...source, counts, message: describeAnswered(counts) };
  });
}

/** The GP Connect sources that answered this view: the list reconciliation starts from. */
function answeredGpSources(
  considered: readonly ConsideredSource[],
  sources: readonly SourceSummary[],
): Set<string> {
  const gp = new Set(
    considered
      .map(sourceOf)
      .filter((source) => source.kind === 'gp-connect')
      .map((source) => source.id),
  );
  return new Set(
    sources
      .filter((source) => source.status === 'answered' && gp.has(source.id))
      .map((source) => source.id),
  );
}

/** The configuration of a considered source, asked or not. */
function sourceOf(candidate: ConsideredSource): Connector['source'] {
  return candidate.kind === 'ask' ? candidate.connector.source : candidate.source;
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

/** A connector must never throw; if one does anyway, its source is reported as an error. */
async function callSafely(
  connector: Connector,
  request: Parameters<Connector['fetchRecord']>[0],
): Promise<SourceResult> {
  const started = performance.now();
  try {
    return await connector.fetchRecord(request);
  } catch {
    return {
      sourceId: connector.source.id,
      status: 'error',
      elapsedMs: performance.now() - started,
      message: 'This source could not be read because of an internal error.',
      warnings: [],
    };
  }
}

function sourceCallForAudit(summary: SourceSummary): AuditSourceCall {
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
