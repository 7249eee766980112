/** @module The permission a patient (or an emergency basis) gives for their record to be viewed. */
import type { EmergencyReasonCode } from '../shared/emergency-reasons.ts';

export const PERMISSION_BASES = ['consent', 'emergency'] as const;
export type PermissionBasis = (typeof PERMISSION_BASES)[number];

export const PERMISSION_METHODS = ['verbal', 'written', 'not-applicable'] as const;
export type PermissionMethod = (typeof PERMISSION_METHODS)[number];

/** Why emergency access was needed when the patient could not give permission (one list, in src/shared). */
export { EMERGENCY_REASON_CODES, type EmergencyReasonCode } from '../shared/emergency-reasons.ts';

export const PERMISSION_SCOPES = ['user', 'organisation'] as const;
/** Who the permission covers: the recording user alone, or their organisation for the care episode. */
export type PermissionScope = (typeof PERMISSION_SCOPES)[number];

export interface Permission {
  readonly id: string;
  readonly nhsNumber: string;
  readonly basis: PermissionBasis;
  readonly method: PermissionMethod;
  /** `patient`, or the person with authority who gave it (e.g. "Jane Smith, daughter (LPA)"). */
  readonly givenBy: string;
  readonly reasonCode?: EmergencyReasonCode | undefined;
  readonly reason?: string | undefined;
  readonly scope: PermissionScope;
  /** The user who recorded it. */
  readonly userId: string;
  readonly organisation: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly withdrawnAt?: string | undefined;
  readonly withdrawnBy?: string | undefined;
}

/** Whether a permission allows a view at the given instant. */
export function isLive(permission: Permission, at: Date): boolean {
  return (
    permission.withdrawnAt === undefined && new Date(permission.expiresAt).getTime() > at.getTime()
  );
}
