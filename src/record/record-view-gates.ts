/**
 * @module The gates every action on a patient's record passes first, in order: access (may this
 * role view records?) → consent (the dissent register, then a live permission for this user).
 * Each refusal is audited as `access-denied` before it is thrown. Shared by the record view, the
 * documents it opens and printing.
 */
import type { User } from '../access/user.ts';
import type { AuditedAction } from '../audit/audited-action.ts';
import { PatientDissented, PermissionRequired } from '../consent/consent-errors.ts';
import type { Permission } from '../consent/permission.ts';
import type { ConsentActor } from '../consent/permissions.ts';

/** The user's role may not view records. */
export class RoleMayNotViewRecords extends Error {
  override readonly name = 'RoleMayNotViewRecords';
  constructor() {
    super('Your role does not allow viewing patient records.');
  }
}

/** What the gates ask: the policy's `view-record`, the dissent register, live permissions. */
export interface RecordGateDeps {
  readonly mayViewRecords: (user: User) => boolean;
  readonly consent: {
    hasDissent(nhsNumber: string): Promise<boolean>;
    findLive(
      nhsNumber: string,
      actor: ConsentActor,
      basis?: Permission['basis'],
    ): Promise<Permission | undefined>;
  };
  /**
   * The policy's `emergencyOverridesDissent`: a live emergency basis (which always has a reason)
   * overrides the local dissent register, and the action's audit entries say so. Never a GP
   * practice's own dissent: that source still answers `dissent`.
   */
  readonly emergencyOverridesDissent?: boolean | undefined;
}

/** The gates passed: the permission the action rests on, and whether it overrode a dissent. */
export interface GatesPassed {
  readonly permission: Permission;
  readonly dissentOverridden: boolean;
}

/**
 * Passes the gates or throws RoleMayNotViewRecords, PatientDissented or PermissionRequired (each
 * refusal audited as `access-denied`, `attempted` naming the action), or the audit's error.
 */
export async function passRecordGates(
  deps: RecordGateDeps,
  audited: AuditedAction,
  request: { readonly user: User; readonly nhsNumber: string; readonly attempted: string },
): Promise<GatesPassed> {
  const { user, nhsNumber, attempted } = request;
  const deny = (reasonCode: string, error: Error) =>
    audited.deny({ attempted, reasonCode, nhsNumber }, error);

  // access: may this role view records at all?
  if (!deps.mayViewRecords(user)) await deny('role-not-allowed', new RoleMayNotViewRecords());

  // consent: dissent first (it overrides any permission, unless the policy lets an emergency
  // basis override it), then a live permission for this user.
  if (await deps.consent.hasDissent(nhsNumber)) {
    const emergency =
      deps.emergencyOverridesDissent === true
        ? await deps.consent.findLive(nhsNumber, user, 'emergency')
        : undefined;
    if (emergency === undefined) return deny('dissent', new PatientDissented());
    return { permission: emergency, dissentOverridden: true };
  }
  const permission = await deps.consent.findLive(nhsNumber, user);
  if (permission === undefined) return deny('no-live-permission', new PermissionRequired());
  return { permission, dissentOverridden: false };
}
