/**
 * @module Reading the privacy alert queue, as steps: access → the queue → who each alert is about
 * (name, username, role and organisation from the user accounts, for everyone, not only those who
 * used emergency access) → the reading audited as a search of the trail (the queue says who
 * looked at whom).
 */
import type { Policy } from '../../access/policy/policy.ts';
import type { UserAccounts } from '../../access/user-accounts.ts';
import type { AuditLog } from '../audit-log.ts';
import { auditedAction, requirePolicyAction, type ActionRequest } from '../audited-action.ts';
import type { PrivacyAlert, PrivacyAlerts } from './privacy-alerts.ts';

/** Which part of the queue to read. */
export interface ListPrivacyAlertsRequest extends ActionRequest {
  readonly status: 'open' | 'all';
}

/** The person an alert is about, as the privacy officer reads it. */
export interface AlertPerson {
  readonly name: string;
  readonly username: string;
  readonly role: string;
  readonly organisation: string;
}

/** An alert with its person, when their account is known. */
export type NamedPrivacyAlert = PrivacyAlert & { readonly user?: AlertPerson | undefined };

/** Answers the alerts. Throws Forbidden (audited) or AuditUnavailable (then nothing is shown). */
export function createListPrivacyAlerts(deps: {
  readonly audit: Pick<AuditLog, 'append'>;
  readonly now: () => Date;
  readonly policy: Pick<Policy, 'mayDo'>;
  readonly privacyAlerts: PrivacyAlerts;
  readonly accounts: Pick<UserAccounts, 'findById'>;
}) {
  async function people(alerts: readonly PrivacyAlert[]): Promise<Map<string, AlertPerson>> {
    const ids = [...new Set(alerts.map((alert) => alert.userId))];
    const found = await Promise.all(ids.map((id) => deps.accounts.findById(id)));
    const byId = new Map<string, AlertPerson>();
    for (const user of found) {
      if (user === undefined) continue;
      byId.set(user.id, {
        name: user.displayName,
        username: user.username,
        role: user.role,
        organisation: user.organisation,
      });
    }
    return byId;
  }

  return async function listPrivacyAlerts(
    request: ListPrivacyAlertsRequest,
  ): Promise<NamedPrivacyAlert[]> {
    // access: the role may review (privacy officers by default).
    await requirePolicyAction(deps, request, 'review-emergency-access', 'privacy-alert-list');

    // the queue, then its reading in the audit trail: no entry, no alerts shown.
    const alerts = await deps.privacyAlerts.list(request.status);
    // who: each alert's person by name, not by internal id.
    const named = await people(alerts);
    await deps.audit.append({
      ...auditedAction(deps, request).fields(),
      action: 'audit-searched',
      outcome: 'success',
      resultCount: alerts.length,
    });
    return alerts.map((alert) => {
      const user = named.get(alert.userId);
      return user === undefined ? alert : { ...alert, user };
    });
  };
}
