/**
 * @module Recording, listing and withdrawing permissions:
 * `GET|POST /api/patients/{nhsNumber}/permissions`, `DELETE /api/permissions/{id}`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePolicyAction } from '../../audit/audited-action.ts';
import { isLive, type Permission } from '../../consent/permission.ts';
import { requireScope } from '../fhir-edge.ts';
import { actionRequest, requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';
import {
  PermissionList,
  PermissionOptions,
  PermissionRecorded,
  PermissionRequest,
} from '../../api/permissions.ts';
import { permissionOptions } from '../../consent/permission-options.ts';

export const permissionRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { permissions, accounts, now, actions } = services;

  async function permissionJson(permission: Permission) {
    const recorder = await accounts.findById(permission.userId);
    return {
      ...permission,
      recordedBy: {
        userId: permission.userId,
        ...(recorder === undefined
          ? {}
          : { username: recorder.username, displayName: recorder.displayName }),
      },
      live: isLive(permission, now()),
    };
  }

  app.get(
    '/api/permission-options',
    { schema: { response: { 200: PermissionOptions, 401: OutcomeSchema } } },
    async (request) => {
      const { user } = requireAuth(request);
      const { policy, config } = services;
      const options = permissionOptions(
        config.permissions,
        policy.permissionHoursFor(user.organisation),
      );
      return {
        consent: { ...options.consent, hours: [...options.consent.hours] },
        emergency: {
          ...options.emergency,
          hours: [...options.emergency.hours],
          reasons: options.emergency.reasons.map(({ code, label }) => ({ code, label })),
        },
      };
    },
  );

  app.get(
    '/api/patients/:nhsNumber/permissions',
    {
      schema: {
        params: NhsNumberParams,
        response: { 200: PermissionList, 400: OutcomeSchema, 403: OutcomeSchema },
      },
    },
    async (request) => {
      const { user } = requireAuth(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      await requirePolicyAction(
        services,
        actionRequest(request),
        'view-record',
        'permission-list',
        nhsNumber,
      );
      const list = await permissions.listForPatient(nhsNumber);
      const visible = list.filter((permission) => permission.organisation === user.organisation);
      return { permissions: await Promise.all(visible.map(permissionJson)) };
    },
  );

  app.post(
    '/api/patients/:nhsNumber/permissions',
    {
      schema: {
        params: NhsNumberParams,
        body: PermissionRequest,
        response: {
          201: PermissionRecorded,
          400: OutcomeSchema,
          403: OutcomeSchema,
        },
      },
      // A calling system records the permission it obtained, with its bearer token.
      config: { bearer: true },
    },
    async (request, reply) => {
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      await requireScope(services, request, 'Consent', 'create', nhsNumber);
      const { basis, ...given } = request.body;
      const grant = { ...actionRequest(request), ...given, nhsNumber };
      const permission =
        basis === 'emergency'
          ? await actions.emergencyAccess(grant)
          : await actions.grantPermission(grant);
      return reply.code(201).send({ permission: await permissionJson(permission) });
    },
  );

  app.delete(
    '/api/permissions/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), 400: OutcomeSchema, 403: OutcomeSchema, 404: OutcomeSchema },
      },
    },
    async (request, reply) => {
      await actions.withdrawPermission({
        ...actionRequest(request),
        permissionId: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );
};
