/**
 * @module The patient's own JSON API, behind the patient (NHS login) session: `/api/patient/*`
 * — the session, access history and its proofs, the objection, live permissions, concerns and
 * notification settings.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CONCERN_REASONS } from '../shared/concern-reasons.ts';
import { OneOf, ReviewStatus } from './common.ts';

/** `GET /api/patient/session`. */
export const PatientSession = Type.Object({
  patient: Type.Object({
    /** 3-3-4. */
    nhsNumber: Type.String(),
    proofingLevel: Type.String(),
    /** What the policy lets a patient do here: the pages offer only these. */
    actions: Type.Array(Type.String()),
  }),
  csrfToken: Type.String(),
});
export type PatientSession = Static<typeof PatientSession>;

export const Organisation = Type.Object({ odsCode: Type.String(), name: Type.String() });
export type Organisation = Static<typeof Organisation>;

/** Why a patient raises a concern about one access (one list, in src/shared). */
export { CONCERN_REASONS, type ConcernReason } from '../shared/concern-reasons.ts';

/** A concern the patient raised, and the privacy officer's answer. */
export const Concern = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  reason: Type.String(),
  createdAt: Type.String(),
  status: ReviewStatus,
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
});
export type Concern = Static<typeof Concern>;

/** One line of the patient's access history, in plain words. */
export const HistoryLine = Type.Object({
  seq: Type.Integer(),
  time: Type.String(),
  /** One of HISTORY_KINDS (src/audit/patient-access-history.ts). */
  kind: Type.String(),
  summary: Type.String(),
  organisation: Type.Optional(Organisation),
  role: Type.Optional(Type.String()),
  professional: Type.Optional(Type.String()),
  basis: Type.Optional(Type.Union([Type.Literal('your-permission'), Type.Literal('emergency')])),
  emergencyReason: Type.Optional(Type.String()),
  flagged: Type.Optional(Type.String()),
  /** The concern the patient raised about this access, and how its review stands. */
  concern: Type.Optional(Type.Pick(Concern, ['id', 'status', 'outcome', 'note'])),
});
export type HistoryLine = Static<typeof HistoryLine>;

/** `GET /api/patient/access-history`. */
export const AccessHistory = Type.Object({
  from: Type.String(),
  generatedAt: Type.String(),
  lines: Type.Array(HistoryLine),
  truncated: Type.Boolean(),
});
export type AccessHistory = Static<typeof AccessHistory>;

/** `GET|POST|DELETE /api/patient/objection`. */
export const Objection = Type.Object({
  objected: Type.Boolean(),
  since: Type.Optional(Type.String()),
});
export type Objection = Static<typeof Objection>;

/** A permission in force over the patient's record, as the patient sees it. */
export const PatientPermission = Type.Object({
  id: Type.String(),
  organisation: Organisation,
  basis: Type.String(),
  covers: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
});
export type PatientPermission = Static<typeof PatientPermission>;

/** `GET /api/patient/permissions`. */
export const PatientPermissionList = Type.Object({ permissions: Type.Array(PatientPermission) });
export type PatientPermissionList = Static<typeof PatientPermissionList>;

/** `GET /api/patient/concerns`. */
export const ConcernList = Type.Object({ concerns: Type.Array(Concern) });
export type ConcernList = Static<typeof ConcernList>;

/** The body of `POST /api/patient/concerns`. */
export const ConcernRequest = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    reason: OneOf(CONCERN_REASONS),
  },
  { additionalProperties: false },
);
export type ConcernRequest = Static<typeof ConcernRequest>;

/** `POST /api/patient/concerns` (201). */
export const ConcernRaised = Type.Object({ concern: Concern });
export type ConcernRaised = Static<typeof ConcernRaised>;

/** `GET|POST /api/patient/settings`. */
export const NotificationSettings = Type.Object({
  email: Type.Optional(Type.String()),
  offeredEmail: Type.Optional(Type.String()),
  notifyEmergency: Type.Boolean(),
  notifyNewOrganisation: Type.Boolean(),
});
export type NotificationSettings = Static<typeof NotificationSettings>;

/** The body of `POST /api/patient/settings`. */
export const NotificationSettingsRequest = Type.Object(
  {
    keepEmail: Type.Boolean(),
    notifyEmergency: Type.Boolean(),
    notifyNewOrganisation: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type NotificationSettingsRequest = Static<typeof NotificationSettingsRequest>;
