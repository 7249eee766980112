/**
 * @module What a database owner can do that the application cannot: drop the audit tables'
 * append-only triggers, so a test can tamper with the trail as a real attacker with direct
 * database access would (and then show that verification still catches it).
 */
import { sql } from 'kysely';
import { appendOnlyTriggers } from '../../src/store/migrations/0006-audit-append-only.ts';
import type { Store } from '../../src/store/store.ts';

/** Drops every append-only trigger on the audit tables (a no-op when already dropped). */
export async function dropAppendOnlyGuards(store: Store): Promise<void> {
  for (const name of appendOnlyTriggers(store.dialect)) {
    if (store.dialect === 'sqlite') {
      await sql.raw(`drop trigger if exists ${name}`).execute(store.db);
    } else {
      const table = name.startsWith('audit_entries') ? 'audit_entries' : 'audit_checkpoints';
      await sql.raw(`drop trigger if exists ${name} on ${table}`).execute(store.db);
    }
  }
}

/** The same for a raw SQLite file (the CLI tests open it with node:sqlite directly). */
export function dropSqliteAppendOnlyGuards(exec: (statement: string) => void): void {
  for (const name of appendOnlyTriggers('sqlite')) exec(`drop trigger if exists ${name}`);
}
