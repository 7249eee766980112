/**
 * @module The emergency access review queue: `GET /api/emergency-reviews?status=open|all` and
 * `POST /api/emergency-reviews/{permissionId}` (outcome and note).
 */
import { Type, type Static } from '@sinclair/typebox';
import { OneOf, ReviewStatus } from './common.ts';

/** What a privacy officer may conclude about one emergency access. */
export const REVIEW_OUTCOMES = ['appropriate', 'needs-follow-up'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

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
  status: ReviewStatus,
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  reviewedBy: Type.Optional(Type.String()),
  reviewedAt: Type.Optional(Type.String()),
});
export type EmergencyReview = Static<typeof EmergencyReview>;

/** `GET /api/emergency-reviews`. */
export const EmergencyReviewList = Type.Object({ reviews: Type.Array(EmergencyReview) });
export type EmergencyReviewList = Static<typeof EmergencyReviewList>;

/** The body of `POST /api/emergency-reviews/{permissionId}`. */
export const EmergencyReviewRequest = Type.Object(
  {
    outcome: OneOf(REVIEW_OUTCOMES),
    note: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

/** `POST /api/emergency-reviews/{permissionId}`. */
export const EmergencyReviewed = Type.Object({ review: EmergencyReview });
export type EmergencyReviewed = Static<typeof EmergencyReviewed>;
