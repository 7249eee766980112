/**
 * @module A privacy officer's review of one emergency access, through the shared review step
 * (src/audit/review-step.ts): access → note → the review and its audit entry, committed together.
 */
import { recordReview, type ReviewDeps, type ReviewRequest } from '../audit/review-step.ts';
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
  deps: ReviewDeps & { readonly emergencyReviews: EmergencyReviews },
) {
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
    });
  };
}
