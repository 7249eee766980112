/** @module Typed errors for managing local accounts, each with a stable code. */

/** Stable codes of {@link AccountError}s; the server maps each to a status. */
export type AccountErrorCode =
  'username-taken' | 'invalid-account-details' | 'user-not-found' | 'demo-accounts-refused';

/** Base of every error `user-accounts.ts` and `demo-users.ts` throw on purpose. */
export class AccountError extends Error {
  readonly code: AccountErrorCode;

  constructor(code: AccountErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Another account already has this username. */
export class UsernameTakenError extends AccountError {
  readonly username: string;

  constructor(username: string) {
    super('username-taken', `The username "${username}" is already in use.`);
    this.username = username;
  }
}

/** A field of a new account, or a new password, breaks the rules; `field` names which. */
export class InvalidAccountDetailsError extends AccountError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('invalid-account-details', message);
    this.field = field;
  }
}

/** No account has this id. */
export class UserNotFoundError extends AccountError {
  readonly userId: string;

  constructor(userId: string) {
    super('user-not-found', `No account has the id "${userId}".`);
    this.userId = userId;
  }
}

/** Demo accounts were asked for while running in production. */
export class DemoAccountsRefusedError extends AccountError {
  constructor() {
    super(
      'demo-accounts-refused',
      'Demo accounts are refused in production (NODE_ENV=production): create real accounts with `mcr users add`.',
    );
  }
}
