/**
 * @module Local accounts: creating them, signing in with a password (with lockout after
 * repeated failures from one address), and the few changes an administrator makes. The only
 * file that reads or writes password hashes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import { isUniqueViolation } from '../store/store-errors.ts';
import {
  DemoAccountsRefusedError,
  InvalidAccountDetailsError,
  UsernameTakenError,
  UserNotFoundError,
} from './account-errors.ts';
import {
  DEFAULT_SCRYPT_PARAMS,
  dummyVerify as dummyVerifyWith,
  hashPassword as hashPasswordWith,
  needsRehash as needsRehashWith,
  verifyPassword,
  type ScryptParams,
} from './password-hash.ts';
import { isRole, type Role } from '../shared/roles.ts';
import { createDatabaseCounters } from './database-counters.ts';
import type { SharedCounters } from './shared-counters.ts';
import { USER_COLUMNS, userFromRow, type User } from './user.ts';

/** Usernames: lower-case letters, digits, `.`, `_`, `-`; 2 to 64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
/** ODS organisation codes as we accept them. */
export const ODS_CODE_PATTERN = /^[A-Z0-9]{3,10}$/;
export const MIN_PASSWORD_LENGTH = 12;
// Long enough for any passphrase; short enough that hashing it costs nothing extra.
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_DISPLAY_NAME_LENGTH = 200;
const MAX_SDS_ID_LENGTH = 64;

/** What `add` needs to create an account. */
export interface NewUserAccount {
  readonly username: string;
  readonly displayName?: string | undefined;
  readonly role: Role;
  /** ODS code of the user's organisation. */
  readonly organisation: string;
  readonly password: string;
  readonly sdsUserId?: string | undefined;
  readonly sdsRoleProfileId?: string | undefined;
  readonly isDemo?: boolean | undefined;
}

/**
 * Failures are counted per (address, slot), the slot being the username hashed into this many
 * values: an address keeps at most this many rows however many usernames it invents, and a lock
 * it earns holds only for its own address, never for the same user signing in from elsewhere.
 */
export const LOCKOUT_SLOTS = 64;

/** The lockout slot of a (normalised) username. */
export function lockoutSlot(username: string): number {
  return createHash('sha256').update(username).digest().readUInt32BE(0) % LOCKOUT_SLOTS;
}

/** The address in-process callers (no HTTP request) are counted under. */
export const LOCAL_ADDRESS = 'local';

/** Why a sign-in was refused. `locked` and `bad-credentials` say nothing about whether the username exists. */
export type AuthenticationFailure = 'bad-credentials' | 'locked' | 'disabled' | 'demo-refused';

export type AuthenticationResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: AuthenticationFailure };

export interface UserAccountsDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly now?: (() => Date) | undefined;
  /** Under NODE_ENV=production demo accounts may neither be created nor sign in. */
  readonly production: boolean;
  /** Failed sign-ins from one address within `lockoutMinutes` that lock a username there (default 5). */
  readonly maxFailedLogins?: number | undefined;
  /** How long a lock lasts, and the window failures are counted in (default 15). */
  readonly lockoutMinutes?: number | undefined;
  /** Where failures are counted, shared by every instance (default: this database). */
  readonly counters?: SharedCounters | undefined;
  /** scrypt settings for new hashes (default {@link DEFAULT_SCRYPT_PARAMS}); tests lower the cost to run fast. */
  readonly passwordHashing?: ScryptParams | undefined;
}

