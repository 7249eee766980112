/** @module The federated record: `GET /api/patients/{nhsNumber}/record`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SECTION_NAMES, type SectionName } from '../../record/sections.ts';
import { auditClient, requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { reconciliationData, sectionsData, sourceSummaryData } from './record-data.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';

const ProvenanceSchema = Type.Object({
  sourceId: Type.String(),
  system: Type.String(),
  organisation: Type.String(),
  retrievedAt: Type.String(),
});

const SourceSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organisation: Type.String(),
  status: Type.String(),
  elapsedMs: Type.Number(),
  message: Type.String(),
  errorCode: Type.Optional(Type.String()),
  counts: Type.Record(Type.String(), Type.Integer()),
  warnings: Type.Array(
    Type.Object({
      code: Type.String(),
      area: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
  dropped: Type.Optional(Type.Integer()),
});

const ItemRefSchema = Type.Object({ sourceId: Type.String(), id: Type.String() });

const SectionItemsSchema = Type.Array(
  Type.Object({
    source: ProvenanceSchema,
    resource: Type.Unknown(),
    alsoFrom: Type.Optional(Type.Array(ItemRefSchema)),
    duplicateOf: Type.Optional(ItemRefSchema),
  }),
);

const ReconciliationSchema = Type.Array(
  Type.Object({
    status: Type.Union([
      Type.Literal('unchanged'),
      Type.Literal('changed'),
      Type.Literal('gp-only'),
      Type.Literal('source-only'),
      Type.Literal('same-class'),
    ]),
    items: Type.Array(ItemRefSchema),
    class: Type.Optional(Type.String()),
    note: Type.String(),
  }),
);

/** The response schema doubles as a guard: a field nobody declared here is never sent. */
const RecordViewSchema = Type.Object({
  patient: Type.Unknown(),
  permission: Type.Object({ id: Type.String(), basis: Type.String(), expiresAt: Type.String() }),
  sources: Type.Array(SourceSummarySchema),
  informationWithheld: Type.Boolean(),
  reconciliation: ReconciliationSchema,
  sections: Type.Object(
    Object.fromEntries(SECTION_NAMES.map((name) => [name, SectionItemsSchema])) as Record<
      SectionName,
      typeof SectionItemsSchema
    >,
  ),
});

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
          200: RecordViewSchema,
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
      const view = await services.recordViews.view({
        user,
        nhsNumber,
        requestId: request.id,
        client: auditClient(request),
        signal: abort.signal,
      });
      return {
        patient: view.patient,
        permission: view.permission,
        informationWithheld: view.informationWithheld,
        reconciliation: reconciliationData(view.reconciliation),
        sources: view.sources.map(sourceSummaryData),
        sections: sectionsData(view.sections),
      };
    },
  );

  app.get(
    '/api/patients/:nhsNumber/documents/:pointerId',
    {
      schema: {
        params: Type.Object({
          nhsNumber: Type.String(),
          pointerId: Type.String({ pattern: '^[A-Za-z0-9.-]{1,128}$' }),
        }),
      },
    },
    async (request, reply) => {
      const { user } = requireAuth(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const document = await services.recordViews.openDocument({
        user,
        nhsNumber,
        pointerId: request.params.pointerId,
        requestId: request.id,
        client: auditClient(request),
      });
      return reply
        .header('content-type', document.contentType)
        .header('cache-control', 'no-store')
        .header('content-disposition', 'inline')
        .send(document.body);
    },
  );
};
