/** @module Brings a store's database to the latest schema version with Kysely's Migrator. */
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './migrations/0001-initial.ts';
import { auditCheckpointsMigration } from './migrations/0002-audit-checkpoints.ts';
import { oidcSubjectMigration } from './migrations/0003-oidc-subject.ts';
import { privacyAlertsMigration } from './migrations/0004-privacy-alerts.ts';
import { auditSearchIndexesMigration } from './migrations/0005-audit-search-indexes.ts';
import { auditAppendOnlyMigration } from './migrations/0006-audit-append-only.ts';
import { smartLaunchesMigration } from './migrations/0007-smart-launches.ts';
import { patientPortalMigration } from './migrations/0008-patient-portal.ts';
import { rateLimitsMigration } from './migrations/0009-rate-limits.ts';
import { auditTilesMigration } from './migrations/0010-audit-tiles.ts';
import { auditSearchByUsernameMigration } from './migrations/0011-audit-search-by-username.ts';
import { auditAppendFunctionMigration } from './migrations/0012-audit-append-function.ts';
import { auditSearchColumnsMigration } from './migrations/0013-audit-search-columns.ts';
import type { DatabaseSchema } from './schema.ts';
import type { StoreDialect } from './store.ts';

/** Every migration, in order of name. Add new ones here; never edit an applied one. */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-audit-checkpoints': auditCheckpointsMigration(dialect),
    '0003-oidc-subject': oidcSubjectMigration(),
    '0004-privacy-alerts': privacyAlertsMigration(dialect),
    '0005-audit-search-indexes': auditSearchIndexesMigration(dialect),
    '0006-audit-append-only': auditAppendOnlyMigration(dialect),
    '0007-smart-launches': smartLaunchesMigration(),
    '0008-patient-portal': patientPortalMigration(dialect),
    '0009-rate-limits': rateLimitsMigration(dialect),
    '0010-audit-tiles': auditTilesMigration(dialect),
    '0011-audit-search-by-username': auditSearchByUsernameMigration(dialect),
    '0012-audit-append-function': auditAppendFunctionMigration(dialect),
    '0013-audit-search-columns': auditSearchColumnsMigration(dialect),
  };
}

class StaticMigrationProvider implements MigrationProvider {
  readonly #migrations: Record<string, Migration>;

  constructor(migrations: Record<string, Migration>) {
    this.#migrations = migrations;
  }

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.#migrations);
  }
}

/**
 * Applies every migration not yet applied; a no-op on an up-to-date database. Safe when
 * several processes open the same database at once (each dialect serialises the migrator).
 * `schema` (PostgreSQL) is where Kysely keeps its own migration bookkeeping tables.
 */
export async function migrateToLatest(
  db: Kysely<DatabaseSchema>,
  dialect: StoreDialect,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(storeMigrations(dialect)),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed`.replace('  ', ' '), {
      cause: error,
    });
  }
}
