/**
 * @module The roles a user may hold and their display names. What each role may do is the policy's
 * alone (policy/default-policy.yaml): nothing here says it.
 */

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

const roleSet: ReadonlySet<string> = new Set<string>(ROLES);

/** True when `value` names one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && roleSet.has(value);
}

/** The display name of a role. */
export function roleDisplayName(role: Role): string {
  return ROLE_DISPLAY_NAMES[role];
}
