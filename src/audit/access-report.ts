/**
 * @module The patient access report: from the audit trail, who viewed or printed one patient's record
 * (name, role, organisation), when, on what basis, and how it ended; with counts per day for
 * a chart. Answers a patient's "who looked at my record?".
 */
import type { AuditBasis, AuditActor } from './audit-event.ts';
import type { AuditLog, AuditRecord } from './audit-log.ts';

/** One access to the record, as the report lists it. */
export interface AccessReportEntry {
  /** The audit entry the access began with (its inclusion proof is at /api/audit/{seq}/proof). */
  readonly seq: number;
  /** When (ISO-8601 UTC). */
  readonly time: string;
  readonly requestId: string;
  /** `record-view` (the record was opened), `record-print` (printed), or `denied` (an attempt that was refused). */
  readonly kind: 'record-view' | 'record-print' | 'denied';
  /** For a print: the whole record or the summary. */
  readonly scope?: 'record' | 'summary';
  readonly user: {
    readonly userId: string;
    readonly name: string;
    readonly role: string;
    readonly organisation: string;
  };
  /** `consent` or `emergency`; absent for refused attempts. */
  readonly basis?: AuditBasis['basis'];
  readonly permissionId?: string;
  /** `success`, `denied`, `failure`, or `incomplete` when a view began but has no end entry. */
  readonly outcome: 'success' | 'denied' | 'failure' | 'incomplete';
  /** Why an attempt was refused (e.g. `no-permission`). */
  readonly reasonCode?: string;
}

/** The report for one patient. */
export interface AccessReport {
  readonly nhsNumber: string;
  readonly generatedAt: string;
  readonly from?: string;
  readonly to?: string;
  /** Newest first. */
  readonly accesses: readonly AccessReportEntry[];
  /** Accesses per UTC day, oldest first, days without any left out. */
  readonly perDay: readonly { readonly date: string; readonly count: number }[];
  /** True when the trail held more than the report could list (`limit`). */
  readonly truncated: boolean;
}

/** What to report on. */
export interface AccessReportQuery {
  readonly nhsNumber: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Most audit entries to read (default 10 000). */
  readonly limit?: number;
}

function userOf(actor: AuditActor): AccessReportEntry['user'] {
  return {
    userId: actor.userId,
    name: actor.displayName ?? actor.username,
    role: actor.role,
    organisation: actor.organisation,
  };
}

/** Builds the report from audit records about the patient (any order). */
export function accessReportFrom(
  records: readonly AuditRecord[],
  query: AccessReportQuery,
  generatedAt: string,
  truncated = false,
): AccessReport {
  const ends = new Map<string, AuditRecord>();
  for (const record of records) {
    if (record.entry.event.action === 'record-view-completed') {
      ends.set(record.entry.event.requestId, record);
    }
  }
  const accesses: AccessReportEntry[] = [];
  for (const record of records) {
    const event = record.entry.event;
    if (event.action === 'record-view-started') {
      const end = ends.get(event.requestId)?.entry.event;
      const outcome =
        event.outcome !== 'success'
          ? event.outcome
          : end === undefined
            ? 'incomplete'
            : end.outcome;
      accesses.push({
        seq: record.seq,
        time: event.time,
        requestId: event.requestId,
        kind: 'record-view',
        user: userOf(event.actor),
        basis: event.basis.basis,
        permissionId: event.basis.permissionId,
        outcome,
      });
    } else if (event.action === 'record-printed') {
      accesses.push({
        seq: record.seq,
        time: event.time,
        requestId: event.requestId,
        kind: 'record-print',
        scope: event.scope,
        user: userOf(event.actor),
        basis: event.basis.basis,
        permissionId: event.basis.permissionId,
        outcome: event.outcome,
      });
    } else if (event.action === 'access-denied' && event.actor !== null) {
      accesses.push({
        seq: record.seq,
        time: event.time,
        requestId: event.requestId,
        kind: 'denied',
        user: userOf(event.actor),
        outcome: 'denied',
        reasonCode: event.reasonCode,
      });
    }
  }
  accesses.sort((a, b) => b.seq - a.seq);
  const days = new Map<string, number>();
  for (const access of accesses) {
    const date = access.time.slice(0, 10);
    days.set(date, (days.get(date) ?? 0) + 1);
  }
  const perDay = [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, count]) => ({ date, count }));
  return {
    nhsNumber: query.nhsNumber,
    generatedAt,
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    accesses,
    perDay,
    truncated,
  };
}

/** Reads the patient's audit entries (in pages) and builds the report. */
export async function buildAccessReport(
  audit: Pick<AuditLog, 'list'>,
  query: AccessReportQuery,
  now: () => Date,
): Promise<AccessReport> {
  const cap = Math.max(1, query.limit ?? 10_000);
  const records: AuditRecord[] = [];
  let afterSeq: number | undefined;
  let truncated = false;
  for (;;) {
    const page = await audit.list({
      nhsNumber: query.nhsNumber,
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(afterSeq === undefined ? {} : { afterSeq }),
      limit: 1000,
    });
    records.push(...page);
    if (page.length < 1000) break;
    afterSeq = page[page.length - 1]?.seq;
    if (records.length >= cap) {
      truncated = true;
      break;
    }
  }
  return accessReportFrom(records, query, now().toISOString(), truncated);
}
