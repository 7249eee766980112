/** @module The SQLite store: one `node:sqlite` connection to a WAL-mode file, fully synchronous. */
import { closeSync, openSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.ts';
import { NodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { DatabaseSchema } from './schema.ts';
import type { Store } from './store.ts';

/** How long a writer waits for another connection's write lock. */
const LOCK_TIMEOUT_MS = 5000;

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file (its folder must exist), or `:memory:`. */
  readonly path: string;
}

/**
 * Opens (creating if need be) the SQLite database at `path`, sets its pragmas (WAL journal,
 * `synchronous=FULL` so a committed audit entry survives power loss, foreign keys on, busy
 * timeout) and migrates it.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { path } = options;
  const inMemory = path === ':memory:';
  if (!inMemory) {
    // Create the file owner-only before SQLite does (it gives its -wal and -shm files the same mode).
    closeSync(openSync(path, 'a', 0o600));
  }
  const database = new DatabaseSync(path);
  try {
    database.exec(`PRAGMA busy_timeout = ${LOCK_TIMEOUT_MS}`);
    const journal = database.prepare('PRAGMA journal_mode = WAL').get();
    if (!inMemory && journal?.['journal_mode'] !== 'wal') {
      throw new Error(`SQLite could not use WAL mode for ${path}`);
    }
    database.exec('PRAGMA synchronous = FULL');
    database.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }

  const db = new Kysely<DatabaseSchema>({
    dialect: new NodeSqliteDialect({ database, lockTimeoutMs: LOCK_TIMEOUT_MS }),
  });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }

  return {
    db,
    dialect: 'sqlite',
    location: path,
    // Every read-write transaction on this dialect begins IMMEDIATE, taking the write lock
    // before fn runs: that lock is the audit lock, across connections and processes.
    withAuditLock: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}
