/** @module The roles a user may hold, their display names, and which of them may view records. */

/** Every role, in the order the UI lists them. */
export const ROLES = [
  'gp',
  'hospital-clinician',
  'nurse',
  'health-visitor',
  'social-worker',
  'privacy-officer',
  'admin',
] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** What a role is called on screen. */
export const ROLE_DISPLAY_NAMES: Readonly<Record<Role, string>> = Object.freeze({
  gp: 'GP',
  'hospital-clinician': 'Hospital clinician',
  nurse: 'Nurse',
  'health-visitor': 'Health visitor',
  'social-worker': 'Social worker',
  'privacy-officer': 'Privacy officer',
  admin: 'System administrator',
});

/**
 * Whether each role may view patients' records. Kept as data, not code, because a later
 * change moves this table into the policy file.
 */
export const ROLE_MAY_VIEW_RECORDS: Readonly<Record<Role, boolean>> = Object.freeze({
  gp: true,
  'hospital-clinician': true,
  nurse: true,
  'health-visitor': true,
  'social-worker': true,
  'privacy-officer': false,
  admin: false,
});

const roleSet: ReadonlySet<string> = new Set<string>(ROLES);

/** True when `value` names one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && roleSet.has(value);
}

/** True for the clinical and care roles that may view records. */
export function isClinicalRole(role: Role): boolean {
  return ROLE_MAY_VIEW_RECORDS[role];
}

/** The roles that may view records, in {@link ROLES} order. */
export function clinicalRoles(): Role[] {
  return ROLES.filter((role) => ROLE_MAY_VIEW_RECORDS[role]);
}

/** The display name of a role. */
export function roleDisplayName(role: Role): string {
  return ROLE_DISPLAY_NAMES[role];
}
