/**
 * @module Privacy administration: the emergency access review queue
 * (`GET /api/emergency-reviews`, `POST /api/emergency-reviews/{permissionId}`) and the local dissent
 * register (`POST|DELETE /api/patients/{nhsNumber}/dissent`). Every action and every refusal is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePolicyAction } from '../../audit/audited-action.ts';
import type { EmergencyReview } from '../../consent/emergency-reviews.ts';
import type { Dissent } from '../../consent/permissions.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';
import { PermissionIdParams, ReviewQueueQuery } from '../../api/common.ts';
import {
  EmergencyReviewed,
  EmergencyReviewList,
  EmergencyReviewRequest,
} from '../../api/emergency-reviews.ts';
import { DissentRecorded } from '../../api/permissions.ts';

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
        querystring: ReviewQueueQuery,
        response: {
          200: EmergencyReviewList,
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
        params: PermissionIdParams,
        body: EmergencyReviewRequest,
        response: {
          200: EmergencyReviewed,
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
          200: DissentRecorded,
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
