/** @module A Kysely dialect for Node's built-in `node:sqlite` (`DatabaseSync`). */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { SelectQueryNode, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { isSqliteBusy } from './store-errors.ts';

/** Options for {@link NodeSqliteDialect}. */
export interface NodeSqliteDialectConfig {
  /** An open database with its pragmas set; closed when the Kysely instance is destroyed. */
  readonly database: DatabaseSync;
  /** How long to wait for another connection's write lock before giving up (the busy timeout). */
  readonly lockTimeoutMs: number;
}

/**
 * SQLite's own DDL is transactional, unlike what Kysely assumes for SQLite; saying so makes
 * the migrator run each migration inside a (write-locked) transaction, so two processes
 * opening the same file at once cannot both apply it.
 */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely dialect for `node:sqlite`. Every read-write transaction starts with `BEGIN IMMEDIATE`,
 * taking the database write lock up front, which serialises writers across connections and
 * processes and avoids the deadlock of two deferred transactions both upgrading to write.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDialectConfig;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #connection: NodeSqliteConnection;
  // One connection only: Kysely acquires it per query or per transaction, so a mutex makes
  // every other caller wait until the current holder releases it (as Kysely's SqliteDriver does).
  readonly #mutex = new ConnectionMutex();

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
    this.#connection = new NodeSqliteConnection(config);
  }

  init(): Promise<void> {
    // The database is opened (and its pragmas set) by the caller.
    return Promise.resolve();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(
    _connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (settings.accessMode === 'read only') {
      this.#config.database.exec('BEGIN DEFERRED');
      return;
    }
    const { database, lockTimeoutMs } = this.#config;
    await waitingForLocks(database, lockTimeoutMs, () => {
      database.exec('BEGIN IMMEDIATE');
    });
  }

  commitTransaction(): Promise<void> {
    return asPromise(() => {
      this.#config.database.exec('COMMIT');
    });
  }

  rollbackTransaction(): Promise<void> {
    return asPromise(() => {
      // Some errors (e.g. SQLITE_FULL) make SQLite roll back by itself; a second ROLLBACK would throw.
      if (this.#config.database.isTransaction) {
        this.#config.database.exec('ROLLBACK');
      }
    });
  }

  savepoint(_connection: DatabaseConnection, savepointName: string): Promise<void> {
    return asPromise(() => {
      this.#config.database.exec(`SAVEPOINT ${quoteIdentifier(savepointName)}`);
    });
  }

  rollbackToSavepoint(_connection: DatabaseConnection, savepointName: string): Promise<void> {
    return asPromise(() => {
      this.#config.database.exec(`ROLLBACK TO ${quoteIdentifier(savepointName)}`);
    });
  }

  releaseSavepoint(_connection: DatabaseConnection, savepointName: string): Promise<void> {
    return asPromise(() => {
      this.#config.database.exec(`RELEASE ${quoteIdentifier(savepointName)}`);
    });
  }

  releaseConnection(): Promise<void> {
    return asPromise(() => {
      this.#mutex.unlock();
    });
  }

  destroy(): Promise<void> {
    return asPromise(() => {
      if (this.#config.database.isOpen) {
        this.#config.database.close();
      }
    });
  }
}

/**
 * How many prepared statements a connection keeps. The application's queries are a fixed set
 * of shapes (Kysely compiles values to parameters), so this holds them all; ad-hoc SQL beyond
 * it evicts the least recently used.
 */
const STATEMENT_CACHE_SIZE = 256;

/** A prepared statement and whether it returns rows, kept for reuse. */
interface PreparedStatement {
  readonly statement: StatementSync;
  readonly reader: boolean;
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #database: DatabaseSync;
  readonly #lockTimeoutMs: number;
  /** Statements by SQL text, least recently used first (a Map keeps insertion order). */
  readonly #statements = new Map<string, PreparedStatement>();

  constructor(config: NodeSqliteDialectConfig) {
    this.#database = config.database;
    this.#lockTimeoutMs = config.lockTimeoutMs;
  }

  /**
   * The statement for this SQL, prepared once per connection and reused: SQLite compiles SQL
   * to bytecode on prepare, which costs more than running a short query. A schema change makes
   * SQLite re-prepare a reused statement by itself (sqlite3_prepare_v2), so reuse stays correct.
   */
  #prepared(sqlText: string): PreparedStatement {
    const cached = this.#statements.get(sqlText);
    if (cached !== undefined) {
      this.#statements.delete(sqlText);
      this.#statements.set(sqlText, cached);
      return cached;
    }
    const statement = this.#database.prepare(sqlText);
    const prepared = { statement, reader: isReader(statement) };
    this.#statements.set(sqlText, prepared);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    return prepared;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { statement, reader } = this.#prepared(compiledQuery.sql);
    const parameters = compiledQuery.parameters.map(toSqliteValue);
    const execute = (): QueryResult<R> => {
      if (reader) {
        return { rows: statement.all(...parameters).map((row) => ({ ...row }) as R) };
      }
      const { changes, lastInsertRowid } = statement.run(...parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    };
    // A write outside a transaction takes the write lock itself, so it may have to wait for one;
    // inside a transaction the lock was taken at BEGIN IMMEDIATE, and WAL readers never wait.
    if (this.#database.isTransaction || SelectQueryNode.is(compiledQuery.query)) {
      return execute();
    }
    return waitingForLocks(this.#database, this.#lockTimeoutMs, execute);
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) {
      throw new Error('The SQLite store only streams SELECT queries');
    }
    // Not the cached statement: an iteration in progress holds it until the caller stops.
    const statement = this.#database.prepare(compiledQuery.sql);
    for (const row of statement.iterate(...compiledQuery.parameters.map(toSqliteValue))) {
      yield { rows: [{ ...row } as R] };
    }
  }
}

/**
 * Runs `attempt` (which must change nothing when it fails as busy), retrying while another
 * connection holds the lock it needs, for up to `timeoutMs`. SQLite's own busy handler waits
 * synchronously, which would freeze the whole process (and, with two connections in one
 * process, wait on a lock holder that cannot run); so the busy timeout is off for the attempt
 * and the waiting is done here, asynchronously.
 */
async function waitingForLocks<T>(
  database: DatabaseSync,
  timeoutMs: number,
  attempt: () => T,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 1;
  database.exec('PRAGMA busy_timeout = 0');
  try {
    for (;;) {
      try {
        return attempt();
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) {
          throw error;
        }
      }
      await sleep(delayMs + Math.random() * delayMs);
      delayMs = Math.min(delayMs * 2, 25);
    }
  } finally {
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(timeoutMs)}`);
  }
}

/** Runs synchronous SQLite work as a promise, so a failure is a rejection, as Kysely expects. */
function asPromise<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** A statement returns rows when it has result columns (SELECT, PRAGMA, … RETURNING). */
function isReader(statement: StatementSync): boolean {
  return statement.columns().length > 0;
}

/** node:sqlite binds null, numbers, bigints, strings and bytes only; booleans become 1/0. */
function toSqliteValue(value: unknown): SQLInputValue {
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'string'
  ) {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (value instanceof Uint8Array) {
    return new Uint8Array(value);
  }
  throw new TypeError(
    `Cannot bind a ${typeof value} parameter to SQLite (use an ISO string for times)`,
  );
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

class ConnectionMutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#held) {
      await this.#held;
    }
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}
