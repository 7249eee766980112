/**
 * @module Recording, listing and withdrawing permissions:
 * `GET|POST /api/patients/{nhsNumber}/permissions`, `DELETE /api/permissions/{id}`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { auditActor } from '../../audit/audit-actor.ts';
import { isLive, type Permission } from '../../consent/permission.ts';
import { ApiError } from '../operation-outcome.ts';
import { auditClient, requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { NhsNumberParams, OutcomeSchema } from './schemas.ts';

const PermissionSchema = Type.Object({
  id: Type.String(),
  nhsNumber: Type.String(),
  basis: Type.String(),
  method: Type.String(),
  givenBy: Type.String(),
  reasonCode: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  scope: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  withdrawnAt: Type.Optional(Type.String()),
  recordedBy: Type.Object({
    userId: Type.String(),
    username: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String()),
  }),
  live: Type.Boolean(),
});

export const permissionRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { permissions, audit, accounts, now, mayViewRecords, policy } = services;

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
    '/api/patients/:nhsNumber/permissions',
    {
      schema: {
        params: NhsNumberParams,
        response: { 200: Type.Object({ permissions: Type.Array(PermissionSchema) }) },
      },
    },
    async (request) => {
      const { user } = requireAuth(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      if (!mayViewRecords(user)) {
        await audit.append({
          action: 'access-denied',
          time: now().toISOString(),
          requestId: request.id,
          client: auditClient(request),
          actor: auditActor(user),
          outcome: 'denied',
          nhsNumber,
          attempted: 'permission-list',
          reasonCode: 'role-not-allowed',
        });
        throw new ApiError('FORBIDDEN');
      }
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
        body: Type.Object(
          {
            basis: Type.Union([Type.Literal('consent'), Type.Literal('emergency')]),
            method: Type.Optional(Type.Union([Type.Literal('verbal'), Type.Literal('written')])),
            givenBy: Type.Optional(Type.String({ maxLength: 200 })),
            reasonCode: Type.Optional(Type.String({ maxLength: 40 })),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
            durationHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 720 })),
            scope: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('organisation')])),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ permission: PermissionSchema }),
          400: OutcomeSchema,
          403: OutcomeSchema,
        },
      },
    },
    async (request, reply) => {
      const { user } = requireAuth(request);
      const nhsNumber = validNhsNumber(request.params.nhsNumber);
      const common = {
        time: now().toISOString(),
        requestId: request.id,
        client: auditClient(request),
        actor: auditActor(user),
        nhsNumber,
      };
      if (!mayViewRecords(user)) {
        await audit.append({
          ...common,
          action: 'access-denied',
          outcome: 'denied',
          attempted: 'permission-grant',
          reasonCode: 'role-not-allowed',
        });
        throw new ApiError('FORBIDDEN');
      }
      if (request.body.basis === 'emergency' && !policy.mayDo(user.role, 'emergency-access')) {
        await audit.append({
          ...common,
          action: 'access-denied',
          outcome: 'denied',
          attempted: 'emergency-access',
          reasonCode: 'role-not-allowed',
        });
        throw new ApiError('FORBIDDEN', 'Your role does not allow emergency access.');
      }
      const permission = await permissions.grant({ ...request.body, nhsNumber, actor: user });
      await audit.append({
        ...common,
        action: 'permission-granted',
        outcome: 'success',
        permissionId: permission.id,
        basis: permission.basis,
        method: permission.method,
        scope: permission.scope,
        expiresAt: permission.expiresAt,
      });
      if (permission.basis === 'emergency') {
        await audit.append({
          ...common,
          action: 'emergency-access',
          outcome: 'success',
          permissionId: permission.id,
          ...(permission.reasonCode === undefined ? {} : { reasonCode: permission.reasonCode }),
        });
      }
      return reply.code(201).send({ permission: await permissionJson(permission) });
    },
  );

  app.delete(
    '/api/permissions/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), 404: OutcomeSchema },
      },
    },
    async (request, reply) => {
      const { user } = requireAuth(request);
      const permission = await permissions.withdraw(request.params.id, user);
      await audit.append({
        action: 'permission-withdrawn',
        time: now().toISOString(),
        requestId: request.id,
        client: auditClient(request),
        actor: auditActor(user),
        outcome: 'success',
        nhsNumber: permission.nhsNumber,
        permissionId: permission.id,
      });
      return reply.code(204).send(null);
    },
  );
};
