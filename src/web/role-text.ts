/** @module A role code as people read it ("hospital-clinician" → "Hospital clinician"). */
import { ROLE_DISPLAY_NAMES } from '../shared/roles.ts';

/** The role's display name; a role this UI does not know is shown as its code. */
export function roleText(role: string): string {
  return (ROLE_DISPLAY_NAMES as Readonly<Record<string, string>>)[role] ?? role;
}
