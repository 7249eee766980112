/**
 * @module The privacy alert review queue: `GET /api/privacy-alerts?status=open|all` and
 * `POST /api/privacy-alerts/{id}` (outcome and note).
 */
import { Type, type Static } from '@sinclair/typebox';
import { REVIEW_OUTCOMES, ReviewFields, ReviewRequest, type ReviewOutcome } from './common.ts';

/** What a privacy officer may conclude (the same outcomes in both review queues). */
export const ALERT_OUTCOMES = REVIEW_OUTCOMES;
export type AlertOutcome = ReviewOutcome;

/** One alert raised by a privacy-monitoring rule. */
export const PrivacyAlert = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  /** The audit entry that raised it. */
  seq: Type.Integer(),
  userId: Type.String(),
  /** The person, by name (from their account; absent when the account is gone). */
  user: Type.Optional(
    Type.Object({
      name: Type.String(),
      username: Type.String(),
      role: Type.String(),
      organisation: Type.String(),
    }),
  ),
  nhsNumber: Type.Optional(Type.String()),
  occurredAt: Type.String(),
  detail: Type.String(),
  createdAt: Type.String(),
  ...ReviewFields,
});
export type PrivacyAlert = Static<typeof PrivacyAlert>;

/** `GET /api/privacy-alerts`. */
export const PrivacyAlertList = Type.Object({ alerts: Type.Array(PrivacyAlert) });
export type PrivacyAlertList = Static<typeof PrivacyAlertList>;

/** The body of `POST /api/privacy-alerts/{id}`. */
export const PrivacyAlertReviewRequest = ReviewRequest;

/** `POST /api/privacy-alerts/{id}`. */
export const PrivacyAlertReviewed = Type.Object({ alert: PrivacyAlert });
export type PrivacyAlertReviewed = Static<typeof PrivacyAlertReviewed>;
