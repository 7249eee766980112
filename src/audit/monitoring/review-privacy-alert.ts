/**
 * @module A privacy officer's review of one privacy alert, through the shared review step
 * (src/audit/review-step.ts): access → note → the review, the emergency access an
 * `emergency-access` alert was raised on reviewed with the same outcome and note, and their audit
 * entries, committed together.
 */
import type { EmergencyReviews } from '../../consent/emergency-reviews.ts';
import type { AuditEvent } from '../audit-event.ts';
import type { AuditLog } from '../audit-log.ts';
import {
  AlreadyReviewed,
  NothingToReview,
  recordReview,
  type ReviewDeps,
  type ReviewRequest,
} from '../review-step.ts';
import type { AlertOutcome, PrivacyAlert, PrivacyAlerts } from './privacy-alerts.ts';

/** One alert's review as sent. */
export interface ReviewPrivacyAlertRequest extends ReviewRequest {
  readonly alertId: string;
  readonly outcome: AlertOutcome;
}

/**
 * Records the review. Throws Forbidden (audited), InvalidReviewNote, NothingToReview,
 * AlreadyReviewed, or AuditUnavailable (then the alert is still open).
 */
export function createReviewPrivacyAlert(
  deps: ReviewDeps & {
    readonly privacyAlerts: PrivacyAlerts;
    readonly emergencyReviews: Pick<EmergencyReviews, 'record'>;
    readonly auditEntries: Pick<AuditLog, 'list'>;
  },
) {
  /** The emergency permission an `emergency-access` alert was raised on. */
  async function permissionOf(alert: PrivacyAlert): Promise<string | undefined> {
    if (alert.rule !== 'emergency-access') return undefined;
    const [record] = await deps.auditEntries.list({
      afterSeq: alert.seq - 1,
      beforeSeq: alert.seq + 1,
      limit: 1,
    });
    const event = record?.entry.event;
    return event?.action === 'emergency-access' ? event.permissionId : undefined;
  }

  return function reviewPrivacyAlert(request: ReviewPrivacyAlertRequest): Promise<PrivacyAlert> {
    return recordReview(deps, request, {
      attempted: 'privacy-alert-review',
      record: (note, trx) =>
        deps.privacyAlerts.review(
          { id: request.alertId, outcome: request.outcome, note, reviewer: request.user },
          trx,
        ),
      event: (alert, fields) => ({
        ...fields,
        action: 'privacy-alert-reviewed',
        outcome: 'success',
        alertId: alert.id,
        rule: alert.rule,
        ...(alert.nhsNumber === undefined ? {} : { nhsNumber: alert.nhsNumber }),
        reviewOutcome: request.outcome,
      }),
      // an emergency access's alert: the access's own review is answered by the same review.
      async linked() {
        const alert = (await deps.privacyAlerts.list('open')).find((a) => a.id === request.alertId);
        const permissionId = alert === undefined ? undefined : await permissionOf(alert);
        return async (_alert, note, trx, fields): Promise<AuditEvent[]> => {
          if (permissionId === undefined) return [];
          try {
            const review = await deps.emergencyReviews.record(
              { permissionId, outcome: request.outcome, note, reviewer: request.user },
              trx,
            );
            return [
              {
                ...fields,
                action: 'emergency-access-reviewed',
                outcome: 'success',
                nhsNumber: review.permission.nhsNumber,
                permissionId,
                reviewOutcome: request.outcome,
              },
            ];
          } catch (error) {
            // Reviewed already (or no longer awaiting review): nothing more to close.
            if (error instanceof AlreadyReviewed || error instanceof NothingToReview) return [];
            throw error;
          }
        };
      },
    });
  };
}
