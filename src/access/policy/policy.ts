/** @module The access policy as the server uses it: which role may do what and see which sections. */
import { SECTION_NAMES, type SectionName } from '../../shared/sections.ts';
import type { RestrictedCodes } from '../restricted/restricted-codes.ts';
import type { Role } from '../../shared/roles.ts';
import type { PatientAction, PolicyAction, PolicyFile } from './policy-schema.ts';

export interface PolicySettings {
  readonly emergencyOverridesDissent: boolean;
  readonly permissionScope: 'user' | 'organisation';
  readonly organisationPermissionHours: Readonly<Record<string, number>>;
}

/** The loaded policy. Frozen; unknown roles may do nothing and see nothing (fail closed). */
export interface Policy {
  /** The file it was read from (for messages and the audit of changes). */
  readonly file: string;
  readonly settings: PolicySettings;
  /** The restricted code sets the policy names. */
  readonly restrictedCodes: RestrictedCodes;
  mayDo(role: Role, action: PolicyAction): boolean;
  /** The sections a role may see, in display order. */
  sectionsFor(role: Role): readonly SectionName[];
  /** Whether a role sees encounters' consultation detail. */
  seesConsultationDetail(role: Role): boolean;
  /** The default permission length for an organisation, when the policy sets one. */
  permissionHoursFor(organisation: string): number | undefined;
  /** What the patient role may do (on their own record only). */
  patientMay(action: PatientAction): boolean;
  /** Whether a patient's access history names the professional. */
  readonly patientSeesProfessionalNames: boolean;
}

/** Builds the policy from a validated file and its restricted codes. */
export function createPolicy(
  file: string,
  data: PolicyFile,
  restrictedCodes: RestrictedCodes,
): Policy {
  const roles = new Map<string, PolicyFile['roles'][Role]>(Object.entries(data.roles));
  const sections = new Map<string, readonly SectionName[]>();
  for (const [role, rules] of roles) {
    sections.set(
      role,
      Object.freeze(
        rules.sections === 'all'
          ? [...SECTION_NAMES]
          : SECTION_NAMES.filter((name) => (rules.sections as readonly string[]).includes(name)),
      ),
    );
  }
  const hours = Object.freeze({ ...data.settings.organisationPermissionHours });
  return Object.freeze({
    file,
    settings: Object.freeze({
      emergencyOverridesDissent: data.settings.emergencyOverridesDissent,
      permissionScope: data.settings.permissionScope,
      organisationPermissionHours: hours,
    }),
    restrictedCodes,
    mayDo(role: Role, action: PolicyAction): boolean {
      return roles.get(role)?.actions.includes(action) ?? false;
    },
    sectionsFor(role: Role): readonly SectionName[] {
      return sections.get(role) ?? [];
    },
    seesConsultationDetail(role: Role): boolean {
      return roles.get(role)?.consultationDetail ?? false;
    },
    permissionHoursFor(organisation: string): number | undefined {
      return Object.hasOwn(hours, organisation) ? hours[organisation] : undefined;
    },
    patientMay(action: PatientAction): boolean {
      return data.patient.actions.includes(action);
    },
    patientSeesProfessionalNames: data.patient.professionalNames,
  });
}
