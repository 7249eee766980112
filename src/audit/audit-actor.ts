/** @module The user as the audit trail records them: as they are at the time of the event. */
import type { User } from '../access/user.ts';
import type { AuditActor } from './audit-event.ts';

export function auditActor(user: User): AuditActor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    organisation: user.organisation,
    ...(user.sdsUserId === undefined ? {} : { sdsUserId: user.sdsUserId }),
    ...(user.sdsRoleProfileId === undefined ? {} : { sdsRoleProfileId: user.sdsRoleProfileId }),
  };
}
