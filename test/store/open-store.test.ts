/** @module openStore chooses the database from its URL, keeps the SQLite file private, and never shows a password. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import { redactUrl } from '../../src/store/postgres-store.ts';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mcr-open-store-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('with no database URL the record service keeps its data in a private SQLite file in the data folder', async () => {
  await withTempDir(async (dir) => {
    const dataDir = join(dir, 'data');
    const store = await openStore({ url: '', dataDir });
    try {
      assert.equal(store.dialect, 'sqlite');
      assert.equal(store.location, join(dataDir, 'mcr.sqlite'));
      assert.equal(
        (await stat(dataDir)).mode & 0o777,
        0o700,
        'only the service may enter the data folder',
      );
      assert.equal(
        (await stat(store.location)).mode & 0o777,
        0o600,
        'only the service may read the database',
      );
    } finally {
      await store.close();
    }
  });
});

void test('sqlite: names the default file and sqlite:<path> names another', async () => {
  await withTempDir(async (dir) => {
    const byDefault = await openStore({ url: 'sqlite:', dataDir: dir });
    await byDefault.close();
    assert.equal(byDefault.location, join(dir, 'mcr.sqlite'));

    const named = join(dir, 'elsewhere', 'records.sqlite');
    const explicit = await openStore({ url: `sqlite:${named}`, dataDir: dir });
    await explicit.close();
    assert.equal(explicit.location, named);
    assert.ok((await stat(named)).isFile());
  });
});

void test('an in-memory database works for tests and leaves no file behind', async () => {
  await withTempDir(async (dir) => {
    const store = await openStore({ url: ':memory:', dataDir: dir });
    try {
      assert.equal(store.location, ':memory:');
      await store.db
        .insertInto('login_failures')
        .values({
          address: '127.0.0.1',
          slot: 7,
          failures: 1,
          first_failure_at: '2025-01-01T00:00:00.000Z',
          locked_until: null,
        })
        .execute();
      const rows = await store.db.selectFrom('login_failures').select('failures').execute();
      assert.deepEqual(rows, [{ failures: 1 }]);
    } finally {
      await store.close();
    }
    await assert.rejects(stat(join(dir, 'mcr.sqlite')));
  });
});

void test('an unsupported database URL is refused without repeating its password', async () => {
  await assert.rejects(
    openStore({ url: 'mysql://admin:hunter2@db.example/mcr', dataDir: tmpdir() }),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /mysql:/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    },
  );
});

void test('a PostgreSQL URL is shown with its password redacted', () => {
  assert.equal(
    redactUrl('postgres://mcr:s3cret@db.internal:5432/mcr?sslmode=require&password=x'),
    'postgres://mcr:redacted@db.internal:5432/mcr',
  );
  assert.equal(
    redactUrl('postgres://postgres@127.0.0.1:5432/test'),
    'postgres://postgres@127.0.0.1:5432/test',
  );
  assert.doesNotMatch(redactUrl('not a url with s3cret'), /s3cret/);
});

void test('a PostgreSQL schema name that is not a plain identifier is refused before connecting', async () => {
  await assert.rejects(
    openStore({
      url: 'postgres://postgres@127.0.0.1:1/test',
      dataDir: tmpdir(),
      schema: 'x; drop table users',
    }),
    /schema names/,
  );
});
