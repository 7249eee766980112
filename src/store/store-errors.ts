/** @module Recognises database errors the same way on SQLite and PostgreSQL. */

/** SQLite extended result codes for a unique index or primary key being violated. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
/** SQLite primary result code for "database is locked" (extended codes keep it in the low byte). */
const SQLITE_BUSY = 5;
/** PostgreSQL SQLSTATE for unique_violation. */
const PG_UNIQUE_VIOLATION = '23505';

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/** True when `error` says a row would duplicate a unique key (e.g. a username taken), on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const errcode = field(error, 'errcode');
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return true;
  }
  return field(error, 'code') === PG_UNIQUE_VIOLATION;
}

/** True when `error` is SQLite saying another connection holds a lock it needs. */
export function isSqliteBusy(error: unknown): boolean {
  const errcode = field(error, 'errcode');
  return typeof errcode === 'number' && (errcode & 0xff) === SQLITE_BUSY;
}

/**
 * The database a command was pointed at does not exist, and the command only reads, so it was
 * not created. `mcr` prints the message and exits 2.
 */
export class StoreNotFound extends Error {
  override readonly name = 'StoreNotFound';
  readonly code = 'store-not-found';
}
