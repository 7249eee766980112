/**
 * @module Recording a patient's permission (consent basis), as steps:
 * access → the request checked → the permission and its audit entry, committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import type { AuditEventOf } from '../audit/audit-event.ts';
import {
  auditedAction,
  type ActionRequest,
  type CommonAuditFields,
} from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import type { Permission, PermissionMethod, PermissionScope } from './permission.ts';

/** A consent as the clinician recorded it. */
export interface GrantPermissionRequest extends ActionRequest {
  readonly nhsNumber: string;
  readonly method?: PermissionMethod | undefined;
  readonly givenBy?: string | undefined;
  readonly reason?: string | undefined;
  readonly durationHours?: number | undefined;
  readonly scope?: PermissionScope | undefined;
}

/**
 * Records a consent. Throws Forbidden (audited), InvalidPermission naming the field, or
 * AuditUnavailable (then no permission exists).
 */
export function createGrantPermission(deps: ConsentActionDeps) {
  return async function grantPermission(request: GrantPermissionRequest): Promise<Permission> {
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);

    // access: only a role that may view records may record a permission to view one.
    if (!deps.mayViewRecords(user)) {
      await audited.deny(
        { attempted: 'permission-grant', reasonCode: 'role-not-allowed', nhsNumber },
        new Forbidden(),
      );
    }

    // the request, checked against the rules and the policy's defaults.
    const permission = deps.permissions.validate({ ...request, basis: 'consent', actor: user });

    // the permission and its audit entry commit together, or neither does.
    return deps.audit.appendWith(async (trx) => ({
      result: await deps.permissions.insert(permission, trx),
      events: [permissionGranted(permission, audited.fields(nhsNumber))],
    }));
  };
}

/** The `permission-granted` entry for a permission just recorded. */
export function permissionGranted(
  permission: Permission,
  fields: CommonAuditFields,
): AuditEventOf<'permission-granted'> {
  return {
    ...fields,
    action: 'permission-granted',
    outcome: 'success',
    nhsNumber: permission.nhsNumber,
    permissionId: permission.id,
    basis: permission.basis,
    method: permission.method,
    scope: permission.scope,
    expiresAt: permission.expiresAt,
  };
}
