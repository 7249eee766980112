/**
 * @module The shared counter store: the sign-in rate-limit counters and the sign-in failures (and
 * so the lockouts) that every server instance sees. Two implementations, chosen in src/app.ts: the
 * database (src/access/database-counters.ts, the default) and Redis
 * (src/access/redis-counters.ts, `redis.url`). Counts only: addresses, hashed username slots,
 * numbers and times, never a username or anything clinical.
 */

/** What a counter says after a request: hits in the window, and milliseconds until it resets. */
export interface CounterState {
  readonly current: number;
  readonly ttl: number;
}

/** How one rate-limit counter counts. */
export interface CounterRule {
  /** The window, in milliseconds, that starts at a counter's first hit. */
  readonly timeWindow: number;
  readonly max: number;
  /** Each hit over `max` doubles the wait (from `timeWindow`), up to `maxBackoffMs`. */
  readonly exponentialBackoff: boolean;
  readonly maxBackoffMs: number;
}

/** How failed sign-ins lock: `maxFailures` within `windowMs` lock for `windowMs` from the last. */
export interface FailureRule {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/**
 * Counters shared by every instance. Each change is one atomic step in the store, so instances
 * counting at once never lose a hit. Every method rejects with {@link SharedCountersUnavailable}
 * (or the database's own error) when the store cannot answer: callers refuse, never let through.
 */
export interface SharedCounters {
  /** Where the counts live, for messages: `the database`, or `Redis at redis://host:6379`. */
  readonly location: string;
  /** Counts one hit on `key` under `rule`. */
  increment(key: string, rule: CounterRule): Promise<CounterState>;
  /** The counter's state without counting (`{ current: 0, ttl: 0 }` when it has none). */
  read(key: string): Promise<CounterState>;
  /** True while failed sign-ins hold the usernames of `slot` locked at `address`. */
  isLocked(address: string, slot: number): Promise<boolean>;
  /** Counts one failed sign-in; the one that reaches `rule.maxFailures` starts the lock. */
  recordFailure(address: string, slot: number, rule: FailureRule): Promise<void>;
  /** Forgets the failures of `slot` at `address` (a successful sign-in there). */
  clearFailures(address: string, slot: number): Promise<void>;
  /** Forgets the failures of `slot` at every address (a new password lifts its locks). */
  clearSlot(slot: number): Promise<void>;
  /** Lets go of the connection, if it has its own; the database's is the store's to close. */
  close(): Promise<void>;
}

/** The shared counters cannot be reached: sign-ins are refused (503) rather than left unlimited. */
export class SharedCountersUnavailable extends Error {
  override readonly name = 'SharedCountersUnavailable';
}
