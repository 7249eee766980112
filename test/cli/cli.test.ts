/**
 * @module The `mcr` command as an operator runs it: real child processes on Node 24, their exit
 * codes and words, and what they leave in the data folder.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserAccounts } from '../../src/access/user-accounts.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { COMMANDS } from '../../src/cli/run-cli.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { MCR_BIN, runMcr } from './run-mcr.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mcr-cli-'));
}

describe('the mcr command', () => {
  test('--help lists every command with what it does', async () => {
    // Through bin/mcr.js, the script `npm install` puts on the PATH.
    const run = await runMcr(['--help'], { entry: MCR_BIN });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: mcr <command>/m);
    for (const command of COMMANDS) {
      const line = run.stdout
        .split('\n')
        .find((l) => l.trimStart().startsWith(command.path.join(' ')));
      assert.ok(line?.includes(command.summary), `no help line for "${command.path.join(' ')}"`);
    }
    for (const expected of ['users add', 'audit verify', 'serve', 'demo personas']) {
      assert.ok(run.stdout.includes(expected), `--help does not mention ${expected}`);
    }
  });

  test('an unknown command is a usage error, exit 2', async () => {
    const run = await runMcr(['frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command "frobnicate"/);
  });

  test('users add reads the password from standard input; the new user can then sign in', async () => {
    const dataDir = tempDir();
    const password = 'a long enough secret phrase 42';
    const run = await runMcr(
      [
        'users',
        'add',
        '--username',
        'jsmith',
        '--role',
        'gp',
        '--organisation',
        'A81001',
        '--password-stdin',
      ],
      { env: { MCR_DATA_DIR: dataDir }, stdin: `${password}\n` },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Created jsmith \(gp, A81001\)/);
    assert.ok(!(run.stdout + run.stderr).includes(password), 'the password is never echoed');

    const store = await openStore({ url: '', dataDir });
    try {
      const accounts = createUserAccounts({ db: store.db, production: false });
      const signIn = await accounts.authenticate('jsmith', password);
      assert.ok(signIn.ok, `sign-in refused: ${signIn.ok ? '' : signIn.reason}`);
      assert.equal(signIn.user.role, 'gp');
      assert.equal(signIn.user.organisation, 'A81001');
      assert.equal((await accounts.authenticate('jsmith', `${password}\n`)).ok, false);
      const created = await createAuditLog({ store }).list({ action: 'user-created', limit: 10 });
      assert.equal(created.length, 1, 'the new account is in the audit trail');
    } finally {
      await store.close();
    }
  });

  for (const command of [
    ['audit', 'verify'],
    ['users', 'list'],
  ]) {
    test(`${command.join(' ')} with no database named finds none, says so, exit 2, and creates nothing`, async () => {
      const cwd = tempDir();
      const run = await runMcr(command, { cwd });
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /There is no database at .*mcr\.sqlite/);
      assert.match(run.stderr, /MCR_DATA_DIR/);
      assert.doesNotMatch(run.stdout, /intact/);
      assert.deepEqual(readdirSync(cwd), [], 'no ./data folder, no new empty database');
    });
  }

  test('audit verify under NODE_ENV=production without a witness to compare refuses, exit 2', async () => {
    const dataDir = tempDir();
    await (await openStore({ url: '', dataDir })).close();
    const run = await runMcr(['audit', 'verify'], {
      env: { MCR_DATA_DIR: dataDir, NODE_ENV: 'production' },
    });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /the witness is required: pass --witness FILE/);
    assert.doesNotMatch(run.stdout, /intact/);
  });

  test('audit verify pointed at a PostgreSQL database that does not exist says so, exit 2', async () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = '/mcr_no_such_database';
    const run = await runMcr(['audit', 'verify'], { env: { MCR_DATABASE_URL: url.toString() } });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /There is no database at postgres:\/\/.*mcr_no_such_database/);
    assert.doesNotMatch(run.stdout, /intact/);
  });

  test('users add without --password-stdin is refused with the usage, and creates nobody', async () => {
    const dataDir = tempDir();
    const run = await runMcr(
      ['users', 'add', '--username', 'jsmith', '--role', 'gp', '--organisation', 'A81001'],
      { env: { MCR_DATA_DIR: dataDir }, stdin: 'a long enough secret phrase 42\n' },
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--password-stdin is required/);
    assert.match(run.stderr, /Usage: mcr users add/);
    const store = await openStore({ url: '', dataDir });
    try {
      assert.deepEqual(await createUserAccounts({ db: store.db, production: false }).list(), []);
    } finally {
      await store.close();
    }
  });

  test('users add with a role that does not exist is a usage error naming the roles', async () => {
    const run = await runMcr(
      [
        'users',
        'add',
        '--username',
        'jsmith',
        '--role',
        'surgeon-general',
        '--organisation',
        'A81001',
        '--password-stdin',
      ],
      { env: { MCR_DATA_DIR: tempDir() }, stdin: 'a long enough secret phrase 42\n' },
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--role must be one of gp, hospital-clinician/);
  });

  test('demo personas --json lists every named patient with NHS number, name and story', async () => {
    const run = await runMcr(['demo', 'personas', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const listed = JSON.parse(run.stdout) as { nhsNumber: string; name: string; story: string }[];
    assert.deepEqual(
      listed.map((persona) => persona.nhsNumber),
      PERSONAS.map((persona) => persona.nhsNumber),
    );
    for (const persona of listed) {
      assert.match(persona.nhsNumber, /^\d{10}$/);
      assert.ok(persona.name.length > 0 && persona.story.length > 20, JSON.stringify(persona));
    }
  });

  test('serve under NODE_ENV=production without an audit witness refuses to start, naming audit.witness', async () => {
    const folder = tempDir();
    const file = join(folder, 'mcr.yaml');
    writeFileSync(file, 'demographics:\n  url: http://127.0.0.1:1\nserver:\n  port: 0\n');
    const run = await runMcr(['serve', '--config', file], {
      env: { MCR_DATA_DIR: folder, NODE_ENV: 'production' },
    });
    assert.equal(run.code, 78, run.stdout + run.stderr);
    assert.match(run.stderr, /audit\.witness is required when NODE_ENV=production/);
    assert.doesNotMatch(run.stdout, /listening/);
    assert.deepEqual(readdirSync(folder), ['mcr.yaml'], 'nothing was opened or created');
  });

  test('serve with a configuration key that does not exist stops with exit 78, naming file and key', async () => {
    const folder = tempDir();
    const file = join(folder, 'bad.yaml');
    writeFileSync(file, 'demographics:\n  url: http://127.0.0.1:1\nserver:\n  prot: 8080\n');
    const run = await runMcr(['serve', '--config', file], { env: { MCR_DATA_DIR: folder } });
    assert.equal(run.code, 78, run.stdout + run.stderr);
    assert.ok(run.stderr.includes(file), `the file is not named: ${run.stderr}`);
    assert.match(run.stderr, /server\.prot/);
    assert.doesNotMatch(run.stdout, /listening/);
  });
});
