/**
 * @module The privacy alert review queue: `GET /api/privacy-alerts?status=open|all` and
 * `POST /api/privacy-alerts/{id}` (outcome and note), for roles the policy lets review emergency
 * access. Reading the queue is audited as an audit search; every review and refusal is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NamedPrivacyAlert } from '../../audit/monitoring/list-privacy-alerts.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { OutcomeSchema } from './schemas.ts';
import { IdParams, ReviewQueueQuery } from '../../api/common.ts';
import {
  PrivacyAlertList,
  PrivacyAlertReviewed,
  PrivacyAlertReviewRequest,
} from '../../api/alerts.ts';

function alertJson(alert: NamedPrivacyAlert) {
  return { ...alert };
}

export const alertRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { actions } = services;

  app.get(
    '/api/privacy-alerts',
    {
      schema: {
        querystring: ReviewQueueQuery,
        response: {
          200: PrivacyAlertList,
          403: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const alerts = await actions.listPrivacyAlerts({
        ...actionRequest(request),
        status: request.query.status,
      });
      return { alerts: alerts.map(alertJson) };
    },
  );

  app.post(
    '/api/privacy-alerts/:id',
    {
      schema: {
        params: IdParams,
        body: PrivacyAlertReviewRequest,
        response: {
          200: PrivacyAlertReviewed,
          400: OutcomeSchema,
          403: OutcomeSchema,
          404: OutcomeSchema,
          409: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const alert = await actions.reviewPrivacyAlert({
        ...actionRequest(request),
        alertId: request.params.id,
        outcome: request.body.outcome,
        note: request.body.note,
      });
      return { alert: alertJson(alert) };
    },
  );
};
