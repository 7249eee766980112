/**
 * Sign-in limits and lockouts kept in Redis (`redis.url`): two server instances, each on a
 * database of its own, share them through one Redis alone; limits end with their window; and
 * Redis out of reach refuses sign-ins (503 SIGN_IN_UNAVAILABLE) and stops `mcr serve` starting.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SharedCountersUnavailable } from '../../src/access/shared-counters.ts';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Store } from '../../src/store/store.ts';
import { runMcr } from '../cli/run-mcr.ts';
import { send, type Answer } from '../support/loopback-request.ts';
import { outcomeCode } from '../support/running-system.ts';
import { testStores } from '../support/test-database.ts';
import {
  deleteKeys,
  startRedisRelay,
  testRedisUrl,
  uniqueKeyPrefix,
  withRedis,
} from '../support/test-redis.ts';
import { releasedPort } from '../sources/loopback.ts';

const password = 'the right password, long enough';

interface Instance {
  readonly app: App;
  readonly url: string;
  readonly store: Store;
}

/** One instance on a fresh SQLite database of its own, with dr.legit's account in it. */
async function startInstance(settings: {
  readonly redis: { readonly url: string; readonly keyPrefix: string };
  readonly rateLimit?: Record<string, unknown>;
}): Promise<Instance> {
  const config = loadConfig({
    base: {
      demographics: { url: 'http://127.0.0.1:1' },
      server: { port: 0 },
      logging: { level: 'silent' },
      sessions: { maxFailedLogins: 3, lockoutMinutes: 15 },
      rateLimit: settings.rateLimit ?? {
        signIn: { max: 6, windowSeconds: 60, maxBackoffSeconds: 600 },
        signInGlobal: { max: 100, windowSeconds: 60 },
      },
      redis: { ...settings.redis, timeoutMs: 500 },
    },
    env: {},
  });
  const [sqlite] = testStores();
  if (sqlite === undefined) throw new Error('no SQLite factory');
  const store = await sqlite.open();
  const app = await buildApp(config, { store, webRoot: undefined });
  await app.services.accounts.add({
    username: 'dr.legit',
    role: 'gp',
    organisation: 'A81001',
    password,
  });
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, store };
}

async function stopInstance(instance: Instance): Promise<void> {
  await instance.app.close();
  await instance.store.close();
}

const signIn = (base: string, from: string, username: string, secret: string) =>
  send(base, from, 'POST', '/api/session', { username, password: secret });

/** Rows in an instance's own database that hold sign-in counts (none, when Redis holds them). */
async function countRowsInDatabase(instance: Instance): Promise<number> {
  const failures = await instance.store.db.selectFrom('login_failures').selectAll().execute();
  const counters = await instance.store.db.selectFrom('rate_limit_counters').selectAll().execute();
  return failures.length + counters.length;
}

withRedis('sign-in limits in Redis, two instances on databases of their own', () => {
  const keyPrefix = uniqueKeyPrefix();
  let first: Instance;
  let second: Instance;

  before(async () => {
    first = await startInstance({ redis: { url: testRedisUrl, keyPrefix } });
    second = await startInstance({ redis: { url: testRedisUrl, keyPrefix } });
  });
  after(async () => {
    await stopInstance(first);
    await stopInstance(second);
    await deleteKeys(keyPrefix);
  });

  void test('an attacker is locked and then throttled on both instances, which share nothing but Redis', async () => {
    const attacker = '127.0.0.2';
    const answers: Answer[] = [];
    for (let attempt = 0; attempt < 9; attempt += 1) {
      const instance = attempt % 2 === 0 ? first : second;
      answers.push(await signIn(instance.url, attacker, 'dr.legit', `guess number ${attempt}`));
    }
    assert.deepEqual(
      answers.map((answer) => outcomeCode(answer.body)),
      [
        ...['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS'],
        // Three failures, counted across both instances, lock dr.legit at this address.
        ...['ACCOUNT_LOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'],
        // Past six attempts a minute, counted across both, the address is refused outright.
        ...['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'],
      ],
    );
    const waits = answers.slice(6).map((answer) => Number(answer.headers['retry-after']));
    assert.ok(waits[0] !== undefined && waits[0] > 0 && waits[0] <= 60, waits.join(' '));
    assert.ok((waits[1] ?? 0) > 60 && (waits[2] ?? 0) > (waits[1] ?? 0), waits.join(' '));

    // The clinician, from their own address, signs in on either instance.
    assert.equal((await signIn(first.url, '127.0.0.1', 'dr.legit', password)).status, 200);
    assert.equal((await signIn(second.url, '127.0.0.1', 'dr.legit', password)).status, 200);
    // Neither database holds a count: the instances could only have shared them through Redis.
    assert.equal(await countRowsInDatabase(first), 0);
    assert.equal(await countRowsInDatabase(second), 0);
  });

  void test('a new password set on one instance lifts the lock on the other', async () => {
    const attacker = '127.0.0.3';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await signIn(first.url, attacker, 'dr.legit', `another guess ${attempt}`);
    }
    const locked = await signIn(second.url, attacker, 'dr.legit', password);
    assert.equal(outcomeCode(locked.body), 'ACCOUNT_LOCKED');
    const user = await first.app.services.accounts.findByUsername('dr.legit');
    assert.ok(user !== undefined);
    const renewed = 'a brand new password, long enough';
    await first.app.services.accounts.setPassword(user.id, renewed);
    // The second instance's own account still has the old password; the lock is what is shared.
    const after = await signIn(second.url, attacker, 'dr.legit', password);
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });
});

