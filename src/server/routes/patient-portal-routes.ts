/**
 * @module The patient's own JSON routes, behind the patient session (never a staff session):
 * `GET|DELETE /api/patient/session`, `GET /api/patient/access-history` and
 * `GET /api/patient/access-history/{seq}/proof`, `GET|POST|DELETE /api/patient/objection`,
 * `GET /api/patient/permissions` and `DELETE /api/patient/permissions/{permissionId}`,
 * `GET|POST /api/patient/concerns`, `GET|POST /api/patient/settings`. Routes parse, call and serialise.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { PATIENT_ACTIONS } from '../../access/policy/policy-schema.ts';
import type { PatientConcern } from '../../audit/monitoring/patient-concerns.ts';
import { formatNhsNumber } from '../../identity/nhs-number.ts';
import {
  PatientRequestRefused,
  type PatientPortal,
  type PatientRequest,
} from '../../patient/patient-portal.ts';
import { ApiError } from '../operation-outcome.ts';
import {
  createPatientAuthenticationHook,
  patientCookieName,
  requirePatient,
} from '../patient-authenticate.ts';
import { auditClient } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { OutcomeSchema } from './schemas.ts';
import { PermissionIdParams, SeqParams } from '../../api/common.ts';
import { EntryProof } from '../../api/audit.ts';
import {
  AccessHistory,
  ConcernList,
  ConcernRaised,
  ConcernRequest,
  NotificationSettings,
  NotificationSettingsRequest,
  Objection,
  PatientPermissionList,
  PatientSession,
} from '../../api/patient-portal.ts';

const errors = { 400: OutcomeSchema, 401: OutcomeSchema, 403: OutcomeSchema, 404: OutcomeSchema };

function concernJson(concern: PatientConcern) {
  return {
    id: concern.id,
    seq: concern.seq,
    reason: concern.reason,
    createdAt: concern.createdAt,
    status: concern.status,
    outcome: concern.outcome,
    note: concern.note,
  };
}

/** A refusal from the portal as the API's error. */
async function refusalsAsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PatientRequestRefused) {
      const code =
        error.reason === 'not-allowed'
          ? 'FORBIDDEN'
          : error.reason === 'conflict'
            ? 'CONFLICT'
            : 'NOT_FOUND';
      throw new ApiError(code, error.message);
    }
    throw error;
  }
}

export const patientPortalRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const portal: PatientPortal | undefined = services.patientPortal;
  const sessions = services.patientSessions;
  if (portal === undefined || sessions === undefined) return;
  const { audit, now, policy } = services;
  const cookieName = patientCookieName(services.cookie.secure);
  app.addHook('onRequest', createPatientAuthenticationHook({ sessions, audit, cookieName, now }));

  function asking(request: FastifyRequest): PatientRequest {
    return {
      patient: requirePatient(request).patient,
      requestId: request.id,
      client: auditClient(request),
    };
  }

  app.get(
    '/api/patient/session',
    {
      schema: {
        response: {
          200: PatientSession,
          401: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const { patient, csrfToken } = requirePatient(request);
      return {
        patient: {
          nhsNumber: formatNhsNumber(patient.nhsNumber),
          proofingLevel: patient.proofingLevel,
          actions: PATIENT_ACTIONS.filter((action) => policy.patientMay(action)),
        },
        csrfToken,
      };
    },
  );

  app.delete(
    '/api/patient/session',
    { schema: { response: { 204: Type.Null(), 401: OutcomeSchema, 403: OutcomeSchema } } },
    async (request, reply) => {
      const { patient } = asking(request);
      await services.actions.patientSignIn.signOut({
        who: patient,
        token: request.cookies[cookieName],
        requestId: request.id,
        client: auditClient(request),
      });
      void reply.clearCookie(cookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/patient/access-history',
    {
      schema: {
        response: {
          200: AccessHistory,
          ...errors,
        },
      },
    },
    async (request) =>
      refusalsAsErrors(async () => {
        const history = await portal.accessHistory(asking(request));
        return { ...history, lines: [...history.lines] };
      }),
  );

  app.get(
    '/api/patient/access-history/:seq/proof',
    {
      schema: {
        params: SeqParams,
        response: {
          200: EntryProof,
          ...errors,
        },
      },
    },
    async (request) =>
      refusalsAsErrors(async () => {
        const proof = await portal.proof(asking(request), request.params.seq);
        return { ...proof, proof: [...proof.proof] };
      }),
  );

  app.get(
    '/api/patient/objection',
    { schema: { response: { 200: Objection, ...errors } } },
    async (request) => portal.objection(asking(request)),
  );

  app.post(
    '/api/patient/objection',
    { schema: { response: { 200: Objection, ...errors } } },
    async (request) =>
      refusalsAsErrors(async () => {
        const { since } = await portal.recordObjection(asking(request));
        return { objected: true, since };
      }),
  );

  app.delete(
    '/api/patient/objection',
    { schema: { response: { 200: Objection, ...errors } } },
    async (request) =>
      refusalsAsErrors(async () => {
        await portal.withdrawObjection(asking(request));
        return { objected: false };
      }),
  );

  app.get(
    '/api/patient/permissions',
    {
      schema: {
        response: {
          200: PatientPermissionList,
          ...errors,
        },
      },
    },
    async (request) => ({ permissions: await portal.livePermissions(asking(request)) }),
  );

  app.delete(
    '/api/patient/permissions/:permissionId',
    {
      schema: {
        params: PermissionIdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) =>
      refusalsAsErrors(async () => {
        await portal.withdrawPermission(asking(request), request.params.permissionId);
        return reply.code(204).send(null);
      }),
  );

  app.get(
    '/api/patient/concerns',
    { schema: { response: { 200: ConcernList, ...errors } } },
    async (request) => ({ concerns: (await portal.concerns(asking(request))).map(concernJson) }),
  );

  app.post(
    '/api/patient/concerns',
    {
      schema: {
        body: ConcernRequest,
        response: { 201: ConcernRaised, ...errors, 409: OutcomeSchema },
      },
    },
    async (request, reply) =>
      refusalsAsErrors(async () => {
        const concern = await portal.raiseConcern(
          asking(request),
          request.body.seq,
          request.body.reason,
        );
        return reply.code(201).send({ concern: concernJson(concern) });
      }),
  );

  app.get(
    '/api/patient/settings',
    { schema: { response: { 200: NotificationSettings, ...errors } } },
    async (request) => portal.settings(asking(request)),
  );

  app.post(
    '/api/patient/settings',
    {
      schema: {
        body: NotificationSettingsRequest,
        response: { 200: NotificationSettings, ...errors },
      },
    },
    async (request) =>
      refusalsAsErrors(async () => portal.saveSettings(asking(request), request.body)),
  );
};
