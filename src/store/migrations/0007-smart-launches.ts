/** @module Migration 0007: SMART App Launches in progress, and the patient a launched session opens on. */
import type { Kysely, Migration } from 'kysely';
import { expiresAtIndex, signInCheckColumns } from './shared-columns.ts';

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
        .$call(signInCheckColumns)
        .execute();
      await expiresAtIndex(db, 'smart_launches').execute();
      await db.schema.alterTable('sessions').addColumn('launch_nhs_number', 'text').execute();
    },
  };
}
