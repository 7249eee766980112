/** @module Opens the store named by a database URL: SQLite (the default) or PostgreSQL. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';
import { StoreNotFound } from './store-errors.ts';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * `''` or `sqlite:` → `<dataDir>/mcr.sqlite`; `sqlite:<path>` → that file;
   * `:memory:` (or `sqlite::memory:`) → an in-memory database, for tests;
   * `postgres://…` or `postgresql://…` → PostgreSQL.
   */
  readonly url: string;
  /** Folder for the SQLite file; created owner-only (0700) if missing. */
  readonly dataDir: string;
  /** PostgreSQL schema for the tables (created if missing); `public` when absent. */
  readonly schema?: string;
  /**
   * Only open a database that already exists (commands that only read): a missing SQLite file,
   * or a PostgreSQL schema without the audit trail, is {@link StoreNotFound} and nothing is created.
   */
  readonly mustExist?: boolean;
}

/** The store options a loaded configuration names (`database.url`, `database.schema`, `dataDir`). */
export function storeOptions(config: {
  readonly dataDir: string;
  readonly database: { readonly url: string; readonly schema?: string | undefined };
}): OpenStoreOptions {
  return {
    url: config.database.url,
    dataDir: config.dataDir,
    ...(config.database.schema === undefined ? {} : { schema: config.database.schema }),
  };
}

/** The SQLite file's name inside the data folder. */
export const SQLITE_FILE_NAME = 'mcr.sqlite';

/** Opens the database the URL names and migrates it to the latest version. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.url.trim();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgresStore({
      url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.mustExist === true ? { mustExist: true } : {}),
    });
  }
  if (url === ':memory:' || url === 'sqlite::memory:') {
    return openSqliteStore({ path: ':memory:' });
  }
  if (url === '' || url.startsWith('sqlite:')) {
    const named = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    const path =
      named === '' || named === '//'
        ? join(resolve(options.dataDir), SQLITE_FILE_NAME)
        : resolve(named);
    if (options.mustExist === true && !existsSync(path)) {
      throw new StoreNotFound(
        `There is no database at ${path}: set MCR_DATA_DIR or MCR_DATABASE_URL, or pass --config FILE, to name the one the server uses`,
      );
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openSqliteStore({ path });
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(
    `Unsupported database URL scheme ${scheme}: use sqlite: or postgres:// (or leave it empty)`,
  );
}
