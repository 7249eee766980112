/**
 * @module Rate-limit counters for `@fastify/rate-limit`: in the shared counters
 * (src/access/shared-counters.ts: the database or Redis, seen by every server instance) or in
 * this process's memory, with optional exponential backoff.
 */
import type { CounterState, SharedCounters } from './shared-counters.ts';

type Callback = (error: Error | null, result?: CounterState) => void;

/** The store interface `@fastify/rate-limit` calls (its `incr`, `read` and `child`). */
export interface RateLimitStore {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  read(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(params: object): RateLimitStore;
}

/** Where a limiter keeps its counts, and whether going over makes the wait double. */
export interface CounterOptions {
  /** `shared`: in the shared counters, seen by all instances; `memory`: this process only (cheap, for the API-wide limit). */
  readonly counters: 'shared' | 'memory';
  /** Each request over the limit doubles the wait, up to `maxBackoffMs`. */
  readonly exponentialBackoff: boolean;
  readonly maxBackoffMs: number;
}

/** The options a limiter passes through `@fastify/rate-limit` to {@link RateLimitStore.child}. */
function counterOptionsOf(params: object): CounterOptions {
  const record = params as Partial<Record<keyof CounterOptions, unknown>>;
  return {
    counters: record.counters === 'shared' ? 'shared' : 'memory',
    exponentialBackoff: record.exponentialBackoff === true,
    maxBackoffMs:
      typeof record.maxBackoffMs === 'number' && record.maxBackoffMs > 0
        ? record.maxBackoffMs
        : 3_600_000,
  };
}

/** A memory counter keeps at most this many keys; the oldest go first. */
const MEMORY_KEYS = 10_000;

interface Counter {
  hits: number;
  windowMs: number;
  resetsAtMs: number;
}

/** The next state of a counter after one more request (the same rule as the shared counters'). */
export function nextCounter(
  previous: Counter | undefined,
  nowMs: number,
  timeWindow: number,
  max: number,
  options: CounterOptions,
): Counter {
  if (previous === undefined || previous.resetsAtMs <= nowMs) {
    return { hits: 1, windowMs: timeWindow, resetsAtMs: nowMs + timeWindow };
  }
  const hits = previous.hits + 1;
  if (!options.exponentialBackoff || hits <= max) return { ...previous, hits };
  const windowMs =
    hits === max + 1 ? timeWindow : Math.min(previous.windowMs * 2, options.maxBackoffMs);
  return { hits, windowMs, resetsAtMs: nowMs + windowMs };
}

/** Calls back with what `counted` resolves to, or with its error. */
function settle(counted: Promise<CounterState>, callback: Callback): void {
  counted.then(
    (state) => {
      callback(null, state);
    },
    (error: unknown) => {
      callback(error instanceof Error ? error : new Error('rate-limit counter failed'));
    },
  );
}

/**
 * A store class for `@fastify/rate-limit`'s `store` option. The root store (and so the plugin's
 * route-wide limit) counts in memory; a limiter made with `counters: 'shared'` gets a child
 * that counts in the shared counters.
 */
export function rateLimitStoreClass(deps: {
  readonly shared: SharedCounters;
  readonly now: () => Date;
}): new (params: object) => RateLimitStore {
  const { shared, now } = deps;

  class Counters implements RateLimitStore {
    readonly #options: CounterOptions;
    readonly #memory = new Map<string, Counter>();

    constructor(params: object) {
      this.#options = counterOptionsOf(params);
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      if (this.#options.counters === 'shared') {
        settle(shared.increment(key, { ...this.#options, timeWindow, max }), callback);
        return;
      }
      const nowMs = now().getTime();
      const next = nextCounter(this.#memory.get(key), nowMs, timeWindow, max, this.#options);
      // Re-inserting moves the key to the end, so the first key is the least recently used.
      this.#memory.delete(key);
      this.#memory.set(key, next);
      if (this.#memory.size > MEMORY_KEYS) {
        const oldest = this.#memory.keys().next().value;
        if (oldest !== undefined) this.#memory.delete(oldest);
      }
      callback(null, { current: next.hits, ttl: next.resetsAtMs - nowMs });
    }

    read(key: string, callback: Callback): void {
      if (this.#options.counters === 'shared') {
        settle(shared.read(key), callback);
        return;
      }
      const counter = this.#memory.get(key);
      const nowMs = now().getTime();
      callback(
        null,
        counter === undefined || counter.resetsAtMs <= nowMs
          ? { current: 0, ttl: 0 }
          : { current: counter.hits, ttl: counter.resetsAtMs - nowMs },
      );
    }

    child(params: object): RateLimitStore {
      return new Counters(params);
    }
  }
  return Counters;
}