withRedis('sign-in limits in Redis end with their window', () => {
  const keyPrefix = uniqueKeyPrefix();
  let first: Instance;
  let second: Instance;

  before(async () => {
    const settings = {
      redis: { url: testRedisUrl, keyPrefix },
      rateLimit: { signIn: { max: 2, windowSeconds: 1, maxBackoffSeconds: 600 } },
    };
    first = await startInstance(settings);
    second = await startInstance(settings);
  });
  after(async () => {
    await stopInstance(first);
    await stopInstance(second);
    await deleteKeys(keyPrefix);
  });

  void test('an address over the limit is let back when the window has passed', async () => {
    const from = '127.0.0.4';
    const codes: (string | undefined)[] = [];
    for (const [i, instance] of [first, second, first].entries()) {
      codes.push(outcomeCode((await signIn(instance.url, from, `nobody.${i}`, 'a guess')).body));
    }
    assert.deepEqual(codes, ['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'RATE_LIMITED']);
    await sleep(1200);
    const later = await signIn(second.url, from, 'nobody.3', 'a guess');
    assert.equal(outcomeCode(later.body), 'BAD_CREDENTIALS');
  });
});

withRedis('Redis out of reach while the server runs', () => {
  const keyPrefix = uniqueKeyPrefix();
  let limited: Instance;
  let unlimited: Instance;
  let relay: Awaited<ReturnType<typeof startRedisRelay>>;

  before(async () => {
    relay = await startRedisRelay();
    limited = await startInstance({ redis: { url: relay.url, keyPrefix } });
    // Limits off (benchmarks): the lockout is still kept in Redis, and still refuses.
    unlimited = await startInstance({
      redis: { url: relay.url, keyPrefix },
      rateLimit: { enabled: false },
    });
  });
  after(async () => {
    await stopInstance(limited);
    await stopInstance(unlimited);
    await relay.close();
    await deleteKeys(keyPrefix);
  });

  void test('sign-ins are refused with 503 SIGN_IN_UNAVAILABLE, never let through, until Redis is back', async () => {
    assert.equal((await signIn(limited.url, '127.0.0.5', 'dr.legit', password)).status, 200);
    await relay.cut();
    for (const instance of [limited, unlimited]) {
      for (const secret of [password, 'a wrong guess']) {
        const refused = await signIn(instance.url, '127.0.0.5', 'dr.legit', secret);
        assert.equal(refused.status, 503, JSON.stringify(refused.body));
        assert.equal(outcomeCode(refused.body), 'SIGN_IN_UNAVAILABLE');
        assert.match(String(refused.headers['content-type']), /^application\/fhir\+json/);
        assert.match(String(refused.headers['content-security-policy']), /default-src 'none'/);
        assert.equal(refused.headers['set-cookie'], undefined);
      }
    }
    // The rest of the server still answers.
    assert.equal((await send(limited.url, '127.0.0.5', 'GET', '/health/live')).status, 200);
    await relay.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1) {
      await sleep(100);
      status = (await signIn(limited.url, '127.0.0.5', 'dr.legit', password)).status;
    }
    assert.equal(status, 200);
  });
});

void describe('Redis out of reach at start', () => {
  void test('buildApp refuses, naming Redis and redis.url', async () => {
    const config = loadConfig({
      base: {
        demographics: { url: 'http://127.0.0.1:1' },
        logging: { level: 'silent' },
        redis: { url: `redis://127.0.0.1:${await releasedPort()}`, timeoutMs: 500 },
      },
      env: {},
    });
    const [sqlite] = testStores();
    const store = await sqlite?.open();
    try {
      await assert.rejects(buildApp(config, { store, webRoot: undefined }), (error: unknown) => {
        assert.ok(error instanceof SharedCountersUnavailable);
        assert.match(error.message, /redis\.url/);
        return true;
      });
    } finally {
      await store?.close();
    }
  });

  void test('mcr serve does not start: exit 69 and one clear line, the password not shown', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mcr-redis-'));
    const file = join(folder, 'mcr.yaml');
    writeFileSync(file, 'demographics:\n  url: http://127.0.0.1:1\nserver:\n  port: 0\n');
    const port = await releasedPort();
    const run = await runMcr(['serve', '--config', file], {
      env: { MCR_DATA_DIR: folder, MCR_REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` },
    });
    assert.equal(run.code, 69, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^mcr serve: Redis at redis://127\\.0\\.0\\.1:${port} \\(redis\\.url\\) cannot be reached: .*ECONNREFUSED.*\\. The server does not start without its shared sign-in limits\\.`,
      ),
    );
    assert.equal(run.stderr.includes('s3cret'), false);
    assert.doesNotMatch(run.stdout, /listening/);
  });
});
