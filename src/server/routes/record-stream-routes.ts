/**
 * @module The record as a stream of Server-Sent Events: `GET /api/patients/{nhsNumber}/record/stream`.
 * The same gates as the plain record (a refusal is the same OperationOutcome, before any event);
 * then `started`, one `source` event per source as it finishes, and `complete`. Format: docs/api.md.
 */
import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RecordStream } from '../../record/record-view.ts';
import { toApiError } from '../error-handler.ts';
import { abandonSignal, actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { hiddenSectionsData, patientData, streamEventData } from './record-data.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';
import { RecordStreamBody, type RecordStartedEvent } from '../../api/record.ts';

export const recordStreamRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/patients/:nhsNumber/record/stream',
    {
      schema: {
        params: NhsNumberParams,
        response: {
          /** text/event-stream: sent as a stream, never serialised (format: docs/api.md). */
          200: RecordStreamBody,
          204: Type.Null(),
          400: OutcomeSchema,
          403: OutcomeSchema,
          404: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request, reply) => {
      // An EventSource reconnecting after the stream ended: a view is never resumed or repeated
      // behind the clinician's back. 204 tells the browser to stop reconnecting.
      if (request.headers['last-event-id'] !== undefined) return reply.code(204).send(null);
      const action = actionRequest(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const signal = abandonSignal(reply);
      // Every gate runs here; a refusal throws and becomes the usual OperationOutcome.
      const stream = await services.recordViews.stream({ ...action, nhsNumber, signal });
      const body = new PassThrough();
      body.on('error', () => {
        // The client went away mid-write; the pump sees the stream destroyed and stops.
      });
      const hidden = hiddenSectionsData(services.policy.sectionsFor(action.user.role));
      void pump(stream, hidden, body, signal, request.log);
      return reply
        .code(200)
        .header('Content-Type', 'text/event-stream')
        .header('Cache-Control', 'no-store')
        .header('X-Accel-Buffering', 'no')
        .send(body);
    },
  );
};

/** Writes the stream's events until it ends, fails or the client goes; never throws. */
async function pump(
  stream: RecordStream,
  hiddenSections: RecordStartedEvent['hiddenSections'],
  body: PassThrough,
  signal: AbortSignal,
  log: FastifyBaseLogger,
): Promise<void> {
  let id = 0;
  const send = (event: string, data: unknown): boolean => {
    if (signal.aborted || body.destroyed || body.writableEnded) return false;
    id += 1;
    body.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    return true;
  };
  try {
    const started: RecordStartedEvent = {
      patient: patientData(stream.patient),
      permission: { ...stream.permission },
      sources: stream.sources.map(({ id: sourceId, name, organisation }) => ({
        id: sourceId,
        name,
        organisation,
      })),
      hiddenSections,
    };
    send('started', started);
    for await (const event of stream.events) {
      if (!send(event.type, streamEventData(event))) break;
    }
  } catch (error) {
    const apiError = toApiError(error);
    // The message of an unknown error may quote data; log its type only.
    log.error(
      { errorName: error instanceof Error ? error.name : 'non-error' },
      'record stream failed',
    );
    send('error', apiError.toOutcome());
  } finally {
    if (!body.destroyed) body.end();
  }
}
