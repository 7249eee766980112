/**
 * @module The shared counters in Redis (`redis.url`), shared by every server instance pointed at
 * it: each change is one Lua script (atomic in Redis), and every key carries a TTL, so nothing
 * outlives its window. One Redis server (or a primary that fails over); not Redis Cluster.
 * Unreachable at start: {@link connectRedisCounters} throws and the server does not start; while
 * running: every call rejects with {@link SharedCountersUnavailable} within `redis.timeoutMs`.
 */
import { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config-schema.ts';
import {
  SharedCountersUnavailable,
  type CounterRule,
  type CounterState,
  type FailureRule,
  type SharedCounters,
} from './shared-counters.ts';

/**
 * One more hit: `hits` and the current `window` in a hash whose TTL is the window. An expired key
 * is gone, so the next hit starts again at one. Under backoff, the first hit over `max` waits one
 * window and each later one twice the last, up to the cap (the rule of `nextCounter`).
 * KEYS: counter. ARGV: window ms, max, backoff (1/0), cap ms. Returns { hits, ttl ms }.
 */
const INCREMENT = `
local hits = redis.call('HINCRBY', KEYS[1], 'hits', 1)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
if hits == 1 then
  redis.call('HSET', KEYS[1], 'window', window)
  redis.call('PEXPIRE', KEYS[1], window)
elseif ARGV[3] == '1' and hits > max then
  if hits > max + 1 then
    local last = tonumber(redis.call('HGET', KEYS[1], 'window')) or window
    window = math.min(last * 2, tonumber(ARGV[4]))
  end
  redis.call('HSET', KEYS[1], 'window', window)
  redis.call('PEXPIRE', KEYS[1], window)
end
return { hits, redis.call('PTTL', KEYS[1]) }
`;

/** KEYS: counter. Returns { hits, ttl ms }, { 0, 0 } when there is none. */
const READ = `
local hits = redis.call('HGET', KEYS[1], 'hits')
if not hits then return { 0, 0 } end
return { tonumber(hits), redis.call('PTTL', KEYS[1]) }
`;

/**
 * One more failed sign-in: the first starts a window of `windowMs`; the one that reaches the
 * maximum locks for `windowMs` from then. The key is listed in its slot's set, so a new password
 * can lift the slot's locks at every address; the set outlives each key it lists.
 * KEYS: failures, slot set. ARGV: max failures, window ms.
 */
const RECORD_FAILURE = `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures >= tonumber(ARGV[1]) then
  if redis.call('HSETNX', KEYS[1], 'locked', 1) == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
elseif failures == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return failures
`;

/** KEYS: slot set. Deletes every failure key it lists, and itself. */
const CLEAR_SLOT = `
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', key) end
return redis.call('DEL', KEYS[1])
`;

/** The URL as it may be shown: without its user and password. */
function shownUrl(url: string): string {
  const parsed = URL.parse(url);
  if (parsed === null) return 'redis://(unparseable URL)';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}

function counterState(reply: unknown): CounterState {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
    throw new SharedCountersUnavailable('Redis answered the rate-limit script unexpectedly');
  }
  return { current: reply[0], ttl: Math.max(0, reply[1]) };
}

/**
 * Connects to Redis and checks that it answers; throws {@link SharedCountersUnavailable} naming
 * the server (password redacted) when it does not, after letting the connection go. `warn` is
 * told when Redis stops answering and when it answers again.
 */
export async function connectRedisCounters(
  settings: RedisConfig,
  warn: (message: string, error?: unknown) => void,
): Promise<SharedCounters> {
  const location = `Redis at ${shownUrl(settings.url)}`;
  const redis = new Redis(settings.url, {
    lazyConnect: true,
    // Fail at once while disconnected, never queue: a sign-in is refused, not held or let through.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: settings.timeoutMs,
    commandTimeout: settings.timeoutMs,
    // Keep trying in the background; sign-ins work again as soon as it answers.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  let lastError: unknown;
  let answering = false;
  redis.on('error', (error: unknown) => {
    lastError = error;
  });
  redis.on('close', () => {
    if (!answering) return;
    answering = false;
    warn(`${location} stopped answering: sign-ins are refused until it answers again`, lastError);
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new SharedCountersUnavailable(
      `${location} (redis.url) cannot be reached: ${describeError(lastError ?? error)}. ` +
        'The server does not start without its shared sign-in limits.',
      { cause: error },
    );
  }
  answering = true;
  redis.on('ready', () => {
    if (answering) return;
    answering = true;
    warn(`${location} answers again: sign-ins are counted there again`);
  });

  const prefix = settings.keyPrefix;
  const counterKey = (key: string) => `${prefix}rate:${key}`;
  const failureKey = (address: string, slot: number) => `${prefix}failures:${slot}:${address}`;
  const slotKey = (slot: number) => `${prefix}failure-slot:${slot}`;

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof SharedCountersUnavailable) throw error;
      throw new SharedCountersUnavailable(
        `${location} could not ${what}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  return {
    location,

    increment: (key: string, rule: CounterRule) =>
      call('count a sign-in attempt', async () =>
        counterState(
          await redis.eval(
            INCREMENT,
            1,
            counterKey(key),
            rule.timeWindow,
            rule.max,
            rule.exponentialBackoff ? 1 : 0,
            rule.maxBackoffMs,
          ),
        ),
      ),

    read: (key: string) =>
      call('read a rate-limit counter', async () =>
        counterState(await redis.eval(READ, 1, counterKey(key))),
      ),

    isLocked: (address: string, slot: number) =>
      call(
        'check a sign-in lockout',
        async () => (await redis.hexists(failureKey(address, slot), 'locked')) === 1,
      ),

    recordFailure: (address: string, slot: number, rule: FailureRule) =>
      call('count a failed sign-in', async () => {
        await redis.eval(
          RECORD_FAILURE,
          2,
          failureKey(address, slot),
          slotKey(slot),
          rule.maxFailures,
          rule.windowMs,
        );
      }),

    clearFailures: (address: string, slot: number) =>
      call('clear failed sign-ins', async () => {
        await redis.del(failureKey(address, slot));
      }),

    clearSlot: (slot: number) =>
      call('lift a username’s lockouts', async () => {
        await redis.eval(CLEAR_SLOT, 1, slotKey(slot));
      }),

    async close() {
      answering = false;
      await redis.quit().catch(() => {
        redis.disconnect();
      });
    },
  };
}
