/**
 * @module The audit trail checked by the operator's own command: `mcr audit verify` on the data
 * folder a real journey wrote, before and after one entry is edited behind the system's back.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS } from '../../sim/population/personas.ts';
import { SQLITE_FILE_NAME } from '../../src/store/open-store.ts';
import { runMcr } from '../cli/run-mcr.ts';
import { dropSqliteAppendOnlyGuards } from '../support/database-owner.ts';
import { startSystem } from '../support/running-system.ts';

const nhsNumber = PERSONAS.find((persona) => persona.key === 'typical')?.nhsNumber ?? '';

describe('mcr audit verify on the trail a journey wrote', () => {
  let dataDir = '';
  let entries = 0;

  before(async () => {
    const system = await startSystem();
    dataDir = system.dataDir;
    try {
      const account = await system.createUser('gp');
      const client = system.client();
      assert.equal((await client.signIn(account.username, account.password)).status, 200);
      const granted = await client.post(`/api/patients/${nhsNumber}/permissions`, {
        basis: 'consent',
        method: 'verbal',
        givenBy: 'patient',
      });
      assert.equal(granted.status, 201, granted.text);
      assert.equal((await client.get(`/api/patients/${nhsNumber}/record`)).status, 200);
      const { permission } = granted.body as { permission: { id: string } };
      assert.equal((await client.delete(`/api/permissions/${permission.id}`)).status, 204);
      assert.equal((await client.get(`/api/patients/${nhsNumber}/record`)).status, 403);
    } finally {
      await system.close();
    }
    const database = new DatabaseSync(join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
    entries = Number(database.prepare('SELECT count(*) AS n FROM audit_entries').get()?.['n']);
    database.close();
    assert.ok(entries >= 6, `the journey wrote ${entries} audit entries`);
  });

  test('an untouched trail is reported intact, with every entry verified', async () => {
    const run = await runMcr(['audit', 'verify'], { env: { MCR_DATA_DIR: dataDir } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`intact: ${entries} entries verified`));
  });

  test('editing one entry in the database is caught, and the entry is named', async () => {
    const seq = Math.ceil(entries / 2);
    const database = new DatabaseSync(join(dataDir, SQLITE_FILE_NAME));
    const row = database.prepare('SELECT entry FROM audit_entries WHERE seq = ?').get(seq);
    const entry = String(row?.['entry']);
    // Rewrite who did it: still valid JSON of the same shape, only the hash no longer matches.
    const edited = entry.replace(/"username":"[^"]*"/, '"username":"someone-else"');
    assert.notEqual(edited, entry, `entry ${seq} has a username to change: ${entry}`);
    // Only the database owner can: the append-only triggers refuse the edit until dropped.
    assert.throws(() => {
      database.prepare('UPDATE audit_entries SET entry = ? WHERE seq = ?').run(edited, seq);
    }, /append-only/);
    dropSqliteAppendOnlyGuards((statement) => {
      database.exec(statement);
    });
    database.prepare('UPDATE audit_entries SET entry = ? WHERE seq = ?').run(edited, seq);
    database.close();

    const run = await runMcr(['audit', 'verify'], { env: { MCR_DATA_DIR: dataDir } });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`BROKEN at entry ${seq}\\b`));
    assert.doesNotMatch(run.stdout, /intact/);
  });
});
