/**
 * @module Reading the privacy alert queue, as steps: access → the queue → the reading audited as a
 * search of the trail (the queue says who looked at whom).
 */
import type { Policy } from '../../access/policy/policy.ts';
import type { AuditLog } from '../audit-log.ts';
import { auditedAction, requirePolicyAction, type ActionRequest } from '../audited-action.ts';
import type { PrivacyAlert, PrivacyAlerts } from './privacy-alerts.ts';

/** Which part of the queue to read. */
export interface ListPrivacyAlertsRequest extends ActionRequest {
  readonly status: 'open' | 'all';
}

/** Answers the alerts. Throws Forbidden (audited) or AuditUnavailable (then nothing is shown). */
export function createListPrivacyAlerts(deps: {
  readonly audit: Pick<AuditLog, 'append'>;
  readonly now: () => Date;
  readonly policy: Pick<Policy, 'mayDo'>;
  readonly privacyAlerts: PrivacyAlerts;
}) {
  return async function listPrivacyAlerts(
    request: ListPrivacyAlertsRequest,
  ): Promise<PrivacyAlert[]> {
    // access: the role may review (privacy officers by default).
    await requirePolicyAction(deps, request, 'review-emergency-access', 'privacy-alert-list');

    // the queue, then its reading in the audit trail: no entry, no alerts shown.
    const alerts = await deps.privacyAlerts.list(request.status);
    await deps.audit.append({
      ...auditedAction(deps, request).fields(),
      action: 'audit-searched',
      outcome: 'success',
      resultCount: alerts.length,
    });
    return alerts;
  };
}
