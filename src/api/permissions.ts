/**
 * @module Permissions to view a record: `GET|POST /api/patients/{nhsNumber}/permissions`,
 * `DELETE /api/permissions/{id}`; and the local dissent register, `POST|DELETE /api/patients/{nhsNumber}/dissent`.
 */
import { Type, type Static } from '@sinclair/typebox';

export const PermissionBasis = Type.Union([Type.Literal('consent'), Type.Literal('emergency')]);
export type PermissionBasis = Static<typeof PermissionBasis>;
export const PermissionMethod = Type.Union([Type.Literal('verbal'), Type.Literal('written')]);
export type PermissionMethod = Static<typeof PermissionMethod>;
export const PermissionScope = Type.Union([Type.Literal('user'), Type.Literal('organisation')]);

/** The emergency reasons the server accepts in `reasonCode` (one list, in src/shared). */
export { EMERGENCY_REASON_CODES, type EmergencyReasonCode } from '../shared/emergency-reasons.ts';

/** How long a permission of one basis may last, in hours. */
export const DurationChoices = Type.Object({
  defaultHours: Type.Integer(),
  maxHours: Type.Integer(),
  /** Every duration offered, shortest first, the default and the maximum among them. */
  hours: Type.Array(Type.Integer()),
});
export type DurationChoices = Static<typeof DurationChoices>;

/**
 * `GET /api/permission-options`: what a permission may be recorded with, from the server's
 * configuration, so the UI offers only what the server accepts.
 */
export const PermissionOptions = Type.Object({
  consent: DurationChoices,
  emergency: Type.Object({
    ...DurationChoices.properties,
    reasons: Type.Array(Type.Object({ code: Type.String(), label: Type.String() })),
  }),
});
export type PermissionOptions = Static<typeof PermissionOptions>;

/** A recorded permission (or emergency basis) to view one patient's record. */
export const Permission = Type.Object({
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
  /** Who recorded it; their name only while their account exists. */
  recordedBy: Type.Object({
    userId: Type.String(),
    username: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String()),
  }),
  live: Type.Boolean(),
});
export type Permission = Static<typeof Permission>;

/** The body of `POST /api/patients/{nhsNumber}/permissions`. */
export const PermissionRequest = Type.Object(
  {
    basis: PermissionBasis,
    method: Type.Optional(PermissionMethod),
    givenBy: Type.Optional(Type.String({ maxLength: 200 })),
    reasonCode: Type.Optional(Type.String({ maxLength: 40 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    durationHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 720 })),
    scope: Type.Optional(PermissionScope),
  },
  { additionalProperties: false },
);
export type PermissionRequest = Static<typeof PermissionRequest>;

/** `GET /api/patients/{nhsNumber}/permissions`: the permissions this organisation recorded. */
export const PermissionList = Type.Object({ permissions: Type.Array(Permission) });
export type PermissionList = Static<typeof PermissionList>;

/** `POST /api/patients/{nhsNumber}/permissions` (201). */
export const PermissionRecorded = Type.Object({ permission: Permission });
export type PermissionRecorded = Static<typeof PermissionRecorded>;

/** A patient's objection recorded in the local dissent register. */
export const Dissent = Type.Object({
  id: Type.String(),
  nhsNumber: Type.String(),
  recordedBy: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});
export type Dissent = Static<typeof Dissent>;

/** `POST /api/patients/{nhsNumber}/dissent`. */
export const DissentRecorded = Type.Object({ dissent: Dissent });
export type DissentRecorded = Static<typeof DissentRecorded>;
