/**
 * @module The choices a permission may be recorded with, as the configuration allows them: the
 * emergency reasons the server accepts, and the durations (default and maximum) of a consent and
 * of emergency access. The UI offers exactly these, so it never offers what the server refuses.
 */
import { EMERGENCY_REASON_CODES, type EmergencyReasonCode } from './permission.ts';
import type { PermissionSettings } from './permissions.ts';

/** Each emergency reason in the clinician's words (the codes are EMERGENCY_REASON_CODES). */
export const EMERGENCY_REASON_LABELS: Readonly<Record<EmergencyReasonCode, string>> = {
  'patient-unconscious': 'The patient is unconscious',
  'lacks-capacity': 'The patient lacks capacity to decide',
  'life-threatening': 'The situation is life-threatening',
  other: 'Another emergency reason',
};

/** The usual lengths offered, in hours; those beyond the maximum are left out. */
const CONSENT_HOURS = [1, 4, 8, 12, 24, 72, 168, 336, 720] as const;
const EMERGENCY_HOURS = [1, 2, 4, 8, 12, 24, 48, 72] as const;

/** How long a permission of one basis may last. */
export interface DurationChoices {
  readonly defaultHours: number;
  readonly maxHours: number;
  /** Every duration offered, shortest first; includes the default and the maximum. */
  readonly hours: readonly number[];
}

export interface PermissionOptions {
  readonly consent: DurationChoices;
  readonly emergency: DurationChoices & {
    readonly reasons: readonly { readonly code: EmergencyReasonCode; readonly label: string }[];
  };
}

function choices(usual: readonly number[], defaultHours: number, maxHours: number) {
  const hours = [...new Set([...usual, defaultHours, maxHours])]
    .filter((h) => h <= maxHours)
    .sort((a, b) => a - b);
  return { defaultHours, maxHours, hours };
}

/**
 * The options for a user of `organisation`: the consent default is the policy's for that
 * organisation (within the maximum) when it sets one; emergency access lasts
 * `permissions.emergencyHours` by default and at most.
 */
export function permissionOptions(
  settings: PermissionSettings,
  organisationHours: number | undefined,
): PermissionOptions {
  const consentDefault = Math.min(organisationHours ?? settings.defaultHours, settings.maxHours);
  return {
    consent: choices(CONSENT_HOURS, consentDefault, settings.maxHours),
    emergency: {
      ...choices(EMERGENCY_HOURS, settings.emergencyHours, settings.emergencyHours),
      reasons: EMERGENCY_REASON_CODES.map((code) => ({
        code,
        label: EMERGENCY_REASON_LABELS[code],
      })),
    },
  };
}
