/**
 * @module The audit trail for auditors: `GET /fhir/AuditEvent` (FHIR searchset),
 * `GET /api/audit` (JSON search), `GET /api/audit/{seq}/proof` (inclusion proof against the
 * newest signed checkpoint) and `GET /api/patients/{nhsNumber}/access-report`. Only roles that
 * may search the audit get in; every search is itself audited before the answer is sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { auditEventBundle, parseAuditEventSearch } from '../../audit/audit-event-search.ts';
import type { AuditRecord } from '../../audit/audit-log.ts';
import { ApiError } from '../operation-outcome.ts';
import { FHIR_JSON, requireScope } from '../fhir-edge.ts';
import { toFhirAuditEvent } from '../../audit/audit-event-fhir.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';
import { SeqParams } from '../../api/common.ts';
import {
  AccessReport,
  AccessReportQuery,
  AuditSearchPage,
  AuditSearchQuery,
  EntryProof,
  isAuditAction,
  type AuditAction,
} from '../../api/audit.ts';

const StringOrList = Type.Union([
  Type.String({ maxLength: 200 }),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 4 }),
]);

/** The audited action a search names, or a refusal naming the field. */
function auditActionOrThrow(action: string | undefined): AuditAction | undefined {
  if (action === undefined) return undefined;
  if (!isAuditAction(action)) {
    throw new ApiError('INVALID_REQUEST', `${action} is not an audited action`, 'action');
  }
  return action;
}

