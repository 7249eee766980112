/** @module Migration 0007: SMART App Launches in progress, and the patient a launched session opens on. */
import type { Kysely, Migration } from 'kysely';

/**
 * Adds `smart_launches`: one row per EHR launch sent to an EHR's authorisation server (its `iss`,
 * state, nonce and PKCE verifier), deleted when the EHR sends the browser back, so a callback
 * works once. And `sessions.launch_nhs_number`: the patient in the EHR's context, which the
 * viewer opens first (an NHS number is what the audit holds anyway; nothing clinical).
 */
export function smartLaunchesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('smart_launches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('iss', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('smart_launches_expires_at')
        .on('smart_launches')
        .column('expires_at')
        .execute();
      await db.schema.alterTable('sessions').addColumn('launch_nhs_number', 'text').execute();
    },
  };
}
