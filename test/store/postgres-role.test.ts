/**
 * @module The PostgreSQL role the server runs as in production (docs/security.md): with the grants
 * documented there it opens the store, signs in users and appends to the audit trail, but can
 * neither update nor delete audit rows even with the triggers gone.
 */
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { recordViewStarted } from '../audit/sample-events.ts';
import { dropAppendOnlyGuards } from '../support/database-owner.ts';
import { testDatabaseUrl, testStores, type TestDatabase } from '../support/test-database.ts';

const postgres = testStores().find((factory) => factory.name === 'postgres');
const unavailable = await postgres?.unavailable();

/** The grants of docs/security.md, for one schema and role. */
function documentedGrants(schema: string, role: string): string[] {
  return [
    `grant usage on schema ${schema} to ${role}`,
    `grant select, insert, update, delete on all tables in schema ${schema} to ${role}`,
    `revoke update, delete, truncate on ${schema}.audit_entries, ${schema}.audit_checkpoints from ${role}`,
  ];
}

void describe('the production PostgreSQL role', { skip: unavailable }, () => {
  const role = `mcr_app_${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let owner: Store;
  let app: Store;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });

  before(async () => {
    assert.ok(postgres !== undefined);
    database = await postgres.createDatabase();
    owner = await database.open();
    await admin.connect();
    await admin.query(`create role ${role} login`);
    for (const statement of documentedGrants(database.place, role)) await admin.query(statement);
    const url = new URL(testDatabaseUrl);
    url.username = role;
    url.password = '';
    app = await openStore({ url: url.toString(), dataDir: '', schema: database.place });
  });

  after(async () => {
    await app.close();
    await database.dispose();
    await admin.query(`drop owned by ${role}`);
    await admin.query(`drop role ${role}`);
    await admin.end();
  });

  void test('opens the migrated store and appends to the audit trail', async () => {
    const appended = await createAuditLog({ store: app }).append(recordViewStarted());
    assert.equal(appended.seq, 1);
    await app.db
      .insertInto('audit_checkpoints')
      .values({
        tree_size: 1,
        root_hash: 'r',
        created_at: new Date().toISOString(),
        key_id: 'k',
        signature: 's',
        frontier: '[]',
      })
      .execute();
  });

  void test('cannot delete, update or truncate audit rows even after the owner drops the triggers', async () => {
    await dropAppendOnlyGuards(owner);
    const attempts = [
      sql`delete from audit_entries`,
      sql`update audit_entries set recorded_at = 'x'`,
      sql`truncate audit_entries`,
      sql`delete from audit_checkpoints`,
      sql`update audit_checkpoints set signature = 'x'`,
      sql`truncate audit_checkpoints`,
    ];
    for (const attempt of attempts) {
      await assert.rejects(attempt.execute(app.db), /permission denied/);
    }
    const rows = await owner.db.selectFrom('audit_entries').select('seq').execute();
    assert.deepEqual(rows, [{ seq: 1 }]);
    // The owner, with the triggers gone, can: that is what the witness is for.
    await owner.db.deleteFrom('audit_checkpoints').execute();
  });

  void test('still updates and deletes the tables that change in normal use', async () => {
    await app.db
      .insertInto('login_failures')
      .values({
        address: '127.0.0.1',
        slot: 1,
        failures: 1,
        first_failure_at: new Date().toISOString(),
      })
      .execute();
    await app.db.updateTable('login_failures').set({ failures: 2 }).execute();
    await app.db.deleteFrom('login_failures').execute();
    await app.db
      .insertInto('rate_limit_counters')
      .values({ key: 'sign-in:all', hits: 1, window_ms: 60_000, resets_at_ms: Date.now() })
      .execute();
    await app.db.updateTable('rate_limit_counters').set({ hits: 2 }).execute();
    await app.db.deleteFrom('rate_limit_counters').execute();
  });
});
