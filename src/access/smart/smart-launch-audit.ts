/**
 * @module The audit entries of a SMART launch: `sign-in` (method `smart`, the EHR's `iss` and the
 * patient in context) or `sign-in-failed` (method `smart`, the `iss` named and the reason code).
 */
import type { User } from '../user.ts';
import { auditActor } from '../../audit/audit-actor.ts';
import { auditableUsername, type AuditClient } from '../../audit/audit-event.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { SmartLaunchFailure } from './smart-launch.ts';

// eslint-disable-next-line no-control-regex -- the audit schema's own rule for a URL
const AUDITABLE_URL = /^https?:\/\/[^\x00-\x20\x7F]{1,292}$/;

/** Where and when the launch step happened. */
export interface LaunchAuditContext {
  readonly time: string;
  readonly requestId: string;
  readonly client: AuditClient;
}

function issuerField(iss: string | undefined): { issuer?: string } {
  return iss !== undefined && AUDITABLE_URL.test(iss) ? { issuer: iss } : {};
}

/** Audits a refused launch; an unreachable EHR is a `failure`, every other refusal `denied`. */
export async function auditLaunchRefused(
  audit: AuditLog,
  context: LaunchAuditContext,
  failure: {
    readonly reason: SmartLaunchFailure;
    readonly iss: string | undefined;
    readonly attempted: string;
  },
): Promise<void> {
  await audit.append({
    action: 'sign-in-failed',
    ...context,
    actor: null,
    attemptedUsername: auditableUsername(failure.attempted),
    outcome:
      failure.reason === 'provider-unavailable' || failure.reason === 'discovery-unavailable'
        ? 'failure'
        : 'denied',
    method: 'smart',
    reasonCode: failure.reason,
    ...issuerField(failure.iss),
  });
}

/** Audits a launch that signed the EHR's user in on the patient in context. */
export async function auditLaunchSignedIn(
  audit: AuditLog,
  context: LaunchAuditContext,
  signedIn: { readonly user: User; readonly iss: string; readonly nhsNumber: string },
): Promise<void> {
  await audit.append({
    action: 'sign-in',
    ...context,
    actor: auditActor(signedIn.user),
    outcome: 'success',
    method: 'smart',
    ...issuerField(signedIn.iss),
    nhsNumber: signedIn.nhsNumber,
  });
}
