/**
 * @module Withdrawing a permission, as steps: access → the permission found → it covers this user
 * (or they recorded it) → the withdrawal and its audit entry, committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import type { User } from '../access/user.ts';
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import { PermissionNotFound } from './consent-errors.ts';
import type { Permission } from './permission.ts';

/** Which permission to withdraw. */
export interface WithdrawPermissionRequest extends ActionRequest {
  readonly permissionId: string;
}

/**
 * Withdraws a permission. Throws Forbidden (audited), PermissionNotFound, or AuditUnavailable
 * (then the permission is still live).
 */
export function createWithdrawPermission(deps: ConsentActionDeps) {
  return async function withdrawPermission(
    request: WithdrawPermissionRequest,
  ): Promise<Permission> {
    const { user } = request;
    const audited = auditedAction(deps, request);

    // access: only a role that may view records holds permissions to withdraw.
    if (!deps.mayViewRecords(user)) {
      await audited.deny(
        { attempted: 'permission-withdraw', reasonCode: 'role-not-allowed' },
        new Forbidden(),
      );
    }

    // the permission, and whether it is this user's to withdraw.
    const permission = await deps.permissions.get(request.permissionId);
    if (permission === undefined) throw new PermissionNotFound();
    if (!mayWithdraw(permission, user)) {
      await audited.deny(
        {
          attempted: 'permission-withdraw',
          reasonCode: 'not-covered',
          nhsNumber: permission.nhsNumber,
        },
        new Forbidden('This permission is not yours to withdraw.'),
      );
    }

    // the withdrawal and its audit entry commit together, or neither does.
    return deps.audit.appendWith(async (trx) => ({
      result: await deps.permissions.withdraw(permission.id, user, trx),
      events: [
        {
          ...audited.fields(permission.nhsNumber),
          action: 'permission-withdrawn',
          outcome: 'success',
          nhsNumber: permission.nhsNumber,
          permissionId: permission.id,
        },
      ],
    }));
  };
}

/** The user recorded the permission, or it covers them (their own, or their organisation's). */
function mayWithdraw(permission: Permission, user: User): boolean {
  if (permission.userId === user.id) return true;
  return permission.scope === 'organisation' && permission.organisation === user.organisation;
}
