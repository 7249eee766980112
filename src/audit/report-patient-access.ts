/**
 * @module A patient's access report (who looked at their record, for a subject access request),
 * as steps: access (the policy's `search-audit`) → the period read → the report from the trail →
 * the reading audited as `audit-searched` before the report leaves.
 */
import type { Policy } from '../access/policy/policy.ts';
import { buildAccessReport, type AccessReport } from './access-report.ts';
import { auditedSearch, type ActionRequest, type AuditedActionDeps } from './audited-action.ts';
import type { AuditLog } from './audit-log.ts';

export interface ReportPatientAccessRequest extends ActionRequest {
  readonly nhsNumber: string;
  /** Reads the period (ISO-8601 instants), throwing the caller's error; called once access is allowed. */
  readonly period: () => { readonly from?: string | undefined; readonly to?: string | undefined };
}

/** Produces the report. Throws Forbidden (audited) or the audit's error (then no report leaves). */
export function createReportPatientAccess(
  deps: AuditedActionDeps & {
    readonly audit: Pick<AuditLog, 'append' | 'list'>;
    readonly policy: Pick<Policy, 'mayDo'>;
  },
) {
  return function reportPatientAccess(request: ReportPatientAccessRequest): Promise<AccessReport> {
    const { nhsNumber } = request;
    return auditedSearch(deps, request, {
      attempted: 'access-report',
      nhsNumber,
      read: () => buildAccessReport(deps.audit, { nhsNumber, ...request.period() }, deps.now),
      counted: (report) => ({ resultCount: report.accesses.length, nhsNumber }),
    });
  };
}
