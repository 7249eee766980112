/**
 * @module The emergency access review queue: `GET /api/emergency-reviews?status=open|all` and
 * `POST /api/emergency-reviews/{permissionId}` (outcome and note).
 */
import { Type, type Static } from '@sinclair/typebox';
import { REVIEW_OUTCOMES, ReviewFields, ReviewRequest, type ReviewOutcome } from './common.ts';

export { REVIEW_OUTCOMES, type ReviewOutcome };

/** One emergency access and its review. */
export const EmergencyReview = Type.Object({
  permissionId: Type.String(),
  nhsNumber: Type.String(),
  reasonCode: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  userId: Type.String(),
  organisation: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  withdrawnAt: Type.Optional(Type.String()),
  live: Type.Boolean(),
  ...ReviewFields,
});
export type EmergencyReview = Static<typeof EmergencyReview>;

/** `GET /api/emergency-reviews`. */
export const EmergencyReviewList = Type.Object({ reviews: Type.Array(EmergencyReview) });
export type EmergencyReviewList = Static<typeof EmergencyReviewList>;

/** The body of `POST /api/emergency-reviews/{permissionId}`. */
export const EmergencyReviewRequest = ReviewRequest;

/** `POST /api/emergency-reviews/{permissionId}`. */
export const EmergencyReviewed = Type.Object({ review: EmergencyReview });
export type EmergencyReviewed = Static<typeof EmergencyReviewed>;
