/**
 * @module One record view, as one readable list of steps:
 * access → consent → audit start → trace (with the R4 sources asked by NHS number beside it) →
 * sources → record → audit end.
 * No source is contacted until the permission is confirmed and the start is in the audit trail;
 * no data is returned unless the end is in the audit trail too.
 */
import type { User } from '../access/user.ts';
import { followSignal } from '../http/deadline.ts';
import { auditedAction } from '../audit/audited-action.ts';
import type { AuditClient, AuditSourceCall } from '../audit/audit-event.ts';
import type { Permission } from '../consent/permission.ts';
import type { PatientSummary } from '../identity/patient-summary.ts';
import type { TraceResult } from '../identity/trace-result.ts';
import type { DocumentOpener, OpenedDocument } from '../sources/nrl-document.ts';
import type { Connector, SourceResult } from '../sources/source-result.ts';
import type { FilteredRecord } from '../access/policy/filter-record.ts';
import type { TracedView } from '../audit/monitoring/privacy-monitor.ts';
import type { Role } from '../shared/roles.ts';
import type { SourceSummary } from './assemble-record.ts';
import {
  askEveryConnector,
  type ConsideredSource,
  type DiscoverSources,
} from './discover-sources.ts';
import type { ReconciliationLine } from './reconcile-medicines.ts';
import { DocumentUnavailable, openSourceDocument } from './record-view-document.ts';
import {
  passRecordGates,
  RoleMayNotViewRecords,
  type RecordGateDeps,
} from './record-view-gates.ts';
import { callSafely } from '../sources/never-throws.ts';
import {
  foldRecord,
  recordEvents,
  sourceOf,
  type PipelineAudit,
  type PipelineInput,
  type RecordStreamEvent,
} from './record-pipeline.ts';
import {
  SECTION_NAMES,
  type RecordItem,
  type SectionName,
  type Sections,
} from '../shared/sections.ts';

export { DocumentUnavailable, RoleMayNotViewRecords };
export type { RecordStreamEvent, StreamedComplete, StreamedSource } from './record-pipeline.ts';

