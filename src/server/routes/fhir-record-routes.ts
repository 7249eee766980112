/**
 * @module The aggregated record over FHIR R4, through the same record view as the UI (role,
 * dissent, live permission for this user, audit start before any source is asked, audit end
 * before any data leaves, restricted filter): `GET /fhir/Patient?identifier=…`, `GET
 * /fhir/Patient/{nhsNumber}`, `GET /fhir/{Type}?patient={nhsNumber}` for each section's type and
 * `GET /fhir/Patient/{nhsNumber}/$everything`. Paging: each page is its own audited record view,
 * re-run and cut at `_offset`/`_count`; nothing collected is kept between pages.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { NHS_NUMBER_SYSTEM } from '../../identity/nhs-number.ts';
import {
  itemResource,
  patientResource,
  recordItems,
  sourceOutcome,
  sourceProvenance,
  withheldOutcome,
} from '../../record/fhir-record-bundle.ts';
import { SECTION_RESOURCE_TYPES } from '../../record/r4-sections.ts';
import type { RecordView } from '../../record/record-view.ts';
import {
  FHIR_JSON,
  fhirBaseUrl,
  pageOf,
  requireScope,
  ResultParameters,
  searchsetBundle,
  withQuery,
} from '../fhir-edge.ts';
import type { FhirType } from '../fhir-registry.ts';
import { ApiError } from '../operation-outcome.ts';
import { abandonSignal, actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import {
  nhsNumberFromToken,
  PatientSearchQuery,
  searchedPatient,
  validNhsNumber,
} from './nhs-number-param.ts';

const PATIENT_PARAMS = [
  { name: 'patient', type: 'reference', documentation: 'The patient: Patient/{nhsNumber}' },
  {
    name: 'patient.identifier',
    type: 'token',
    documentation: `The patient's NHS number: ${NHS_NUMBER_SYSTEM}|{nhsNumber}`,
  },
] as const;

export const fhirRecordRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const canonicalBase = services.config.fhirApi.canonicalBase;

  /** One audited record view for this request: the same call the UI's record page makes. */
  async function viewFor(
    request: FastifyRequest,
    reply: FastifyReply,
    nhsNumber: string,
  ): Promise<RecordView> {
    return services.recordViews.view({
      ...actionRequest(request),
      nhsNumber,
      signal: abandonSignal(reply),
    });
  }

  /** A searchset of the view's items (of one type, or all), with source outcomes and provenance. */
  function recordBundle(
    request: FastifyRequest,
    view: RecordView,
    query: {
      _count?: string | undefined;
      _offset?: string | undefined;
      _summary?: string | undefined;
    },
    resourceType: string | undefined,
    includePatient: boolean,
  ): fhir4.Bundle {
    const base = fhirBaseUrl(services, request);
    const matches = recordItems(view, resourceType);
    const page = pageOf(query);
    const onPage = page.summaryCount ? [] : matches.slice(page.offset, page.offset + page.count);
    const seen = new Set<string>();
    const entries: fhir4.BundleEntry[] = [];
    if (includePatient && page.offset === 0 && !page.summaryCount) {
      entries.push({
        fullUrl: `${base}/Patient/${view.patient.nhsNumber}`,
        resource: patientResource(view.patient),
        search: { mode: 'match' },
      });
    }
    for (const item of onPage) {
      const url = `${base}/${item.resource.resourceType}/${item.resource.id ?? ''}`;
      // Two sources may use one id: a fullUrl must name one entry, so the second gets its own.
      const fullUrl =
        item.resource.id === undefined || seen.has(url) ? `urn:uuid:${crypto.randomUUID()}` : url;
      seen.add(url);
      entries.push({
        fullUrl,
        resource: itemResource(item, canonicalBase),
        search: { mode: 'match' },
      });
    }
    view.sources.forEach((source, index) => {
      const provenance = sourceProvenance(source, index, onPage);
      if (provenance !== undefined) {
        entries.push({
          fullUrl: `urn:uuid:${crypto.randomUUID()}`,
          resource: provenance,
          search: { mode: 'include' },
        });
      }
      entries.push({
        fullUrl: `urn:uuid:${crypto.randomUUID()}`,
        resource: sourceOutcome(source, index, canonicalBase),
        search: { mode: 'outcome' },
      });
    });
    if (view.informationWithheld) {
      entries.push({
        fullUrl: `urn:uuid:${crypto.randomUUID()}`,
        resource: withheldOutcome(),
        search: { mode: 'outcome' },
      });
    }
    return searchsetBundle({
      selfUrl: withQuery(request, base, {}),
      total: matches.length + (includePatient ? 1 : 0),
      offset: page.offset,
      count: page.summaryCount ? 0 : page.count,
      entries,
      pageUrl: (offset) => withQuery(request, base, { _offset: String(offset) }),
    });
  }

  app.get(
    '/fhir/Patient',
    {
      schema: {
        querystring: Type.Object(
          {
            identifier: Type.Optional(Type.String({ maxLength: 200 })),
            _id: Type.Optional(Type.String({ maxLength: 20 })),
            ...ResultParameters,
          },
          { additionalProperties: false },
        ),
      },
      config: {
        bearer: true,
        fhir: {
          type: 'Patient',
          interaction: 'search-type',
          searchParams: [
            {
              name: 'identifier',
              type: 'token',
              documentation: `NHS number: ${NHS_NUMBER_SYSTEM}|{nhsNumber}`,
            },
            { name: '_id', type: 'token', documentation: 'The NHS number (the Patient id here)' },
          ],
        },
      },
    },
    async (request, reply) => {
      const { identifier, _id: id } = request.query;
      if (identifier === undefined && id === undefined) {
        throw new ApiError(
          'INVALID_REQUEST',
          `Search by NHS number: identifier=${NHS_NUMBER_SYSTEM}|{nhsNumber}.`,
          'identifier',
        );
      }
      const nhsNumber =
        identifier !== undefined
          ? nhsNumberFromToken(identifier, 'identifier')
          : validNhsNumber(id ?? '', '_id');
      await requireScope(services, request, 'Patient', 'search', nhsNumber);
      const view = await viewFor(request, reply, nhsNumber);
      const base = fhirBaseUrl(services, request);
      const summaryCount = request.query._summary === 'count';
      return reply.type(FHIR_JSON).send(
        searchsetBundle({
          selfUrl: withQuery(request, base, {}),
          total: 1,
          offset: 0,
          count: summaryCount ? 0 : 1,
          entries: summaryCount
            ? []
            : [
                {
                  fullUrl: `${base}/Patient/${nhsNumber}`,
                  resource: patientResource(view.patient),
                  search: { mode: 'match' },
                },
              ],
          pageUrl: () => withQuery(request, base, {}),
        }),
      );
    },
  );

  const PatientParams = Type.Object({ id: Type.String({ maxLength: 20 }) });

  app.get(
    '/fhir/Patient/:id',
    {
      schema: { params: PatientParams },
      config: { bearer: true, fhir: { type: 'Patient', interaction: 'read' } },
    },
    async (request, reply) => {
      const nhsNumber = validNhsNumber(request.params.id, 'id');
      await requireScope(services, request, 'Patient', 'read', nhsNumber);
      const view = await viewFor(request, reply, nhsNumber);
      return reply.type(FHIR_JSON).send(patientResource(view.patient));
    },
  );

  app.get(
    '/fhir/Patient/:id/$everything',
    {
      schema: {
        params: PatientParams,
        querystring: Type.Object(ResultParameters, { additionalProperties: false }),
      },
      config: {
        bearer: true,
        fhir: {
          type: 'Patient',
          operation: {
            name: 'everything',
            definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
          },
        },
      },
    },
    async (request, reply) => {
      const nhsNumber = validNhsNumber(request.params.id, 'id');
      for (const type of ['Patient', ...SECTION_RESOURCE_TYPES]) {
        await requireScope(services, request, type, 'read', nhsNumber);
      }
      const view = await viewFor(request, reply, nhsNumber);
      return reply
        .type(FHIR_JSON)
        .send(recordBundle(request, view, request.query, undefined, true));
    },
  );

  for (const type of SECTION_RESOURCE_TYPES) {
    app.get(
      `/fhir/${type}`,
      {
        schema: { querystring: PatientSearchQuery },
        config: {
          bearer: true,
          fhir: {
            type: type as FhirType,
            interaction: 'search-type',
            searchParams: PATIENT_PARAMS,
          },
        },
      },
      async (request, reply) => {
        const nhsNumber = searchedPatient(request.query);
        await requireScope(services, request, type, 'search', nhsNumber);
        const view = await viewFor(request, reply, nhsNumber);
        return reply.type(FHIR_JSON).send(recordBundle(request, view, request.query, type, false));
      },
    );
  }
};
