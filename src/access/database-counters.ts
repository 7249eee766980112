/**
 * @module The shared counters in the database (SQLite or PostgreSQL), shared by every server
 * instance on it: one row per rate-limit key (`rate_limit_counters`) and per (address, username
 * slot) of failed sign-ins (`login_failures`), each changed by one atomic upsert. Rows that no
 * longer count are swept as new ones arrive.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { CounterRule, CounterState, FailureRule, SharedCounters } from './shared-counters.ts';

/** Sweep expired counter rows once in this many counted requests. */
const SWEEP_COUNTERS_EVERY = 200;
/** Sweep failure rows that no longer count once in this many failures. */
const SWEEP_FAILURES_EVERY = 100;

/** The shared counters over the store's database. */
export function createDatabaseCounters(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): SharedCounters {
  const { db, now } = deps;
  let countsSinceSweep = 0;
  let failuresSinceSweep = 0;

  /** Deletes failure rows that no longer count: neither a live lock nor a failure within the window. */
  async function sweepFailures(at: Date, windowMs: number): Promise<void> {
    const windowStart = new Date(at.getTime() - windowMs).toISOString();
    await db
      .deleteFrom('login_failures')
      .where('first_failure_at', '<=', windowStart)
      .where((eb) =>
        eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at.toISOString())]),
      )
      .execute();
  }

  return {
    location: 'the database',

    async increment(key: string, rule: CounterRule): Promise<CounterState> {
      const { timeWindow, max } = rule;
      const nowMs = now().getTime();
      const n = sql`cast(${nowMs} as bigint)`;
      const window = sql`cast(${timeWindow} as bigint)`;
      const expired = sql`rate_limit_counters.resets_at_ms <= ${n}`;
      const over = rule.exponentialBackoff
        ? sql`rate_limit_counters.hits + 1 > ${max}`
        : sql`1 = 0`;
      const cap = sql`cast(${rule.maxBackoffMs} as bigint)`;
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
      countsSinceSweep += 1;
      if (countsSinceSweep >= SWEEP_COUNTERS_EVERY) {
        countsSinceSweep = 0;
        await db.deleteFrom('rate_limit_counters').where('resets_at_ms', '<=', nowMs).execute();
      }
      return { current: row.hits, ttl: Math.max(0, row.resets_at_ms - nowMs) };
    },

    async read(key: string): Promise<CounterState> {
      const nowMs = now().getTime();
      const row = await db
        .selectFrom('rate_limit_counters')
        .select(['hits', 'resets_at_ms'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined || row.resets_at_ms <= nowMs) return { current: 0, ttl: 0 };
      return { current: row.hits, ttl: row.resets_at_ms - nowMs };
    },

    async isLocked(address: string, slot: number): Promise<boolean> {
      const row = await db
        .selectFrom('login_failures')
        .select('locked_until')
        .where('address', '=', address)
        .where('slot', '=', slot)
        .executeTakeFirst();
      const until = row?.locked_until;
      return until != null && until > now().toISOString();
    },

    /** A count older than the window, or an expired lock, starts again at one. */
    async recordFailure(address: string, slot: number, rule: FailureRule): Promise<void> {
      const at = now();
      const atIso = at.toISOString();
      const windowStart = new Date(at.getTime() - rule.windowMs).toISOString();
      const startAgain = sql<boolean>`(login_failures.first_failure_at <= ${windowStart} or (login_failures.locked_until is not null and login_failures.locked_until <= ${atIso}))`;
      await db
        .insertInto('login_failures')
        .values({ address, slot, failures: 1, first_failure_at: atIso, locked_until: null })
        .onConflict((conflict) =>
          conflict.columns(['address', 'slot']).doUpdateSet({
            failures: sql<number>`case when ${startAgain} then 1 else login_failures.failures + 1 end`,
            first_failure_at: sql<string>`case when ${startAgain} then ${atIso} else login_failures.first_failure_at end`,
            locked_until: sql<
              string | null
            >`case when ${startAgain} then null else login_failures.locked_until end`,
          }),
        )
        .execute();
      await db
        .updateTable('login_failures')
        .set({ locked_until: new Date(at.getTime() + rule.windowMs).toISOString() })
        .where('address', '=', address)
        .where('slot', '=', slot)
        .where('failures', '>=', rule.maxFailures)
        .where('locked_until', 'is', null)
        .execute();
      failuresSinceSweep += 1;
      if (failuresSinceSweep >= SWEEP_FAILURES_EVERY) {
        failuresSinceSweep = 0;
        await sweepFailures(at, rule.windowMs);
      }
    },

    async clearFailures(address: string, slot: number): Promise<void> {
      await db
        .deleteFrom('login_failures')
        .where('address', '=', address)
        .where('slot', '=', slot)
        .execute();
    },

    async clearSlot(slot: number): Promise<void> {
      await db.deleteFrom('login_failures').where('slot', '=', slot).execute();
    },

    close: () => Promise.resolve(),
  };
}
