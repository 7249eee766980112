/** @module The `User` domain type and its reading from the users table (never the password hash). */
import type { UserRow } from '../store/schema.ts';
import { isRole, type Role } from '../shared/roles.ts';
import type { RequestingUser } from '../sources/source-result.ts';

/**
 * A person who may sign in: who they are as a source is asked on their behalf, with a known role
 * and the account's standing. Carries no password hash: that never leaves `user-accounts.ts`.
 */
export interface User extends RequestingUser {
  readonly role: Role;
  /** One of the demo accounts, refused in production. */
  readonly isDemo: boolean;
  readonly disabled: boolean;
}

/** The users columns a `User` is built from: everything except the password hash. */
export const USER_COLUMNS = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.role',
  'users.organisation',
  'users.sds_user_id',
  'users.sds_role_profile_id',
  'users.is_demo',
  'users.disabled',
] as const;

/** A users row without the password hash. */
export type UserColumns = Omit<UserRow, 'password_hash' | 'created_at'>;

/**
 * Builds a `User` from a row, or undefined when the row's role is no longer a known role:
 * such an account can neither sign in nor keep a session until an administrator fixes it.
 */
export function userFromRow(row: UserColumns): User | undefined {
  if (!isRole(row.role)) return undefined;
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    organisation: row.organisation,
    sdsUserId: row.sds_user_id ?? undefined,
    sdsRoleProfileId: row.sds_role_profile_id ?? undefined,
    isDemo: row.is_demo === 1,
    disabled: row.disabled === 1,
  };
}
