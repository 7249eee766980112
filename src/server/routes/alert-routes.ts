/**
 * @module The privacy alert review queue: `GET /api/privacy-alerts?status=open|all` and
 * `POST /api/privacy-alerts/{id}` (outcome and note), for roles the policy lets review emergency
 * access. Reading the queue is audited as an audit search; every review and refusal is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ALERT_OUTCOMES, type PrivacyAlert } from '../../audit/monitoring/privacy-alerts.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { OutcomeSchema } from './schemas.ts';

const AlertSchema = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  seq: Type.Integer(),
  userId: Type.String(),
  nhsNumber: Type.Optional(Type.String()),
  occurredAt: Type.String(),
  detail: Type.String(),
  createdAt: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('reviewed')]),
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  reviewedBy: Type.Optional(Type.String()),
  reviewedAt: Type.Optional(Type.String()),
});

function alertJson(alert: PrivacyAlert) {
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
        querystring: Type.Object(
          { status: Type.Union([Type.Literal('open'), Type.Literal('all')], { default: 'open' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ alerts: Type.Array(AlertSchema) }),
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
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            outcome: Type.Union(ALERT_OUTCOMES.map((outcome) => Type.Literal(outcome))),
            note: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ alert: AlertSchema }),
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