function isoOrThrow(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new ApiError('INVALID_REQUEST', `${field} must be an ISO-8601 date or time`, field);
  }
  return at.toISOString();
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { auditProofs } = services;
  const { searchAudit } = services.actions;

  function baseUrl(request: FastifyRequest): string {
    return (
      services.config.server.publicUrl?.replace(/\/$/, '') ??
      `${request.protocol}://${request.host}`
    );
  }

  app.get(
    '/fhir/AuditEvent',
    {
      schema: {
        querystring: Type.Object(
          {
            patient: Type.Optional(StringOrList),
            'patient.identifier': Type.Optional(StringOrList),
            date: Type.Optional(StringOrList),
            _count: Type.Optional(Type.String({ maxLength: 5 })),
            _before: Type.Optional(Type.String({ maxLength: 16 })),
            _summary: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('false')])),
            _format: Type.Optional(Type.String({ maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
      },
      config: {
        bearer: true,
        fhir: {
          type: 'AuditEvent',
          interaction: 'search-type',
          searchParams: [
            { name: 'patient', type: 'reference', documentation: 'The patient, by NHS number' },
            {
              name: 'patient.identifier',
              type: 'token',
              documentation: 'The patient, as https://fhir.nhs.uk/Id/nhs-number|{nhsNumber}',
            },
            { name: 'date', type: 'date', documentation: 'When recorded (eq, ge, gt, le, lt)' },
          ],
        },
      },
    },
    async (request, reply) => {
      const search = parseAuditEventSearch(request.query);
      const nhsNumber =
        search.ok && search.nhsNumber !== undefined
          ? validNhsNumber(search.nhsNumber, 'patient')
          : undefined;
      await requireScope(services, request, 'AuditEvent', 'search', nhsNumber);
      const summaryCount = request.query._summary === 'count';
      const { records, total } = await searchAudit.search({
        ...actionRequest(request),
        nhsNumber,
        terms: () => {
          if (!search.ok) throw new ApiError('INVALID_REQUEST', search.message, search.field);
          return {
            filter: {
              ...(nhsNumber === undefined ? {} : { nhsNumber }),
              ...(search.from === undefined ? {} : { from: search.from }),
              ...(search.to === undefined ? {} : { to: search.to }),
            },
            page: summaryCount ? undefined : { limit: search.count, beforeSeq: search.beforeSeq },
            total: true,
          };
        },
      });
      const base = baseUrl(request);
      const last = records.at(-1);
      const nextUrl =
        search.ok && !summaryCount && records.length === search.count && last !== undefined
          ? `${base}/fhir/AuditEvent?${nextQuery(request.query, last.seq)}`
          : undefined;
      const bundle = auditEventBundle(records, {
        baseUrl: base,
        selfUrl: `${base}${request.url}`,
        nextUrl,
      });
      return reply.type(FHIR_JSON).send({ ...bundle, total });
    },
  );

  app.get(
    '/fhir/AuditEvent/:id',
    {
      schema: { params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) }) },
      config: { bearer: true, fhir: { type: 'AuditEvent', interaction: 'read' } },
    },
    async (request, reply) => {
      const found = await searchAudit.entry({
        ...actionRequest(request),
        seq: Number(request.params.id),
        scope: (nhsNumber) => requireScope(services, request, 'AuditEvent', 'read', nhsNumber),
      });
      if (found === undefined)
        throw new ApiError('NOT_FOUND', 'There is no AuditEvent with this id.');
      return reply.type(FHIR_JSON).send(toFhirAuditEvent(found.entry, found.seq, found.hash));
    },
  );

  app.get(
    '/api/audit',
    {
      schema: {
        querystring: AuditSearchQuery,
        response: {
          200: AuditSearchPage,
          400: OutcomeSchema,
          403: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const nhsNumber = q.nhsNumber === undefined ? undefined : validNhsNumber(q.nhsNumber);
      const limit = q.limit ?? 50;
      const { records } = await searchAudit.search({
        ...actionRequest(request),
        nhsNumber,
        terms: () => {
          const action = auditActionOrThrow(q.action);
          const from = isoOrThrow(q.from, 'from');
          const to = isoOrThrow(q.to, 'to');
          return {
            filter: {
              ...(nhsNumber === undefined ? {} : { nhsNumber }),
              ...(q.userId === undefined ? {} : { userId: q.userId }),
              ...(q.user === undefined ? {} : { user: q.user }),
              ...(action === undefined ? {} : { action }),
              ...(q.organisation === undefined
                ? {}
                : { organisation: q.organisation.toUpperCase() }),
              ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
              ...(from === undefined ? {} : { from }),
              ...(to === undefined ? {} : { to }),
            },
            page: { limit, beforeSeq: q.beforeSeq },
          };
        },
      });
      const latest = await services.auditCheckpoints.latest();
      const last = records.at(-1);
      return {
        entries: records.map(entryJson),
        ...(records.length === limit && last !== undefined ? { nextBeforeSeq: last.seq } : {}),
        ...(latest === null ? {} : { latestCheckpoint: latest }),
      };
    },
  );

  app.get(
    '/api/audit/:seq/proof',
    {
      schema: {
        params: SeqParams,
        response: {
          200: EntryProof,
          403: OutcomeSchema,
          404: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const result = await searchAudit.proof({
        ...actionRequest(request),
        seq: request.params.seq,
      });
      if (!result.ok) {
        if (result.reason === 'no-such-entry')
          throw new ApiError('NOT_FOUND', 'There is no audit entry with this number.');
        request.log.error(
          { reason: result.reason, seq: request.params.seq },
          'audit inclusion proof unavailable',
        );
        throw new ApiError(
          'AUDIT_UNAVAILABLE',
          'The audit trail does not match its signed checkpoint: run mcr audit verify.',
        );
      }
      return {
        ...result.proof,
        proof: [...result.proof.proof],
        publicKey: auditProofs.publicKeyPem,
      };
    },
  );

  app.get(
    '/api/patients/:nhsNumber/access-report',
    {
      schema: {
        params: NhsNumberParams,
        querystring: AccessReportQuery,
        response: {
          200: AccessReport,
          400: OutcomeSchema,
          403: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const report = await services.actions.reportPatientAccess({
        ...actionRequest(request),
        nhsNumber,
        period: () => ({
          from: isoOrThrow(request.query.from, 'from'),
          to: isoOrThrow(request.query.to, 'to'),
        }),
      });
      return { ...report, accesses: [...report.accesses], perDay: [...report.perDay] };
    },
  );
};

function entryJson(record: AuditRecord) {
  return {
    seq: record.seq,
    recordedAt: record.recordedAt,
    hash: record.hash,
    prevHash: record.prevHash,
    event: record.entry.event,
  };
}

function nextQuery(
  query: Record<string, string | readonly string[] | undefined>,
  beforeSeq: number,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === '_before' || value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) params.append(key, v);
  }
  params.set('_before', String(beforeSeq));
  return params.toString();
}
