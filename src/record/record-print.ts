/**
 * @module Printing the record (or its summary), as one readable list of steps:
 * access → consent → the `record-printed` audit entry. The browser prints only once the entry is
 * in the trail; nothing is collected here (the page prints what the live view already shows) and
 * nothing of the print is stored. The answer names who printed, for whom and when, so every
 * printed page can say so.
 */
import type { User } from '../access/user.ts';
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { AuditEvent } from '../audit/audit-event.ts';
import { PatientDissented, PermissionRequired } from '../consent/consent-errors.ts';
import type { Permission } from '../consent/permission.ts';
import type { ConsentActor } from '../consent/permissions.ts';
import { RoleMayNotViewRecords } from './record-view.ts';

/** What may be printed: the whole record as shown, or the summary only. */
export type PrintScope = 'record' | 'summary';

export interface RecordPrintRequest extends ActionRequest {
  readonly nhsNumber: string;
  readonly scope: PrintScope;
}

/** The print's marking: who printed, from which organisation, when, on what basis. */
export interface RecordPrinted {
  readonly scope: PrintScope;
  /** ISO-8601 UTC: the audit entry's time. */
  readonly printedAt: string;
  readonly printedBy: string;
  /** ODS code of the printing user's organisation. */
  readonly organisation: string;
  readonly basis: Permission['basis'];
}

/** The same gates as a record view: the policy's `view-record`, the dissent register, a live permission. */
export interface RecordPrintDeps {
  readonly mayViewRecords: (user: User) => boolean;
  readonly consent: {
    hasDissent(nhsNumber: string): Promise<boolean>;
    findLive(
      nhsNumber: string,
      actor: ConsentActor,
      basis?: Permission['basis'],
    ): Promise<Permission | undefined>;
  };
  /** As for the view: a live emergency basis overrides the local dissent register. */
  readonly emergencyOverridesDissent?: boolean | undefined;
  /** Throws when it cannot append (the print is then refused: 503, nothing printed). */
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly now: () => Date;
}

/**
 * Records a print. Throws RoleMayNotViewRecords, PatientDissented or PermissionRequired (each
 * refusal audited as `access-denied`, attempted `record-print`), or the audit's error.
 */
export function createRecordPrint(deps: RecordPrintDeps) {
  return async function recordPrint(request: RecordPrintRequest): Promise<RecordPrinted> {
    const { user, nhsNumber, scope } = request;
    const audited = auditedAction(deps, request);
    const deny = (reasonCode: string, error: Error) =>
      audited.deny({ attempted: 'record-print', reasonCode, nhsNumber }, error);

    // access: a role that may not view the record may not print it.
    if (!deps.mayViewRecords(user)) await deny('role-not-allowed', new RoleMayNotViewRecords());

    // consent: dissent first (an emergency basis overrides it only where the policy says so),
    // then a live permission for this user.
    let permission: Permission | undefined;
    if (await deps.consent.hasDissent(nhsNumber)) {
      permission =
        deps.emergencyOverridesDissent === true
          ? await deps.consent.findLive(nhsNumber, user, 'emergency')
          : undefined;
      if (permission === undefined) await deny('dissent', new PatientDissented());
    } else {
      permission = await deps.consent.findLive(nhsNumber, user);
    }
    if (permission === undefined) return deny('no-live-permission', new PermissionRequired());

    // audit: the print is in the trail before the browser prints; if this throws, no print.
    const fields = audited.fields(nhsNumber);
    await deps.audit.append({
      ...fields,
      action: 'record-printed',
      outcome: 'success',
      basis: { permissionId: permission.id, basis: permission.basis },
      scope,
    });
    return {
      scope,
      printedAt: fields.time,
      printedBy: user.displayName === '' ? user.username : user.displayName,
      organisation: user.organisation,
      basis: permission.basis,
    };
  };
}
