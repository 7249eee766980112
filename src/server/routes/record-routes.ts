/** @module The federated record: `GET /api/patients/{nhsNumber}/record`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { auditClient, requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';

export const recordRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/patients/:nhsNumber/record',
    {
      schema: {
        params: NhsNumberParams,
        response: {
          200: Type.Object({
            patient: Type.Unknown(),
            permission: Type.Object({
              id: Type.String(),
              basis: Type.String(),
              expiresAt: Type.String(),
            }),
            sources: Type.Array(Type.Unknown()),
            sections: Type.Unknown(),
          }),
          400: OutcomeSchema,
          403: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request, reply) => {
      const { user } = requireAuth(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const abort = new AbortController();
      // A clinician who navigates away abandons the view: stop asking the sources.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return services.recordViews.view({
        user,
        nhsNumber,
        requestId: request.id,
        client: auditClient(request),
        signal: abort.signal,
      });
    },
  );
};
