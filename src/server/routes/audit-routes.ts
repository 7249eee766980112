/**
 * @module The audit trail for auditors: `GET /fhir/AuditEvent` (FHIR searchset),
 * `GET /api/audit` (JSON search), `GET /api/audit/{seq}/proof` (inclusion proof against the
 * newest signed checkpoint) and `GET /api/patients/{nhsNumber}/access-report`. Only roles that
 * may search the audit get in; every search is itself audited before the answer is sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { User } from '../../access/user.ts';
import { buildAccessReport } from '../../audit/access-report.ts';
import { maySearchAudit } from '../../audit/audit-access.ts';
import { auditActor } from '../../audit/audit-actor.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../../audit/audit-event.ts';
import { auditEventBundle, parseAuditEventSearch } from '../../audit/audit-event-search.ts';
import type { AuditRecord } from '../../audit/audit-log.ts';
import { ApiError } from '../operation-outcome.ts';
import { FHIR_JSON, requireScope } from '../fhir-edge.ts';
import { toFhirAuditEvent } from '../../audit/audit-event-fhir.ts';
import { auditClient, requireAuth } from '../request-context.ts';
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
} from '../../api/audit.ts';

const StringOrList = Type.Union([
  Type.String({ maxLength: 200 }),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 4 }),
]);

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
  const { audit, auditProofs, now } = services;

  /** Refuses (and audits the refusal of) anyone whose role may not search the audit. */
  async function requireAuditor(
    request: FastifyRequest,
    attempted: string,
    nhsNumber?: string,
  ): Promise<User> {
    const { user } = requireAuth(request);
    if (maySearchAudit(user, services.policy)) return user;
    await audit.append({
      action: 'access-denied',
      time: now().toISOString(),
      requestId: request.id,
      client: auditClient(request),
      actor: auditActor(user),
      outcome: 'denied',
      ...(nhsNumber === undefined ? {} : { nhsNumber }),
      attempted,
      reasonCode: 'role-not-allowed',
    });
    throw new ApiError('FORBIDDEN');
  }

  /** The search is audited before its answer leaves: no audit entry, no answer. */
  async function auditSearch(
    request: FastifyRequest,
    user: User,
    resultCount: number,
    nhsNumber: string | undefined,
  ): Promise<void> {
    await audit.append({
      action: 'audit-searched',
      time: now().toISOString(),
      requestId: request.id,
      client: auditClient(request),
      actor: auditActor(user),
      outcome: 'success',
      ...(nhsNumber === undefined ? {} : { nhsNumber }),
      resultCount,
    });
  }

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
      const user = await requireAuditor(request, 'audit-search', nhsNumber);
      if (!search.ok) throw new ApiError('INVALID_REQUEST', search.message, search.field);
      const query = {
        ...(nhsNumber === undefined ? {} : { nhsNumber }),
        ...(search.from === undefined ? {} : { from: search.from }),
        ...(search.to === undefined ? {} : { to: search.to }),
      };
      const summaryCount = request.query._summary === 'count';
      const [records, total] = await Promise.all([
        summaryCount
          ? Promise.resolve([])
          : audit.list({
              ...query,
              ...(search.beforeSeq === undefined ? {} : { beforeSeq: search.beforeSeq }),
              limit: search.count,
              newestFirst: true,
            }),
        audit.count(query),
      ]);
      await auditSearch(request, user, records.length, nhsNumber);
      const base = baseUrl(request);
      const last = records.at(-1);
      const nextUrl =
        !summaryCount && records.length === search.count && last !== undefined
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
      const seq = Number(request.params.id);
      const [record] = await audit.list({ afterSeq: seq - 1, limit: 1 });
      const found = record?.seq === seq ? record : undefined;
      const event = found?.entry.event;
      const nhsNumber = event !== undefined && 'nhsNumber' in event ? event.nhsNumber : undefined;
      await requireScope(services, request, 'AuditEvent', 'read', nhsNumber);
      const user = await requireAuditor(request, 'audit-read', nhsNumber);
      if (found === undefined)
        throw new ApiError('NOT_FOUND', 'There is no AuditEvent with this id.');
      await auditSearch(request, user, 1, nhsNumber);
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
      const user = await requireAuditor(request, 'audit-search', nhsNumber);
      if (q.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(q.action)) {
        throw new ApiError('INVALID_REQUEST', `${q.action} is not an audited action`, 'action');
      }
      const from = isoOrThrow(q.from, 'from');
      const to = isoOrThrow(q.to, 'to');
      const limit = q.limit ?? 50;
      const records = await audit.list({
        ...(nhsNumber === undefined ? {} : { nhsNumber }),
        ...(q.userId === undefined ? {} : { userId: q.userId }),
        ...(q.user === undefined ? {} : { user: q.user }),
        ...(q.action === undefined ? {} : { action: q.action as AuditAction }),
        ...(q.organisation === undefined ? {} : { organisation: q.organisation.toUpperCase() }),
        ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(q.beforeSeq === undefined ? {} : { beforeSeq: q.beforeSeq }),
        limit,
        newestFirst: true,
      });
      await auditSearch(request, user, records.length, nhsNumber);
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
      const user = await requireAuditor(request, 'audit-proof');
      const result = await auditProofs.proofFor(request.params.seq);
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
      const entryNhs = nhsNumberOf(result.proof.entry);
      await auditSearch(request, user, 1, entryNhs);
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
      const user = await requireAuditor(request, 'access-report', nhsNumber);
      const from = isoOrThrow(request.query.from, 'from');
      const to = isoOrThrow(request.query.to, 'to');
      const report = await buildAccessReport(audit, { nhsNumber, from, to }, now);
      await auditSearch(request, user, report.accesses.length, nhsNumber);
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

function nhsNumberOf(entryJsonText: string): string | undefined {
  try {
    const parsed = JSON.parse(entryJsonText) as { event?: { nhsNumber?: unknown } };
    const value = parsed.event?.nhsNumber;
    return typeof value === 'string' && /^[0-9]{10}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
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
