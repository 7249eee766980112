/**
 * The shared counters' contract, run against each implementation: the database (SQLite and
 * PostgreSQL) and Redis. Two handles on one store (two connections) stand for two instances.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabaseCounters } from '../../src/access/database-counters.ts';
import { connectRedisCounters } from '../../src/access/redis-counters.ts';
import {
  SharedCountersUnavailable,
  type SharedCounters,
} from '../../src/access/shared-counters.ts';
import { forEachStore, type TestDatabase } from '../support/test-database.ts';
import {
  deleteKeys,
  startRedisRelay,
  testRedisUrl,
  uniqueKeyPrefix,
  withRedis,
} from '../support/test-redis.ts';

const noWarnings = (): void => undefined;

/** Two handles on one shared store, and how to let them go. */
interface Pair {
  readonly first: SharedCounters;
  readonly second: SharedCounters;
  dispose(): Promise<void>;
}

const plain = { timeWindow: 60_000, max: 5, exponentialBackoff: false, maxBackoffMs: 600_000 };

function contract(open: () => Promise<Pair>): void {
  let pair: Pair;
  before(async () => {
    pair = await open();
  });
  after(async () => {
    await pair.dispose();
  });

  void test('a hit counted by one instance is seen by the other, and reading counts nothing', async () => {
    assert.deepEqual(await pair.first.read('sign-in:203.0.113.1'), { current: 0, ttl: 0 });
    assert.equal((await pair.first.increment('sign-in:203.0.113.1', plain)).current, 1);
    const second = await pair.second.increment('sign-in:203.0.113.1', plain);
    assert.equal(second.current, 2);
    assert.ok(second.ttl > 59_000 && second.ttl <= 60_000, `ttl ${second.ttl}`);
    const read = await pair.first.read('sign-in:203.0.113.1');
    assert.equal(read.current, 2);
    assert.equal((await pair.second.read('sign-in:203.0.113.1')).current, 2);
  });

  void test('instances counting at once lose no hit', async () => {
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? pair.first : pair.second).increment('sign-in:all', plain),
      ),
    );
    assert.deepEqual(
      hits.map((state) => state.current).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  void test('a counter starts again once its window has passed', async () => {
    const short = { ...plain, timeWindow: 300 };
    await pair.first.increment('sign-in:203.0.113.2', short);
    assert.equal((await pair.second.increment('sign-in:203.0.113.2', short)).current, 2);
    await sleep(400);
    assert.deepEqual(await pair.second.read('sign-in:203.0.113.2'), { current: 0, ttl: 0 });
    assert.equal((await pair.first.increment('sign-in:203.0.113.2', short)).current, 1);
  });

  void test('under backoff each hit over the limit doubles the wait, up to the cap', async () => {
    const rule = { timeWindow: 10_000, max: 2, exponentialBackoff: true, maxBackoffMs: 30_000 };
    const ttls: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const counters = i % 2 === 0 ? pair.first : pair.second;
      ttls.push((await counters.increment('sign-in:203.0.113.3', rule)).ttl);
    }
    const seconds = ttls.map((ttl) => Math.ceil(ttl / 1000));
    // Within the limit the window runs on; over it: one window, then 20 s, then the 30 s cap.
    assert.deepEqual(seconds, [10, 10, 10, 20, 30, 30]);
  });

  void test('failed sign-ins lock a slot at one address only, on every instance, until the lock ends', async () => {
    const rule = { maxFailures: 3, windowMs: 600 };
    await pair.first.recordFailure('203.0.113.4', 7, rule);
    await pair.second.recordFailure('203.0.113.4', 7, rule);
    assert.equal(await pair.first.isLocked('203.0.113.4', 7), false);
    await pair.second.recordFailure('203.0.113.4', 7, rule);
    assert.equal(await pair.first.isLocked('203.0.113.4', 7), true);
    assert.equal(await pair.second.isLocked('203.0.113.4', 7), true);
    assert.equal(await pair.first.isLocked('203.0.113.5', 7), false);
    assert.equal(await pair.first.isLocked('203.0.113.4', 8), false);
    await sleep(700);
    assert.equal(await pair.second.isLocked('203.0.113.4', 7), false);
    // The lock has ended and the count starts again: one failure does not lock.
    await pair.first.recordFailure('203.0.113.4', 7, rule);
    assert.equal(await pair.first.isLocked('203.0.113.4', 7), false);
  });

  void test('a success clears its address; a new password lifts the slot at every address', async () => {
    const rule = { maxFailures: 1, windowMs: 60_000 };
    for (const address of ['203.0.113.6', '203.0.113.7']) {
      await pair.first.recordFailure(address, 9, rule);
    }
    await pair.first.recordFailure('203.0.113.6', 10, rule);
    assert.equal(await pair.second.isLocked('203.0.113.6', 9), true);
    await pair.second.clearFailures('203.0.113.6', 9);
    assert.equal(await pair.first.isLocked('203.0.113.6', 9), false);
    assert.equal(await pair.first.isLocked('203.0.113.7', 9), true);
    await pair.second.clearSlot(9);
    assert.equal(await pair.first.isLocked('203.0.113.7', 9), false);
    assert.equal(await pair.first.isLocked('203.0.113.6', 10), true);
  });
}

