/**
 * @module Rate-limit counters for `@fastify/rate-limit`: in the database (shared by every server
 * instance on it, SQLite or PostgreSQL) or in this process's memory, with optional exponential
 * backoff. One atomic upsert per counted request; expired rows are swept as new ones arrive.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';

/** What a counter says after a request: hits in the window, and milliseconds until it resets. */
export interface CounterState {
  readonly current: number;
  readonly ttl: number;
}

type Callback = (error: Error | null, result?: CounterState) => void;

/** The store interface `@fastify/rate-limit` calls (its `incr`, `read` and `child`). */
export interface RateLimitStore {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  read(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(params: object): RateLimitStore;
}

/** Where a limiter keeps its counts, and whether going over makes the wait double. */
export interface CounterOptions {
  /** `database`: shared by all instances; `memory`: this process only (cheap, for the API-wide limit). */
  readonly counters: 'database' | 'memory';
  /** Each request over the limit doubles the wait, up to `maxBackoffMs`. */
  readonly exponentialBackoff: boolean;
  readonly maxBackoffMs: number;
}

/** The options a limiter passes through `@fastify/rate-limit` to {@link RateLimitStore.child}. */
function counterOptionsOf(params: object): CounterOptions {
  const record = params as Partial<Record<keyof CounterOptions, unknown>>;
  return {
    counters: record.counters === 'database' ? 'database' : 'memory',
    exponentialBackoff: record.exponentialBackoff === true,
    maxBackoffMs:
      typeof record.maxBackoffMs === 'number' && record.maxBackoffMs > 0
        ? record.maxBackoffMs
        : 3_600_000,
  };
}

/** A memory counter keeps at most this many keys; the oldest go first. */
const MEMORY_KEYS = 10_000;
/** Sweep expired database rows once in this many counted requests. */
const SWEEP_EVERY = 200;

interface Counter {
  hits: number;
  windowMs: number;
  resetsAtMs: number;
}

/** The next state of a counter after one more request (the same rule as the SQL below). */
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

/**
 * A store class for `@fastify/rate-limit`'s `store` option. The root store (and so the plugin's
 * route-wide limit) counts in memory; a limiter made with `counters: 'database'` gets a child
 * that counts in the database.
 */
export function rateLimitStoreClass(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): new (params: object) => RateLimitStore {
  const { db, now } = deps;
  let sinceSweep = 0;

  async function incrementInDatabase(
    key: string,
    timeWindow: number,
    max: number,
    options: CounterOptions,
  ): Promise<CounterState> {
    const nowMs = now().getTime();
    const n = sql`cast(${nowMs} as bigint)`;
    const window = sql`cast(${timeWindow} as bigint)`;
    const expired = sql`rate_limit_counters.resets_at_ms <= ${n}`;
    const over = options.exponentialBackoff
      ? sql`rate_limit_counters.hits + 1 > ${max}`
      : sql`1 = 0`;
    const cap = sql`cast(${options.maxBackoffMs} as bigint)`;
    const doubled = sql`case when rate_limit_counters.window_ms * 2 > ${cap} then ${cap} else rate_limit_counters.window_ms * 2 end`;
    const backedOff = sql`case when rate_limit_counters.hits + 1 = ${max + 1} then ${window} else ${doubled} end`;
    const row = await db
      .insertInto('rate_limit_counters')
      .values({ key, hits: 1, window_ms: timeWindow, resets_at_ms: nowMs + timeWindow })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          hits: sql<number>`case when ${expired} then 1 else rate_limit_counters.hits + 1 end`,
          window_ms: sql<number>`case when ${expired} then ${window} when ${over} then ${backedOff} else rate_limit_counters.window_ms end`,
          resets_at_ms: sql<number>`case when ${expired} then ${n} + ${window} when ${over} then ${n} + ${backedOff} else rate_limit_counters.resets_at_ms end`,
        }),
      )
      .returning(['hits', 'resets_at_ms'])
      .executeTakeFirstOrThrow();
    sinceSweep += 1;
    if (sinceSweep >= SWEEP_EVERY) {
      sinceSweep = 0;
      await db.deleteFrom('rate_limit_counters').where('resets_at_ms', '<=', nowMs).execute();
    }
    return { current: row.hits, ttl: Math.max(0, row.resets_at_ms - nowMs) };
  }

  async function readFromDatabase(key: string): Promise<CounterState> {
    const nowMs = now().getTime();
    const row = await db
      .selectFrom('rate_limit_counters')
      .select(['hits', 'resets_at_ms'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined || row.resets_at_ms <= nowMs) return { current: 0, ttl: 0 };
    return { current: row.hits, ttl: row.resets_at_ms - nowMs };
  }

  class Counters implements RateLimitStore {
    readonly #options: CounterOptions;
    readonly #memory = new Map<string, Counter>();

    constructor(params: object) {
      this.#options = counterOptionsOf(params);
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      if (this.#options.counters === 'database') {
        incrementInDatabase(key, timeWindow, max, this.#options).then(
          (state) => {
            callback(null, state);
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error('rate-limit counter failed'));
          },
        );
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
      if (this.#options.counters === 'database') {
        readFromDatabase(key).then(
          (state) => {
            callback(null, state);
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error('rate-limit counter failed'));
          },
        );
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
