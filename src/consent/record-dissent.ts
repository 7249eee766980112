/**
 * @module Putting a patient on the local dissent register, as steps:
 * access → the entry and its audit entry, committed together.
 */
import { Forbidden } from '../access/access-errors.ts';
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { ConsentActionDeps } from './consent-action-deps.ts';
import type { Dissent } from './permissions.ts';

/** Whose dissent to record. */
export interface RecordDissentRequest extends ActionRequest {
  readonly nhsNumber: string;
}

/**
 * Records the patient's dissent (an existing entry is kept and returned). Throws Forbidden
 * (audited) or AuditUnavailable (then the register is unchanged).
 */
export function createRecordDissent(
  deps: Pick<ConsentActionDeps, 'audit' | 'now' | 'permissions' | 'mayDo'>,
) {
  return async function recordDissent(request: RecordDissentRequest): Promise<Dissent> {
    const { user, nhsNumber } = request;
    const audited = auditedAction(deps, request);

    // access: the role may manage the dissent register.
    if (!deps.mayDo(user, 'manage-dissent')) {
      await audited.deny(
        { attempted: 'dissent-record', reasonCode: 'role-not-allowed', nhsNumber },
        new Forbidden(),
      );
    }

    // the entry and its audit entry commit together, or neither does.
    return deps.audit.appendWith(async (trx) => {
      const dissent = await deps.permissions.recordDissent(nhsNumber, user, trx);
      return {
        result: dissent,
        events: [
          {
            ...audited.fields(nhsNumber),
            action: 'dissent-recorded',
            outcome: 'success',
            nhsNumber,
            dissentId: dissent.id,
          },
        ],
      };
    });
  };
}
