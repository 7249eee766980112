/** @module The access policy file's shape (policy/default-policy.yaml), as a TypeBox schema. Documented in docs/policy.md. */
import { Type, type Static } from '@sinclair/typebox';
import { SECTION_NAMES } from '../../shared/sections.ts';
import type { Role } from '../../shared/roles.ts';

/** Everything a role may be allowed to do. */
export const POLICY_ACTIONS = [
  'view-record',
  'emergency-access',
  'review-emergency-access',
  'search-audit',
  'administer',
  'manage-dissent',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Everything a patient signed in through NHS login may be allowed to do, on their own record only. */
export const PATIENT_ACTIONS = [
  'see-access-history',
  'object-to-sharing',
  'withdraw-permission',
  'raise-concern',
  'manage-notifications',
] as const;
export type PatientAction = (typeof PATIENT_ACTIONS)[number];

const closed = { additionalProperties: false } as const;

const SectionName = Type.Union(SECTION_NAMES.map((name) => Type.Literal(name)));
const Action = Type.Union(POLICY_ACTIONS.map((action) => Type.Literal(action)));

const RoleRules = Type.Object(
  {
    /** `all`, or the sections the role may see (an empty list: no clinical content at all). */
    sections: Type.Union([Type.Literal('all'), Type.Array(SectionName, { uniqueItems: true })]),
    /** Whether encounters keep their consultation detail (topics, reasons, diagnoses, narrative). */
    consultationDetail: Type.Boolean({ default: true }),
    actions: Type.Array(Action, { uniqueItems: true }),
  },
  closed,
);

// Spelled out (not mapped from ROLES) to keep the types shallow; `satisfies` keeps it complete.
const ROLE_RULES = {
  gp: RoleRules,
  'hospital-clinician': RoleRules,
  nurse: RoleRules,
  'health-visitor': RoleRules,
  'social-worker': RoleRules,
  'privacy-officer': RoleRules,
  admin: RoleRules,
} satisfies Record<Role, typeof RoleRules>;

/** The policy file. Every role must be named, so a new role is never silently given access. */
export const PolicyFileSchema = Type.Object(
  {
    version: Type.Literal(1),
    settings: Type.Object(
      {
        /** Whether emergency access may override the local dissent register. */
        emergencyOverridesDissent: Type.Boolean({ default: false }),
        /** Whom a permission covers when the clinician does not say. */
        permissionScope: Type.Union([Type.Literal('user'), Type.Literal('organisation')], {
          default: 'user',
        }),
        /** Default permission length per organisation (ODS code → hours), within permissions.maxHours. */
        organisationPermissionHours: Type.Record(
          Type.String({ pattern: '^[A-Z0-9]{3,10}$' }),
          Type.Integer({ minimum: 1, maximum: 720 }),
          { default: {} },
        ),
      },
      { ...closed, default: {} },
    ),
    /** The restricted code sets file, relative to this file. */
    restrictedCodes: Type.String({ minLength: 1, default: 'restricted-codes.yaml' }),
    roles: Type.Object(ROLE_RULES, closed),
    /**
     * The patient role: a patient signed in through NHS login, on their own record only. Never
     * any clinical section. Absent: patients may do nothing (fail closed).
     */
    patient: Type.Object(
      {
        actions: Type.Array(Type.Union(PATIENT_ACTIONS.map((a) => Type.Literal(a))), {
          uniqueItems: true,
          default: [],
        }),
        /** Whether the patient's access history names the professional, or only their role and organisation. */
        professionalNames: Type.Boolean({ default: false }),
      },
      { ...closed, default: {} },
    ),
  },
  closed,
);

export type PolicyFile = Static<typeof PolicyFileSchema>;
export type RoleRulesFile = Static<typeof RoleRules>;
