/**
 * @module Privacy administration: the emergency access review queue
 * (`GET /api/emergency-reviews`, `POST /api/emergency-reviews/{permissionId}`) and the local dissent
 * register (`POST|DELETE /api/patients/{nhsNumber}/dissent`). Every action and every refusal is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePolicyAction } from '../../audit/audited-action.ts';
import { REVIEW_OUTCOMES, type EmergencyReview } from '../../consent/emergency-reviews.ts';
import type { Dissent } from '../../consent/permissions.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';

const ReviewSchema = Type.Object({
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
  status: Type.Union([Type.Literal('open'), Type.Literal('reviewed')]),
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  reviewedBy: Type.Optional(Type.String()),
  reviewedAt: Type.Optional(Type.String()),
});

const DissentSchema = Type.Object({
  id: Type.String(),
  nhsNumber: Type.String(),
  recordedBy: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});

function reviewJson(review: EmergencyReview) {
  const { permission } = review;
  return {
    permissionId: permission.id,
    nhsNumber: permission.nhsNumber,
    reasonCode: permission.reasonCode,
    reason: permission.reason,
    userId: permission.userId,
    organisation: permission.organisation,
    createdAt: permission.createdAt,
    expiresAt: permission.expiresAt,
    withdrawnAt: permission.withdrawnAt,
    live: review.live,
    status: review.reviewedAt === undefined ? ('open' as const) : ('reviewed' as const),
    outcome: review.outcome,
    note: review.note,
    reviewedBy: review.reviewedBy,
    reviewedAt: review.reviewedAt,
  };
}

function dissentJson(dissent: Dissent) {
  return {
    id: dissent.id,
    nhsNumber: dissent.nhsNumber,
    recordedBy: dissent.recordedBy,
    createdAt: dissent.createdAt,
    revokedAt: dissent.revokedAt,
  };
}

export const consentAdminRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { emergencyReviews, actions } = services;

  app.get(
    '/api/emergency-reviews',
    {
      schema: {
        querystring: Type.Object(
          { status: Type.Union([Type.Literal('open'), Type.Literal('all')], { default: 'open' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ reviews: Type.Array(ReviewSchema) }),
          403: OutcomeSchema,
        },
      },
    },
    async (request) => {
      await requirePolicyAction(
        services,
        actionRequest(request),
        'review-emergency-access',
        'emergency-review-list',
      );
      const reviews = await emergencyReviews.list(request.query.status);
      return { reviews: reviews.map(reviewJson) };
    },
  );

  app.post(
    '/api/emergency-reviews/:permissionId',
    {
      schema: {
        params: Type.Object({ permissionId: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            outcome: Type.Union(REVIEW_OUTCOMES.map((outcome) => Type.Literal(outcome))),
            note: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ review: ReviewSchema }),
          400: OutcomeSchema,
          403: OutcomeSchema,
          404: OutcomeSchema,
          409: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const review = await actions.reviewEmergencyAccess({
        ...actionRequest(request),
        permissionId: request.params.permissionId,
        outcome: request.body.outcome,
        note: request.body.note,
      });
      return { review: reviewJson(review) };
    },
  );

  app.post(
    '/api/patients/:nhsNumber/dissent',
    {
      schema: {
        params: NhsNumberParams,
        response: {
          200: Type.Object({ dissent: DissentSchema }),
          400: OutcomeSchema,
          403: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const dissent = await actions.recordDissent({ ...actionRequest(request), nhsNumber });
      return { dissent: dissentJson(dissent) };
    },
  );

  app.delete(
    '/api/patients/:nhsNumber/dissent',
    {
      schema: {
        params: NhsNumberParams,
        response: { 204: Type.Null(), 400: OutcomeSchema, 403: OutcomeSchema, 404: OutcomeSchema },
      },
    },
    async (request, reply) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      await actions.withdrawDissent({ ...actionRequest(request), nhsNumber });
      return reply.code(204).send(null);
    },
  );
};
