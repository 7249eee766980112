/**
 * @module Emergency access when the patient cannot give permission, as steps: access → emergency
 * access allowed → the reason checked → the permission, its review row and both audit entries,
 * committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import { auditedAction } from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import {
  permissionGranted,
  requireMayRecordPermission,
  type PermissionRequest,
} from './grant-permission.ts';
import type { Permission } from './permission.ts';

/** An emergency basis as the clinician recorded it. */
export interface EmergencyAccessRequest extends PermissionRequest {
  readonly reasonCode?: string | undefined;
}

/**
 * Records an emergency basis. Throws Forbidden (audited), InvalidPermission naming the field, or
 * AuditUnavailable (then no permission exists and nothing waits for review).
 */
export function createEmergencyAccess(deps: ConsentActionDeps) {
  return async function emergencyAccess(request: EmergencyAccessRequest): Promise<Permission> {
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);

    // access: the role may view records, and may use emergency access.
    await requireMayRecordPermission(deps, audited, request);
    if (!deps.mayDo(user, 'emergency-access')) {
      await audited.deny(
        { attempted: 'emergency-access', reasonCode: 'role-not-allowed', nhsNumber },
        new Forbidden('Your role does not allow emergency access.'),
      );
    }

    // the request: a reason code and a reason with visible text.
    const permission = deps.permissions.validate({ ...request, basis: 'emergency', actor: user });

    // the permission (with its review row) and both audit entries commit together, or none does.
    return deps.audit.appendWith(async (trx) => {
      const fields = audited.fields(nhsNumber);
      return {
        result: await deps.permissions.insert(permission, trx),
        events: [
          permissionGranted(permission, fields),
          {
            ...fields,
            action: 'emergency-access',
            outcome: 'success',
            nhsNumber,
            permissionId: permission.id,
            ...(permission.reasonCode === undefined ? {} : { reasonCode: permission.reasonCode }),
          },
        ],
      };
    });
  };
}
