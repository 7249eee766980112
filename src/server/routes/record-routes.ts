/**
 * @module The federated record: `GET /api/patients/{nhsNumber}/record`, its documents, and
 * `POST /api/patients/{nhsNumber}/record-print` (the print audited before the browser prints).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { ItemRef, Provenance, RecordItem, RecordView } from '../../api/record.ts';
import type { OpenedDocument } from '../../sources/nrl-document.ts';
import { RecordPrinted, RecordPrintRequest } from '../../api/record-print.ts';
import { abandonSignal, actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import {
  hiddenSectionsData,
  patientData,
  reconciliationData,
  sourceSummaryData,
} from './record-data.ts';
import { recordViewJson, RecordViewEnvelope } from './record-json.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';

/** A document as its source sent it, shown in the browser and never kept. */
function sendDocument(reply: FastifyReply, document: Pick<OpenedDocument, 'contentType' | 'body'>) {
  return reply
    .header('content-type', document.contentType)
    .header('cache-control', 'no-store')
    .header('content-disposition', 'inline')
    .send(document.body);
}

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
          200: RecordView,
          400: OutcomeSchema,
          403: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request, reply) => {
      const action = actionRequest(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const view = await services.recordViews.view({
        ...action,
        nhsNumber,
        signal: abandonSignal(reply),
      });
      const envelope = {
        patient: patientData(view.patient),
        permission: view.permission,
        informationWithheld: view.informationWithheld,
        hiddenSections: hiddenSectionsData(services.policy.sectionsFor(action.user.role)),
        reconciliation: reconciliationData(view.reconciliation),
        sources: view.sources.map(sourceSummaryData),
      };
      // Written item by item through the contract's serialisers (record-json.ts): the same bytes
      // as the 200 schema would give, without one string of the whole record in the heap.
      const body = recordViewJson(envelope, view.sections, {
        envelope: reply.compileSerializationSchema(RecordViewEnvelope),
        item: reply.compileSerializationSchema(RecordItem),
        provenance: reply.compileSerializationSchema(Provenance),
        ref: reply.compileSerializationSchema(ItemRef),
      });
      // The Buffer is the view already serialised by its schema's parts: Fastify sends it as it is.
      return reply.type('application/json; charset=utf-8').send(body as unknown as RecordView);
    },
  );

  app.post(
    '/api/patients/:nhsNumber/record-print',
    {
      schema: {
        params: NhsNumberParams,
        body: RecordPrintRequest,
        response: {
          200: RecordPrinted,
          400: OutcomeSchema,
          403: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      return services.actions.recordPrint({
        ...actionRequest(request),
        nhsNumber,
        scope: request.body.scope,
      });
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
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const document = await services.recordViews.openDocument({
        ...actionRequest(request),
        nhsNumber,
        pointerId: request.params.pointerId,
      });
      return sendDocument(reply, document);
    },
  );

  app.get(
    '/api/patients/:nhsNumber/sources/:sourceId/documents/:documentId',
    {
      schema: {
        params: Type.Object({
          nhsNumber: Type.String(),
          sourceId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
          documentId: Type.String({ pattern: '^[A-Za-z0-9.-]{1,128}$' }),
        }),
      },
    },
    async (request, reply) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const document = await services.recordViews.openSourceDocument({
        ...actionRequest(request),
        nhsNumber,
        sourceId: request.params.sourceId,
        documentId: request.params.documentId,
        signal: abandonSignal(reply),
      });
      return sendDocument(reply, document);
    },
  );
};
