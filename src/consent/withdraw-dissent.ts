/**
 * @module Taking a patient off the local dissent register, as steps:
 * access → the revocation and its audit entries, committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import { DissentNotFound } from './consent-errors.ts';
import type { Dissent } from './permissions.ts';

/** Whose dissent to withdraw. */
export interface WithdrawDissentRequest extends ActionRequest {
  readonly nhsNumber: string;
}

/**
 * Revokes the patient's dissent; answers the entries revoked. Throws Forbidden (audited),
 * DissentNotFound, or AuditUnavailable (then the patient is still on the register).
 */
export function createWithdrawDissent(
  deps: Pick<ConsentActionDeps, 'audit' | 'now' | 'permissions' | 'mayDo'>,
) {
  return async function withdrawDissent(request: WithdrawDissentRequest): Promise<Dissent[]> {
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);

    // access: the role may manage the dissent register.
    if (!deps.mayDo(user, 'manage-dissent')) {
      await audited.deny(
        { attempted: 'dissent-revoke', reasonCode: 'role-not-allowed', nhsNumber },
        new Forbidden(),
      );
    }

    // the revocation and one audit entry per entry revoked commit together, or none does.
    return deps.audit.appendWith(async (trx) => {
      const [first, ...rest] = await deps.permissions.revokeDissent(nhsNumber, user, trx);
      if (first === undefined) throw new DissentNotFound();
      const fields = audited.fields(nhsNumber);
      const revoked = (dissent: Dissent) =>
        ({
          ...fields,
          action: 'dissent-revoked',
          outcome: 'success',
          nhsNumber,
          dissentId: dissent.id,
        }) as const;
      return { result: [first, ...rest], events: [revoked(first), ...rest.map(revoked)] };
    });
  };
}
