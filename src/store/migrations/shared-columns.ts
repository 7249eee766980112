/**
 * @module What several migrations' tables share: the 64-bit integer type of each dialect, the
 * columns of a review, of a sign-in in progress, and the index that finds expired rows. Each adds
 * its columns in the order the shipped migrations always had: an applied migration's DDL never changes.
 */
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';

/** A 64-bit integer: `bigint` on PostgreSQL, `integer` on SQLite (whose integers are 64-bit already). */
export function bigIntegerType(dialect: StoreDialect): 'bigint' | 'integer' {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/** A privacy officer's review of an item in a review queue: outcome, note, by whom and when (empty until reviewed). */
export function reviewColumns<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
) {
  return table
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text');
}

/**
 * A sign-in in progress at a provider or an EHR: what its answer is checked against (state, nonce,
 * PKCE verifier), and when it started and expires.
 */
export function signInCheckColumns<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
) {
  return table
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull());
}

/** The index `{table}_expires_at`, by which expired rows are found and deleted. */
export function expiresAtIndex(db: Kysely<unknown>, table: string) {
  return db.schema.createIndex(`${table}_expires_at`).on(table).column('expires_at');
}
