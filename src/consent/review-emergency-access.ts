/**
 * @module A privacy officer's review of one emergency access, through the shared review step
 * (src/audit/review-step.ts): access → note → the review, the access's open `emergency-access`
 * privacy alert closed with the same outcome and note, and their audit entries, committed together.
 */
import type { AuditEvent } from '../audit/audit-event.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { PrivacyAlert, PrivacyAlerts } from '../audit/monitoring/privacy-alerts.ts';
import {
  AlreadyReviewed,
  NothingToReview,
  recordReview,
  type ReviewDeps,
  type ReviewRequest,
} from '../audit/review-step.ts';
import type { Permissions } from './permissions.ts';
import type { EmergencyReview, EmergencyReviews, ReviewOutcome } from './emergency-reviews.ts';

/** One emergency access's review as sent. */
export interface ReviewEmergencyAccessRequest extends ReviewRequest {
  readonly permissionId: string;
  readonly outcome: ReviewOutcome;
}

/**
 * Records the review. Throws Forbidden (audited), InvalidReviewNote, NothingToReview,
 * AlreadyReviewed, or AuditUnavailable (then the access is still open for review).
 */
export function createReviewEmergencyAccess(
  deps: ReviewDeps & {
    readonly emergencyReviews: EmergencyReviews;
    readonly privacyAlerts: Pick<PrivacyAlerts, 'listForPatient' | 'review'>;
    readonly auditEntries: Pick<AuditLog, 'list'>;
    readonly permissions: Pick<Permissions, 'get'>;
  },
) {
  /** The open `emergency-access` privacy alerts raised on this permission's audit entry. */
  async function alertsOf(permissionId: string): Promise<PrivacyAlert[]> {
    const permission = await deps.permissions.get(permissionId);
    if (permission === undefined) return [];
    const { nhsNumber } = permission;
    const entries = await deps.auditEntries.list({
      action: 'emergency-access',
      nhsNumber,
      limit: 1000,
    });
    const entry = entries.find(
      (r) =>
        r.entry.event.action === 'emergency-access' && r.entry.event.permissionId === permissionId,
    );
    if (entry === undefined) return [];
    const alerts = await deps.privacyAlerts.listForPatient(nhsNumber);
    return alerts.filter(
      (a) => a.rule === 'emergency-access' && a.seq === entry.seq && a.status === 'open',
    );
  }

  return function reviewEmergencyAccess(
    request: ReviewEmergencyAccessRequest,
  ): Promise<EmergencyReview> {
    return recordReview(deps, request, {
      attempted: 'emergency-review-record',
      record: (note, trx) =>
        deps.emergencyReviews.record(
          {
            permissionId: request.permissionId,
            outcome: request.outcome,
            note,
            reviewer: request.user,
          },
          trx,
        ),
      event: (review, fields) => ({
        ...fields,
        action: 'emergency-access-reviewed',
        outcome: 'success',
        nhsNumber: review.permission.nhsNumber,
        permissionId: review.permission.id,
        reviewOutcome: request.outcome,
      }),
      // its privacy alert is answered by the same review.
      async linked() {
        const alerts = await alertsOf(request.permissionId);
        return async (review, note, trx, fields) => {
          const events: AuditEvent[] = [];
          for (const alert of alerts) {
            let closed: PrivacyAlert;
            try {
              closed = await deps.privacyAlerts.review(
                { id: alert.id, outcome: request.outcome, note, reviewer: request.user },
                trx,
              );
            } catch (error) {
              // Reviewed meanwhile: nothing more to close.
              if (error instanceof AlreadyReviewed || error instanceof NothingToReview) continue;
              throw error;
            }
            events.push({
              ...fields,
              action: 'privacy-alert-reviewed',
              outcome: 'success',
              alertId: closed.id,
              rule: closed.rule,
              nhsNumber: review.permission.nhsNumber,
              reviewOutcome: request.outcome,
            });
          }
          return events;
        };
      },
    });
  };
}