/** The patient could not be traced on the demographics service. */
export class PatientNotTraced extends Error {
  override readonly name = 'PatientNotTraced';
  readonly reason: 'not-found' | 'unavailable';
  constructor(reason: 'not-found' | 'unavailable', message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The gates' needs (access, consent: {@link RecordGateDeps}) and the view's own. */
export interface RecordViewDeps extends RecordGateDeps {
  /** Appends to the audit trail; throws when it cannot (the view then fails closed). */
  readonly audit: PipelineAudit;
  readonly trace: (nhsNumber: string) => Promise<TraceResult>;
  readonly connectors: readonly Connector[];
  /**
   * Connectors the plain view may ask beside the trace, by NHS number alone, rather than after it
   * (discovery asks them whatever the trace says); none when absent. Their items are still checked
   * against the trace before anything is sent, and a failed trace abandons and audits them.
   */
  readonly askBeforeTrace?: ((connector: Connector) => boolean) | undefined;
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
   * Told of each traced patient (privacy monitoring compares the
   * patient's demographics with the user's, so no name or address need enter the audit trail).
   * `auditSeq` is the `record-view-started` entry's place in the trail, when the audit says.
   * Must not throw.
   */
  readonly onTraced?: ((traced: TracedView) => Promise<void>) | undefined;
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
  /**
   * Opens a DocumentReference's attachment from one of this view's sources, under the same gates
   * and audit: the source is asked again and its answer checked against the trace and the policy.
   * Throws as `view` does, or DocumentUnavailable (`patient-not-found`: no such document for this
   * patient; `access-denied`: the role may not see it; otherwise it could not be had).
   */
  openSourceDocument(
    request: RecordViewRequest & { readonly sourceId: string; readonly documentId: string },
  ): Promise<OpenedDocument>;
}

export function createRecordViews(deps: RecordViewDeps): RecordViews {
  const discover = deps.discover ?? askEveryConnector(deps.connectors);

  /**
   * The steps before any source is asked: access → consent → audit start → trace; with `early`,
   * the sources it names are asked beside the trace (after the audit start, never before).
   */
  async function open(request: RecordViewRequest, early: readonly Connector[] = []) {
    const started = performance.now();
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);
    const common = audited.fields(nhsNumber);

    // access → consent: the role, the dissent register, a live permission (refusals audited).
    const { permission, dissentOverridden } = await passRecordGates(deps, audited, {
      user,
      nhsNumber,
      attempted: 'record-view',
    });
    const basis = { permissionId: permission.id, basis: permission.basis };

    // audit: the start is written before anything is collected; if it fails, this throws.
    const startEntry = await deps.audit.append({
      ...common,
      action: 'record-view-started',
      outcome: 'success',
      basis,
      ...(dissentOverridden ? { dissentOverridden: true as const } : {}),
    });

    // sources: those asked by NHS number alone need not wait for the trace.
    // One controller for the view, aborted by the request's own signal too (no AbortSignal.any).
    const { controller: stop } = followSignal(request.signal);
    const { signal } = stop;
    const prefetched = new Map(
      early.map((connector) => [
        connector,
        callSafely(connector, {
          patient: { nhsNumber },
          user,
          requestId: request.requestId,
          signal,
        }),
      ]),
    );

    // identity: trace the patient nationally; sources' answers are checked against it.
    let trace: TraceResult;
    try {
      trace = await deps.trace(nhsNumber);
    } catch (error) {
      stop.abort();
      await auditUntraced(prefetched.values());
      throw error;
    }
    if (trace.kind !== 'found') {
      // Nothing asked early is kept or sent; the end entry names what was asked.
      stop.abort();
      await auditUntraced(prefetched.values());
      throw new PatientNotTraced(trace.kind, trace.message);
    }

    /** audit: the end of a view whose patient could not be traced (outcome failure). */
    async function auditUntraced(calls: Iterable<Promise<SourceResult>>): Promise<void> {
      const results = await Promise.all(calls);
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'failure',
        basis,
        sources: results.map((result) => ({
          id: result.sourceId,
          status: result.status,
          elapsedMs: Math.round(result.elapsedMs),
          counts: {},
          warnings: [],
        })),
        withheld: {},
        elapsedMs: Math.round(performance.now() - started),
      });
    }
    await deps.onTraced?.({
      user,
      nhsNumber,
      requestId: request.requestId,
      time: common.time,
      patient: trace.summary,
      auditSeq: seqOf(startEntry),
    });
    return { started, common, basis, permission, trace, prefetched, stop };
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
      // The plain view is the stream folded: the same steps, the same audit entries; the R4
      // sources discovery asks whatever the trace says are asked beside it.
      const early = deps.connectors.filter(
        (connector) => deps.askBeforeTrace?.(connector) === true,
      );
      const opened = await open(request, early);
      const considered = await discoverFor(opened.trace, request.signal);
      const record = await foldRecord(
        recordEvents({ ...pipelineInput(request, opened, considered), sendsAtEnd: true }),
      );
      return {
        patient: opened.trace.summary,
        permission: permissionOf(opened.permission),
        sources: record.sources,
        sections: record.sections,
        informationWithheld: record.informationWithheld,
        reconciliation: record.reconciliation,
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

    async openSourceDocument(request) {
      const opened = await open(request);
      const considered = await discoverFor(opened.trace, request.signal);
      return openSourceDocument(openedInput(request, opened, considered));
    },

    async stream(request) {
      const opened = await open(request);
      const considered = await discoverFor(opened.trace, request.signal);
      return {
        patient: opened.trace.summary,
        permission: permissionOf(opened.permission),
        sources: considered.map(sourceOf).map((source) => ({
          id: source.id,
          name: source.name,
          organisation: source.organisation,
        })),
        events: recordEvents(pipelineInput(request, opened, considered)),
      };
    },
  };

  /** What every step after the gates is given: the request, the traced patient, the audit fields. */
  function openedInput<R extends RecordViewRequest>(
    request: R,
    opened: Awaited<ReturnType<typeof open>>,
    considered: readonly ConsideredSource[],
  ) {
    return {
      deps,
      considered,
      request,
      traced: opened.trace.traced,
      started: opened.started,
      audit: { ...opened.common, basis: opened.basis },
      patientRestricted: opened.trace.summary.restricted,
    };
  }

  /** What the pipeline is given once the gates have passed. */
  function pipelineInput(
    request: RecordViewRequest,
    opened: Awaited<ReturnType<typeof open>>,
    considered: readonly ConsideredSource[],
  ): PipelineInput {
    return {
      ...openedInput(request, opened, considered),
      prefetched: opened.prefetched,
      stop: opened.stop,
    };
  }
}

/** The permission as the view tells the clinician: which, on what basis, until when. */
function permissionOf(permission: Permission): RecordView['permission'] {
  return { id: permission.id, basis: permission.basis, expiresAt: permission.expiresAt };
}

/** The sequence number the audit log answered an append with (test doubles may answer nothing). */
function seqOf(appended: unknown): number | undefined {
  if (typeof appended !== 'object' || appended === null || !('seq' in appended)) return undefined;
  return typeof appended.seq === 'number' ? appended.seq : undefined;
}
