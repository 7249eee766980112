/** @module The store: one Kysely database over SQLite or PostgreSQL, with the audit lock. */
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.ts';

/** Which database engine a store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** An open database, migrated to the latest version. */
export interface Store {
  /** The typed query builder: accounts, sessions, permissions, dissents, reviews, audit entries. */
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: StoreDialect;
  /** The SQLite file path (or `:memory:`), or the PostgreSQL URL with any password redacted. */
  readonly location: string;
  /**
   * Runs `fn` in a transaction that holds the audit lock, so audit appends are serialised
   * across connections and processes (PostgreSQL: a transaction-scoped advisory lock;
   * SQLite: the database write lock, taken at `BEGIN IMMEDIATE`). Commits when `fn`
   * resolves, rolls back and rethrows when it rejects.
   */
  withAuditLock<T>(fn: (trx: Transaction<DatabaseSchema>) => Promise<T>): Promise<T>;
  /** Closes every connection. The store must not be used afterwards. */
  close(): Promise<void>;
}

/** Re-exported so callers of the store need one import for its error check. */
export { isUniqueViolation } from './store-errors.ts';
