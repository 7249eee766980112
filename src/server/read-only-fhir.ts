/** @module The FHIR API is read-only: every write method is refused before anything else runs. */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './operation-outcome.ts';

const READ_METHODS = new Set(['GET', 'HEAD']);

export function refuseFhirWrites(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (
      (request.url === '/fhir' || request.url.startsWith('/fhir/')) &&
      !READ_METHODS.has(request.method)
    ) {
      throw new ApiError('METHOD_NOT_ALLOWED');
    }
  });
}
