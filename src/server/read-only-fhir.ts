/**
 * @module The FHIR API's edge rules, applied before anything else runs: it is read-only (every
 * write is refused with 405 and an `Allow` header) and speaks FHIR JSON only (a client that will
 * take only XML, or asks `_format=xml`, gets 406).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './operation-outcome.ts';

const READ_METHODS = new Set(['GET', 'HEAD']);

function isFhirPath(request: FastifyRequest): boolean {
  return (
    request.url === '/fhir' || request.url.startsWith('/fhir/') || request.url.startsWith('/fhir?')
  );
}

/** True when the client accepts JSON (FHIR JSON, plain JSON or anything at all). */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .some((type) => type === '*/*' || type === 'application/*' || type.endsWith('json'));
}

function formatParameter(request: FastifyRequest): string | undefined {
  const query = request.url.split('?')[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get('_format') ?? undefined);
}

export function refuseFhirWrites(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!isFhirPath(request)) return;
    if (!READ_METHODS.has(request.method)) {
      void reply.header('allow', 'GET, HEAD');
      throw new ApiError('METHOD_NOT_ALLOWED');
    }
    const format = formatParameter(request);
    if (
      !acceptsJson(request.headers.accept) ||
      (format !== undefined && !/json$/i.test(format.trim()))
    ) {
      throw new ApiError('NOT_ACCEPTABLE');
    }
  });
}