forEachStore((_dialect, _open, factory) => {
  void describe('the shared counters in the database', () => {
    contract(async () => {
      const database: TestDatabase = await factory.createDatabase();
      const now = () => new Date();
      return {
        first: createDatabaseCounters({ db: (await database.open()).db, now }),
        second: createDatabaseCounters({ db: (await database.open()).db, now }),
        dispose: () => database.dispose(),
      };
    });
  });
});

withRedis('the shared counters in Redis', () => {
  contract(async () => {
    const settings = { url: testRedisUrl, keyPrefix: uniqueKeyPrefix(), timeoutMs: 1000 };
    const first = await connectRedisCounters(settings, noWarnings);
    const second = await connectRedisCounters(settings, noWarnings);
    return {
      first,
      second,
      async dispose() {
        await first.close();
        await second.close();
        await deleteKeys(settings.keyPrefix);
      },
    };
  });

  void test('every key carries a TTL, and none holds a username', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const counters = await connectRedisCounters(
      { url: testRedisUrl, keyPrefix, timeoutMs: 1000 },
      noWarnings,
    );
    try {
      await counters.increment('sign-in:203.0.113.8', plain);
      await counters.recordFailure('203.0.113.8', 3, { maxFailures: 2, windowMs: 60_000 });
      const { Redis } = await import('ioredis');
      const redis = new Redis(testRedisUrl);
      try {
        const keys = await redis.keys(`${keyPrefix}*`);
        assert.equal(keys.length, 3, keys.join(' '));
        for (const key of keys) {
          const ttl = await redis.pttl(key);
          assert.ok(ttl > 0 && ttl <= 60_000, `${key}: ${ttl}`);
        }
      } finally {
        redis.disconnect();
      }
    } finally {
      await counters.close();
      await deleteKeys(keyPrefix);
    }
  });

  void test('Redis that cannot be reached at start is refused, naming it without its password', async () => {
    const relay = await startRedisRelay();
    await relay.cut();
    const url = relay.url.replace('redis://', 'redis://:hunter2-secret@');
    const started = Date.now();
    await assert.rejects(
      connectRedisCounters({ url, keyPrefix: uniqueKeyPrefix(), timeoutMs: 500 }, noWarnings),
      (error: unknown) => {
        assert.ok(error instanceof SharedCountersUnavailable);
        assert.match(
          error.message,
          /^Redis at redis:\/\/127\.0\.0\.1:\d+ \(redis\.url\) cannot be reached: .*ECONNREFUSED/,
        );
        assert.match(error.message, /does not start without its shared sign-in limits/);
        assert.equal(error.message.includes('hunter2'), false);
        return true;
      },
    );
    assert.ok(Date.now() - started < 3000);
  });

  void test('Redis that stops answering: every call is refused at once, and counting resumes when it is back', async () => {
    const relay = await startRedisRelay();
    const keyPrefix = uniqueKeyPrefix();
    const warnings: string[] = [];
    const counters = await connectRedisCounters(
      { url: relay.url, keyPrefix, timeoutMs: 500 },
      (message) => warnings.push(message),
    );
    try {
      assert.equal((await counters.increment('sign-in:203.0.113.9', plain)).current, 1);
      await relay.cut();
      const calls: (() => Promise<unknown>)[] = [
        () => counters.increment('sign-in:203.0.113.9', plain),
        () => counters.read('sign-in:203.0.113.9'),
        () => counters.isLocked('203.0.113.9', 1),
        () => counters.recordFailure('203.0.113.9', 1, { maxFailures: 3, windowMs: 1000 }),
        () => counters.clearFailures('203.0.113.9', 1),
        () => counters.clearSlot(1),
      ];
      for (const call of calls) {
        const started = Date.now();
        await assert.rejects(call(), SharedCountersUnavailable);
        assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
      }
      assert.ok(
        warnings.some((message) => message.includes('stopped answering')),
        warnings.join(),
      );
      await relay.restore();
      let state: { current: number } | undefined;
      for (let i = 0; i < 50 && state === undefined; i += 1) {
        await sleep(100);
        state = await counters.increment('sign-in:203.0.113.9', plain).catch(() => undefined);
      }
      // The count kept in Redis survived the cut: this is the second hit.
      assert.equal(state?.current, 2);
      assert.ok(
        warnings.some((message) => message.includes('answers again')),
        warnings.join(),
      );
    } finally {
      await counters.close();
      await relay.close();
      await deleteKeys(keyPrefix);
    }
  });
});
