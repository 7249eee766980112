/**
 * @module One record view, as one readable list of steps:
 * access → consent → audit start → sources → record → audit end.
 * No source is contacted until the permission is confirmed and the start is in the audit trail;
 * no data is returned unless the end is in the audit trail too.
 */
import type { User } from '../access/user.ts';
import { auditActor } from '../audit/audit-actor.ts';
import type { AuditClient, AuditEvent, AuditSourceCall } from '../audit/audit-event.ts';
import { PatientDissented, PermissionRequired } from '../consent/consent-errors.ts';
import type { Permission } from '../consent/permission.ts';
import type { ConsentActor } from '../consent/permissions.ts';
import type { PatientSummary } from '../identity/patient-summary.ts';
import type { TraceResult } from '../identity/trace-result.ts';
import type { Connector, SourceResult } from '../sources/source-result.ts';
import { assembleRecord, type SourceSummary } from './assemble-record.ts';
import type { Sections } from './sections.ts';

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
    findLive(nhsNumber: string, actor: ConsentActor): Promise<Permission | undefined>;
  };
  /** Appends to the audit trail; throws when it cannot (the view then fails closed). */
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly trace: (nhsNumber: string) => Promise<TraceResult>;
  readonly connectors: readonly Connector[];
  readonly now: () => Date;
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
}

export interface RecordViews {
  /** Throws RoleMayNotViewRecords, PatientDissented, PermissionRequired, PatientNotTraced, or the audit's error. */
  view(request: RecordViewRequest): Promise<RecordView>;
}

export function createRecordViews(deps: RecordViewDeps): RecordViews {
  return {
    async view(request) {
      const started = performance.now();
      const { user, nhsNumber } = request;
      const common = {
        time: deps.now().toISOString(),
        requestId: request.requestId,
        ...(request.client === undefined ? {} : { client: request.client }),
        actor: auditActor(user),
        nhsNumber,
      };
      const deny = async (reasonCode: string): Promise<void> => {
        await deps.audit.append({
          ...common,
          action: 'access-denied',
          outcome: 'denied',
          attempted: 'record-view',
          reasonCode,
        });
      };

      // access: may this role view records at all?
      if (!deps.mayViewRecords(user)) {
        await deny('role-not-allowed');
        throw new RoleMayNotViewRecords();
      }

      // consent: dissent first (it overrides any permission), then a live permission for this user.
      if (await deps.consent.hasDissent(nhsNumber)) {
        await deny('dissent');
        throw new PatientDissented();
      }
      const permission = await deps.consent.findLive(nhsNumber, user);
      if (permission === undefined) {
        await deny('no-live-permission');
        throw new PermissionRequired();
      }
      const basis = { permissionId: permission.id, basis: permission.basis };

      // audit: the start is written before anything is collected; if it fails, this throws.
      await deps.audit.append({
        ...common,
        action: 'record-view-started',
        outcome: 'success',
        basis,
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

      // sources: every connector in parallel, each under its own deadline; none can sink the others.
      const sourceRequest = {
        patient: trace.traced,
        user,
        requestId: request.requestId,
        signal: request.signal,
      };
      const results = await Promise.all(
        deps.connectors.map((connector) => callSafely(connector, sourceRequest)),
      );
      const retrievedAt = deps.now();

      // record: normalise, check demographics, group into sections with provenance.
      const record = assembleRecord({
        traced: trace.traced,
        results,
        sources: deps.connectors.map((connector) => connector.source),
        retrievedAt,
      });

      // audit: the end, with each source's outcome and counts. No entry, no data.
      await deps.audit.append({
        ...common,
        time: deps.now().toISOString(),
        action: 'record-view-completed',
        outcome: 'success',
        basis,
        sources: record.sources.map(sourceCallForAudit),
        withheld: {},
        elapsedMs: Math.round(performance.now() - started),
      });

      return {
        patient: trace.summary,
        permission: { id: permission.id, basis: permission.basis, expiresAt: permission.expiresAt },
        sources: record.sources,
        sections: record.sections,
      };
    },
  };
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
    ...(summary.errorCode === undefined ? {} : { errorCode: auditCode(summary.errorCode) }),
    warnings: [...new Set(summary.warnings.map((warning) => auditCode(warning.code)))],
  };
}

/** Protocol codes such as `ACCESS DENIED` carry a space; the audit keeps codes space-free. */
function auditCode(code: string): string {
  return code.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 80) || 'unknown';
}
