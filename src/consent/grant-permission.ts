/**
 * @module Recording a patient's permission (consent basis), as steps:
 * access → the request checked → the permission and its audit entry, committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import type { AuditEventOf } from '../audit/audit-event.ts';
import {
  auditedAction,
  type ActionRequest,
  type AuditedAction,
  type CommonAuditFields,
} from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import type { Permission, PermissionMethod, PermissionScope } from './permission.ts';

/** What every recorded permission names: the patient, why, for how long, over whom. */
export interface PermissionRequest extends ActionRequest {
  readonly nhsNumber: string;
  readonly reason?: string | undefined;
  readonly durationHours?: number | undefined;
  readonly scope?: PermissionScope | undefined;
}

/** A consent as the clinician recorded it. */
export interface GrantPermissionRequest extends PermissionRequest {
  readonly method?: PermissionMethod | undefined;
  readonly givenBy?: string | undefined;
}

/**
 * The access step of every permission (consent or emergency): only a role that may view records
 * may record a permission to view one. Refusals are audited as `permission-grant`.
 */
export async function requireMayRecordPermission(
  deps: Pick<ConsentActionDeps, 'mayViewRecords'>,
  audited: AuditedAction,
  request: PermissionRequest,
): Promise<void> {
  if (deps.mayViewRecords(request.user)) return;
  await audited.deny(
    { attempted: 'permission-grant', reasonCode: 'role-not-allowed', nhsNumber: request.nhsNumber },
    new Forbidden(),
  );
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
    await requireMayRecordPermission(deps, audited, request);

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
