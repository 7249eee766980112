/** @module What every consent action is given: the audit, the clock, the permissions store and the policy's answers. */
import type { User } from '../access/user.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Permissions } from './permissions.ts';

/** The services the consent actions (grant, withdraw, emergency access, dissent) run on. */
export interface ConsentActionDeps {
  readonly audit: Pick<AuditLog, 'append' | 'appendWith'>;
  readonly now: () => Date;
  readonly permissions: Permissions;
  /** The policy's `view-record` action for this user. */
  readonly mayViewRecords: (user: User) => boolean;
  /** The policy's answer for any other action (`emergency-access`, `manage-dissent`). */
  readonly mayDo: (user: User, action: 'emergency-access' | 'manage-dissent') => boolean;
}
