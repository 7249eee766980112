/**
 * @module The privacy alert review queue: `GET /api/privacy-alerts?status=open|all` and
 * `POST /api/privacy-alerts/{id}` (outcome and note).
 */
import { Type, type Static } from '@sinclair/typebox';
import { OneOf, ReviewStatus } from './common.ts';

/** What a privacy officer may conclude about one alert. */
export const ALERT_OUTCOMES = ['appropriate', 'needs-follow-up'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

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
  status: ReviewStatus,
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  reviewedBy: Type.Optional(Type.String()),
  reviewedAt: Type.Optional(Type.String()),
});
export type PrivacyAlert = Static<typeof PrivacyAlert>;

/** `GET /api/privacy-alerts`. */
export const PrivacyAlertList = Type.Object({ alerts: Type.Array(PrivacyAlert) });
export type PrivacyAlertList = Static<typeof PrivacyAlertList>;

/** The body of `POST /api/privacy-alerts/{id}`. */
export const PrivacyAlertReviewRequest = Type.Object(
  {
    outcome: OneOf(ALERT_OUTCOMES),
    note: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

/** `POST /api/privacy-alerts/{id}`. */
export const PrivacyAlertReviewed = Type.Object({ alert: PrivacyAlert });
export type PrivacyAlertReviewed = Static<typeof PrivacyAlertReviewed>;
