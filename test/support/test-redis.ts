/**
 * @module The Redis the tests use (`MCR_TEST_REDIS_URL`, else 127.0.0.1:6379; `.ci/run` starts
 * it), a key prefix of each test's own, and a TCP relay in front of it that a test can cut to
 * take "Redis" away and bring it back. Unreachable: the cases are skipped with a loud banner,
 * except under `CI=true`, where that is a failing test instead.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';

/** The Redis server the tests use. */
export const testRedisUrl = process.env['MCR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or run) uses. */
export function uniqueKeyPrefix(): string {
  return `mcr-test-${randomBytes(6).toString('hex')}:`;
}

let reachable: Promise<string | undefined> | undefined;

/** Why the test Redis cannot be used, or undefined when it answers. */
export function redisUnavailable(): Promise<string | undefined> {
  reachable ??= (async () => {
    const redis = new Redis(testRedisUrl, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let lastError: unknown;
    redis.on('error', (error: unknown) => {
      lastError = error;
    });
    try {
      await redis.connect();
      await redis.ping();
      return undefined;
    } catch (error) {
      const cause = lastError ?? error;
      const detail = cause instanceof Error ? cause.message : String(cause);
      return `Redis is unreachable at ${testRedisUrl} (${detail})`;
    } finally {
      redis.disconnect();
    }
  })();
  return reachable;
}

// Asked once, before any suite is defined: a suite's hooks and tests are then registered in it.
const unavailableReason = await redisUnavailable();

/** Runs `define` inside a `describe` when the test Redis answers; otherwise skips loudly. */
export function withRedis(name: string, define: () => void): void {
  void describe(name, () => {
    const reason = unavailableReason;
    if (reason === undefined) {
      define();
      return;
    }
    const ci = process.env['CI'] === 'true';
    const line = '!'.repeat(78);
    console.error(
      [
        '',
        line,
        `!! REDIS TESTS ${ci ? 'FAIL (CI=true requires Redis)' : 'SKIPPED'}: ${name}`,
        `!! ${reason}`,
        '!! Start redis-server (`.ci/run` does) or set MCR_TEST_REDIS_URL to run them.',
        line,
        '',
      ].join('\n'),
    );
    if (ci) {
      void test('Redis is reachable, as CI requires', () => {
        assert.fail(reason);
      });
    } else {
      void test('Redis cases', { skip: reason }, () => undefined);
    }
  });
}

/** Deletes every key under `prefix` (what a test left before the TTLs would have). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 0 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A TCP relay on a loopback port to the test Redis: `cut()` takes Redis away, `restore()` brings it back. */
export interface RedisRelay {
  /** `redis://127.0.0.1:<port>`: the relay's address. */
  readonly url: string;
  /** Closes the port and every relayed connection: Redis is gone for whoever uses the relay. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisRelay(): Promise<RedisRelay> {
  const target = new URL(testRedisUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const relay = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      relay.once('error', reject);
      relay.listen(port, '127.0.0.1', () => {
        server = relay;
        const address = relay.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  const port = await listen(0);
  const cut = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing !== undefined) {
      await new Promise<void>((resolve) =>
        closing.close(() => {
          resolve();
        }),
      );
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    async restore() {
      await listen(port);
    },
    close: cut,
  };
}
