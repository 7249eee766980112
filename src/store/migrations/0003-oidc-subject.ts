/** @module Migration 0003: accounts linked to an OpenID Connect provider, and sign-ins in progress, for SQLite and PostgreSQL. */
import type { Kysely, Migration } from 'kysely';
import { expiresAtIndex, signInCheckColumns } from './shared-columns.ts';

/**
 * Adds `users.oidc_issuer` and `users.oidc_subject` (unique together: one account per person at
 * a provider), and `oidc_logins`: one row per sign-in started at a provider, deleted when it comes
 * back, so a callback can be used only once. No clinical content.
 */
export function oidcSubjectMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('oidc_issuer', 'text').execute();
      await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
      await db.schema
        .createIndex('users_oidc_identity')
        .on('users')
        .columns(['oidc_issuer', 'oidc_subject'])
        .unique()
        .execute();

      await db.schema
        .createTable('oidc_logins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .$call(signInCheckColumns)
        .execute();
      await expiresAtIndex(db, 'oidc_logins').execute();
    },
  };
}
