/**
 * @module The read-only FHIR Consent export for privacy officers: `GET /fhir/Consent?patient={nhsNumber}`
 * or `?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|{nhsNumber}` (permissions, emergency
 * accesses and dissents as a paged searchset Bundle), and `GET /fhir/Consent/{id}` (one permission
 * or dissent, by the id its search entry's `fullUrl` names).
 * Audited as `audit-searched`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NHS_NUMBER_SYSTEM } from '../../identity/nhs-number.ts';
import { ApiError } from '../operation-outcome.ts';
import {
  FHIR_JSON,
  fhirBaseUrl,
  pageOf,
  requireScope,
  searchsetBundle,
  withQuery,
} from '../fhir-edge.ts';
import type { FhirSearchParam } from '../fhir-registry.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { PatientSearchQuery, searchedPatient } from './nhs-number-param.ts';

const SEARCH_PARAMS: readonly FhirSearchParam[] = [
  {
    name: 'patient',
    type: 'reference',
    documentation: 'The patient, by NHS number (Patient/{nhsNumber})',
  },
  {
    name: 'patient.identifier',
    type: 'token',
    documentation: `The patient's NHS number: ${NHS_NUMBER_SYSTEM}|{nhsNumber}`,
  },
];

export const fhirConsentRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { readConsents } = services.actions;

  app.get(
    '/fhir/Consent',
    {
      schema: { querystring: PatientSearchQuery },
      config: {
        bearer: true,
        fhir: { type: 'Consent', interaction: 'search-type', searchParams: SEARCH_PARAMS },
      },
    },
    async (request, reply) => {
      const nhsNumber = searchedPatient(request.query);
      await requireScope(services, request, 'Consent', 'search', nhsNumber);
      const page = pageOf(request.query);
      const { shown, total } = await readConsents.search({
        ...actionRequest(request),
        nhsNumber,
        page,
      });
      const base = fhirBaseUrl(services, request);
      const bundle = searchsetBundle({
        selfUrl: withQuery(request, base, {}),
        total,
        offset: page.offset,
        count: page.summaryCount ? 0 : page.count,
        entries: shown.map(({ id, resource }) => ({
          fullUrl: `${base}/Consent/${id}`,
          resource,
          search: { mode: 'match' },
        })),
        pageUrl: (offset) => withQuery(request, base, { _offset: String(offset) }),
      });
      return reply.type(FHIR_JSON).send(bundle);
    },
  );

  app.get(
    '/fhir/Consent/:id',
    {
      schema: { params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9.-]{1,64}$' }) }) },
      config: { bearer: true, fhir: { type: 'Consent', interaction: 'read' } },
    },
    async (request, reply) => {
      // A Consent is a permission (or emergency access), or an entry on the dissent register.
      const consent = await readConsents.read({
        ...actionRequest(request),
        id: request.params.id,
        scope: (nhsNumber) => requireScope(services, request, 'Consent', 'read', nhsNumber),
      });
      if (consent === undefined)
        throw new ApiError('NOT_FOUND', 'There is no Consent with this id.');
      return reply.type(FHIR_JSON).send(consent);
    },
  );
};