/** The local accounts. */
export interface UserAccounts {
  readonly production: boolean;
  /** Creates an account. Throws `InvalidAccountDetailsError`, `UsernameTakenError` or `DemoAccountsRefusedError`. */
  add(account: NewUserAccount): Promise<User>;
  /**
   * Checks a username and password from `address` (the rate limits' key for the client; in-process
   * callers share {@link LOCAL_ADDRESS}). Never throws for bad input; every refusal is a value.
   */
  authenticate(username: string, password: string, address?: string): Promise<AuthenticationResult>;
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  /** Every account with a known role, by username. */
  list(): Promise<User[]>;
  /** True when `password` is the account's password; no lockout bookkeeping (for re-confirmation, not sign-in). */
  passwordMatches(userId: string, password: string): Promise<boolean>;
  /** Sets a new password, lifts any lockout and ends the account's sessions. Throws `UserNotFoundError`. */
  setPassword(userId: string, password: string): Promise<void>;
  /** Stops the account signing in and ends its sessions. Throws `UserNotFoundError`. */
  disable(userId: string): Promise<void>;
  /** Lets a disabled account sign in again. Throws `UserNotFoundError`. */
  enable(userId: string): Promise<void>;
}

/** Lower-cases and trims a username as typed, so `GP ` and `gp` are the same account. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidAccountDetailsError(
      'password',
      `A password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidAccountDetailsError(
      'password',
      `A password must be at most ${MAX_PASSWORD_LENGTH} characters long.`,
    );
  }
}

function optionalSdsId(field: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > MAX_SDS_ID_LENGTH || !/^[A-Za-z0-9._:-]+$/.test(trimmed)) {
    throw new InvalidAccountDetailsError(
      field,
      `${field} must be up to ${MAX_SDS_ID_LENGTH} letters, digits, '.', '_', ':' or '-'.`,
    );
  }
  return trimmed;
}

/** Builds the local accounts over the store's database. */
export function createUserAccounts(deps: UserAccountsDeps): UserAccounts {
  const { db, production } = deps;
  const now = deps.now ?? (() => new Date());
  const failureRule = {
    maxFailures: deps.maxFailedLogins ?? 5,
    windowMs: (deps.lockoutMinutes ?? 15) * 60_000,
  };
  const counters = deps.counters ?? createDatabaseCounters({ db, now });
  const hashing = deps.passwordHashing ?? DEFAULT_SCRYPT_PARAMS;
  const hashPassword = (password: string) => hashPasswordWith(password, hashing);
  const needsRehash = (encoded: string) => needsRehashWith(encoded, hashing);
  // Unknown usernames cost one hash at the current settings, like known ones.
  const dummyVerify = (password: string) => dummyVerifyWith(password, hashing);

  async function findRow(column: 'id' | 'username', value: string) {
    return db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'users.password_hash'])
      .where(`users.${column}`, '=', value)
      .executeTakeFirst();
  }

  async function endSessions(userId: string): Promise<void> {
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async function setDisabled(userId: string, disabled: boolean): Promise<void> {
    const result = await db
      .updateTable('users')
      .set({ disabled: disabled ? 1 : 0 })
      .where('id', '=', userId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new UserNotFoundError(userId);
    if (disabled) await endSessions(userId);
  }

  return {
    production,

    async add(account) {
      const username = normaliseUsername(account.username);
      if (!USERNAME_PATTERN.test(username)) {
        throw new InvalidAccountDetailsError(
          'username',
          "A username is 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.",
        );
      }
      if (!isRole(account.role)) {
        throw new InvalidAccountDetailsError(
          'role',
          `"${String(account.role)}" is not a known role.`,
        );
      }
      const organisation = account.organisation.trim();
      if (!ODS_CODE_PATTERN.test(organisation)) {
        throw new InvalidAccountDetailsError(
          'organisation',
          'The organisation must be an ODS code: 3 to 10 upper-case letters or digits.',
        );
      }
      const displayName = (account.displayName ?? username).trim();
      if (displayName === '' || displayName.length > MAX_DISPLAY_NAME_LENGTH) {
        throw new InvalidAccountDetailsError(
          'displayName',
          `A display name is 1 to ${MAX_DISPLAY_NAME_LENGTH} characters.`,
        );
      }
      checkPassword(account.password);
      const isDemo = account.isDemo === true;
      if (isDemo && production) throw new DemoAccountsRefusedError();
      const sdsUserId = optionalSdsId('sdsUserId', account.sdsUserId);
      const sdsRoleProfileId = optionalSdsId('sdsRoleProfileId', account.sdsRoleProfileId);
      if ((await findRow('username', username)) !== undefined)
        throw new UsernameTakenError(username);

      const passwordHash = await hashPassword(account.password);
      const row = {
        id: randomUUID(),
        username,
        display_name: displayName,
        role: account.role,
        organisation,
        password_hash: passwordHash,
        sds_user_id: sdsUserId,
        sds_role_profile_id: sdsRoleProfileId,
        is_demo: isDemo ? 1 : 0,
        disabled: 0,
        created_at: now().toISOString(),
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (error) {
        // Two administrators adding the same username at once: the unique index decides.
        if (isUniqueViolation(error)) throw new UsernameTakenError(username);
        throw error;
      }
      const user = userFromRow(row);
      if (user === undefined) throw new Error('unreachable: the role was checked above');
      return user;
    },

    async authenticate(rawUsername, password, address = LOCAL_ADDRESS) {
      const username = normaliseUsername(rawUsername);
      const slot = lockoutSlot(username);
      if (await counters.isLocked(address, slot)) {
        await dummyVerify(password.slice(0, MAX_PASSWORD_LENGTH));
        return { ok: false, reason: 'locked' };
      }
      const wellFormed = USERNAME_PATTERN.test(username);
      const row = wellFormed ? await findRow('username', username) : undefined;
      const passwordHash = row?.password_hash ?? null;
      const matches =
        passwordHash !== null && password.length <= MAX_PASSWORD_LENGTH
          ? await verifyPassword(password, passwordHash)
          : await dummyVerify(password.slice(0, MAX_PASSWORD_LENGTH));
      if (row === undefined || passwordHash === null || !matches) {
        // Unknown usernames count too (in their slot, adding no row of their own), so a lock
        // says nothing about whether an account exists.
        if (wellFormed) await counters.recordFailure(address, slot, failureRule);
        return { ok: false, reason: 'bad-credentials' };
      }
      const user = userFromRow(row);
      if (user === undefined || user.disabled) return { ok: false, reason: 'disabled' };
      if (user.isDemo && production) return { ok: false, reason: 'demo-refused' };
      if (needsRehash(passwordHash)) {
        await db
          .updateTable('users')
          .set({ password_hash: await hashPassword(password) })
          .where('id', '=', user.id)
          .execute();
      }
      await counters.clearFailures(address, slot);
      return { ok: true, user };
    },

    async findById(id) {
      const row = await findRow('id', id);
      return row === undefined ? undefined : userFromRow(row);
    },

    async findByUsername(username) {
      const row = await findRow('username', normaliseUsername(username));
      return row === undefined ? undefined : userFromRow(row);
    },

    async list() {
      const rows = await db
        .selectFrom('users')
        .select(USER_COLUMNS)
        .orderBy('users.username')
        .execute();
      return rows.flatMap((row) => userFromRow(row) ?? []);
    },

    async passwordMatches(userId, password) {
      const row = await findRow('id', userId);
      if (row?.password_hash == null || password.length > MAX_PASSWORD_LENGTH) {
        return dummyVerify(password.slice(0, MAX_PASSWORD_LENGTH));
      }
      return verifyPassword(password, row.password_hash);
    },

    async setPassword(userId, password) {
      checkPassword(password);
      const row = await findRow('id', userId);
      if (row === undefined) throw new UserNotFoundError(userId);
      await db
        .updateTable('users')
        .set({ password_hash: await hashPassword(password) })
        .where('id', '=', userId)
        .execute();
      // A new password lifts the username's lock at every address.
      await counters.clearSlot(lockoutSlot(row.username));
      await endSessions(userId);
    },

    async disable(userId) {
      await setDisabled(userId, true);
    },

    async enable(userId) {
      await setDisabled(userId, false);
    },
  };
}
