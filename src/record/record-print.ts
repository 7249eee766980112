/**
 * @module Printing the record (or its summary), as one readable list of steps:
 * access → consent → the `record-printed` audit entry. The browser prints only once the entry is
 * in the trail; nothing is collected here (the page prints what the live view already shows) and
 * nothing of the print is stored. The answer names who printed, for whom and when, so every
 * printed page can say so.
 */
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { AuditEvent } from '../audit/audit-event.ts';
import type { Permission } from '../consent/permission.ts';
import { passRecordGates, type RecordGateDeps } from './record-view-gates.ts';

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
export interface RecordPrintDeps extends RecordGateDeps {
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

    // access → consent: as for a view (an emergency basis overrides dissent only where the
    // policy says so); each refusal audited, attempted `record-print`.
    const { permission } = await passRecordGates(deps, audited, {
      user,
      nhsNumber,
      attempted: 'record-print',
    });

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
