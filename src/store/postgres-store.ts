/** @module The PostgreSQL store: a `pg` pool, one schema, synchronous commits, int8 as numbers. */
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { migrateToLatest } from './migrate.ts';
import type { DatabaseSchema } from './schema.ts';
import type { Store } from './store.ts';
import { isUniqueViolation, StoreNotFound } from './store-errors.ts';
import { AUDIT_LOCK_CLASS } from './audit-lock.ts';

type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
type TypeFormat = Parameters<typeof pg.types.getTypeParser>[1];

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * Session advisory lock ("mcr" + "S") held while a schema is created, migrated or dropped:
 * Kysely's migrator introspects tables across every schema, which fails if another process
 * drops a schema at that moment.
 */
export const SCHEMA_CHANGE_LOCK = 0x6d637253;

/** Options for {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://` or `postgresql://` connection URL. */
  readonly url: string;
  /** Schema to keep the tables in (created if missing); `public` when absent. */
  readonly schema?: string;
  /** Most connections the pool opens; 10 when absent. */
  readonly maxConnections?: number;
  /** Refuse ({@link StoreNotFound}) rather than create a database whose audit trail is missing. */
  readonly mustExist?: boolean;
}

/**
 * Opens a pool to PostgreSQL, creates the schema if needed, and migrates it. Each connection
 * sets its `search_path` to the schema and `synchronous_commit=on`, so a commit means the WAL
 * is flushed to disk. BIGINT values (e.g. `audit_entries.seq`, `count(*)`) come back as JS
 * numbers; one beyond 2^53 is an error rather than a silently wrong number.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error('PostgreSQL schema names must be lower-case letters, digits and _');
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Set on this pool only, so other pg users in the process keep pg's defaults.
    types: { getTypeParser },
  });
  // An idle connection that the server drops emits 'error' on the pool; without a listener
  // that would crash the process. The pool discards the connection; the next query reconnects.
  pool.on('error', () => undefined);

  const db = new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(
          CompiledQuery.raw(
            "select set_config('search_path', $1, false), set_config('synchronous_commit', 'on', false)",
            [schema],
          ),
        );
      },
    }),
  });

  try {
    await db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${sql.lit(SCHEMA_CHANGE_LOCK)})`.execute(connection);
      try {
        if (options.mustExist === true && !(await hasAuditTrail(connection, schema))) {
          throw new StoreNotFound(
            `There is no My Care Record database in schema ${schema} at ${redactUrl(options.url)}: set MCR_DATABASE_URL, or pass --config FILE, to name the one the server uses`,
          );
        }
        if (schema !== 'public') {
          await createSchema(connection, schema);
        }
        await migrateToLatest(connection, 'postgres', schema);
      } finally {
        await sql`select pg_advisory_unlock(${sql.lit(SCHEMA_CHANGE_LOCK)})`.execute(connection);
      }
    });
  } catch (error) {
    await db.destroy();
    if (options.mustExist === true && field(error, 'code') === PG_INVALID_CATALOG_NAME) {
      throw new StoreNotFound(`There is no database at ${redactUrl(options.url)}`, {
        cause: error,
      });
    }
    throw error;
  }

  return {
    db,
    dialect: 'postgres',
    location: redactUrl(options.url),
    withAuditLock: (fn) =>
      db.transaction().execute(async (trx) => {
        // Held until this transaction ends; every store on this schema, in any process, waits here.
        await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK_CLASS)}, hashtext(current_schema()))`.execute(
          trx,
        );
        return fn(trx);
      }),
    close: () => db.destroy(),
  };
}

/** PostgreSQL SQLSTATE for a database that does not exist. */
const PG_INVALID_CATALOG_NAME = '3D000';

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

async function hasAuditTrail(db: Kysely<DatabaseSchema>, schema: string): Promise<boolean> {
  const found = await sql<{ n: number }>`select 1 as n from information_schema.tables
    where table_schema = ${schema} and table_name = 'audit_entries'`.execute(db);
  return found.rows.length > 0;
}

async function createSchema(db: Kysely<DatabaseSchema>, schema: string): Promise<void> {
  // A role without CREATE on the database (docs/security.md) may still use an existing schema.
  const existing = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
  if (existing.rows.length > 0) return;
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two processes creating the schema at once can both pass "if not exists".
    if (!isUniqueViolation(error)) {
      throw error;
    }
  }
}

function getTypeParser(oid: TypeId, format?: TypeFormat): unknown {
  if (oid === pg.types.builtins.INT8 && format !== 'binary') {
    return parseInt8;
  }
  return pg.types.getTypeParser(oid, format);
}

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError('A BIGINT from PostgreSQL is beyond the safe integer range');
  }
  return parsed;
}

/** The URL with any password replaced, for logs and health output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = 'redacted';
    }
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
