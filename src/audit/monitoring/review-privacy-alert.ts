/**
 * @module A privacy officer's review of one privacy alert, through the shared review step
 * (src/audit/review-step.ts): access → note → the review and its audit entry, committed together.
 */
import { recordReview, type ReviewDeps, type ReviewRequest } from '../review-step.ts';
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
  deps: ReviewDeps & { readonly privacyAlerts: PrivacyAlerts },
) {
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
    });
  };
}
