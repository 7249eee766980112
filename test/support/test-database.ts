/** @module Fresh stores for tests, on SQLite and on PostgreSQL, and a helper to run a suite against each. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import { redactUrl, SCHEMA_CHANGE_LOCK } from '../../src/store/postgres-store.ts';
import type { Store, StoreDialect } from '../../src/store/store.ts';

/** The PostgreSQL server the tests use: `MCR_TEST_DATABASE_URL`, else the local one. */
export const testDatabaseUrl =
  process.env['MCR_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One empty database that several stores may open at once (same SQLite file, same PG schema). */
export interface TestDatabase {
  readonly name: StoreDialect;
  /** Where it is: the SQLite data folder, or the PostgreSQL schema. */
  readonly place: string;
  /** Opens another store on this database (a new SQLite connection, or a new PG pool). */
  open(): Promise<Store>;
  /** Closes any store still open on it, then deletes it (the folder, or the schema). */
  dispose(): Promise<void>;
}

/** How to get fresh stores of one dialect. */
export interface TestStoreFactory {
  readonly name: StoreDialect;
  /** A fresh, migrated, empty store; closing it deletes its database. */
  open(): Promise<Store>;
  /** A fresh database for tests that need several stores on it at once. */
  createDatabase(): Promise<TestDatabase>;
  /** Why this dialect cannot run here (e.g. PostgreSQL unreachable), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
}

/** A factory per dialect: SQLite in a fresh temp folder; PostgreSQL in a fresh schema per database. */
export function testStores(): TestStoreFactory[] {
  return [sqliteFactory(), postgresFactory(testDatabaseUrl)];
}

/**
 * Runs `define` once per dialect, inside a `describe` named for it, so one suite covers both.
 * When PostgreSQL is unreachable its cases are skipped with a loud banner, except under
 * `CI=true`, where that is a failing test instead.
 */
export function forEachStore(
  define: (name: StoreDialect, open: () => Promise<Store>, factory: TestStoreFactory) => void,
  factories: TestStoreFactory[] = testStores(),
): void {
  for (const factory of factories) {
    void describe(`on ${factory.name}`, async () => {
      const reason = await factory.unavailable();
      if (reason === undefined) {
        define(factory.name, () => factory.open(), factory);
        return;
      }
      announceUnavailable(factory.name, reason);
      if (process.env['CI'] === 'true') {
        void test(`${factory.name} is reachable, as CI requires`, () => {
          assert.fail(reason);
        });
      } else {
        void test(`${factory.name} cases`, { skip: reason }, () => undefined);
      }
    });
  }
}

function sqliteFactory(): TestStoreFactory {
  const createDatabase = async (): Promise<TestDatabase> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcr-store-'));
    return trackedDatabase(
      'sqlite',
      dataDir,
      () => openStore({ url: '', dataDir }),
      async () => {
        await rm(dataDir, { recursive: true, force: true });
      },
    );
  };
  return {
    name: 'sqlite',
    createDatabase,
    open: () => openOwning(createDatabase),
    unavailable: () => Promise.resolve(undefined),
  };
}

function postgresFactory(url: string): TestStoreFactory {
  let reachable: Promise<string | undefined> | undefined;
  const createDatabase = (): Promise<TestDatabase> => {
    const schema = `mcr_test_${randomBytes(6).toString('hex')}`;
    return Promise.resolve(
      trackedDatabase(
        'postgres',
        schema,
        () => openStore({ url, dataDir: tmpdir(), schema }),
        () => dropSchema(url, schema),
      ),
    );
  };
  return {
    name: 'postgres',
    createDatabase,
    open: () => openOwning(createDatabase),
    unavailable: () => (reachable ??= probePostgres(url)),
  };
}

/** Opens a store on a database of its own, which its close() deletes. */
async function openOwning(createDatabase: () => Promise<TestDatabase>): Promise<Store> {
  const database = await createDatabase();
  try {
    const store = await database.open();
    return { ...store, close: () => database.dispose() };
  } catch (error) {
    await database.dispose();
    throw error;
  }
}

function trackedDatabase(
  name: StoreDialect,
  place: string,
  openOne: () => Promise<Store>,
  remove: () => Promise<void>,
): TestDatabase {
  const openStores = new Set<Store>();
  return {
    name,
    place,
    async open() {
      const store = await openOne();
      const tracked: Store = {
        db: store.db,
        dialect: store.dialect,
        location: store.location,
        withAuditLock: (fn) => store.withAuditLock(fn),
        async close() {
          if (openStores.delete(tracked)) {
            await store.close();
          }
        },
      };
      openStores.add(tracked);
      return tracked;
    },
    async dispose() {
      await Promise.all([...openStores].map((store) => store.close()));
      await remove();
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  // Durability does not matter for throwing a test schema away; not waiting for the flush is faster.
  const client = new pg.Client({ connectionString: url, options: '-c synchronous_commit=off' });
  await client.connect();
  try {
    // The same lock openPostgresStore holds while it creates and migrates a schema.
    await client.query('select pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `PostgreSQL is unreachable at ${redactUrl(url)} (${detail})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function announceUnavailable(name: StoreDialect, reason: string): void {
  const ci = process.env['CI'] === 'true';
  const line = '!'.repeat(78);
  console.error(
    [
      '',
      line,
      `!! ${name.toUpperCase()} STORE TESTS ${ci ? 'FAIL (CI=true requires PostgreSQL)' : 'SKIPPED'}`,
      `!! ${reason}`,
      '!! Start PostgreSQL or set MCR_TEST_DATABASE_URL to run them.',
      line,
      '',
    ].join('\n'),
  );
}
