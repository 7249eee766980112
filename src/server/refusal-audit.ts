/**
 * @module Audit of refused requests (no session, an unknown or expired cookie, a bad CSRF token),
 * bounded so a flood cannot fill the disk: per address, reason and minute, the first refusal is
 * appended at once and the rest as one `access-denied` entry with their count when the minute ends.
 */
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditActor, AuditClient } from '../audit/audit-event.ts';

/** One refused request. */
export interface Refusal {
  readonly requestId: string;
  readonly client: AuditClient;
  /** The signed-in user, when there was one (a bad CSRF token); null otherwise. */
  readonly actor: AuditActor | null;
  /** What was attempted, e.g. `get-/api/patients/:nhsNumber/record`. */
  readonly attempted: string;
  /** Why it was refused: `no-session`, `session-unknown`, `session-expired-idle`, `csrf-token-invalid`… */
  readonly reasonCode: string;
}

export interface RefusalAudit {
  /** Counts a refusal; the first of its address, reason and minute is appended before this returns. */
  refused(refusal: Refusal): Promise<void>;
  /** Appends the counts of minutes that have ended; with `everything`, of the current one too. */
  flush(everything?: boolean): Promise<void>;
  /** Flushes minutes as they end, until {@link RefusalAudit.stop}. */
  start(): void;
  /** Stops the timer and appends every count still held. */
  stop(): Promise<void>;
}

/** Distinct (address, reason, user) keys held in one minute; beyond it refusals share one key. */
export const MAX_REFUSAL_KEYS = 1000;
const MINUTE_MS = 60_000;
/** The address recorded for refusals beyond {@link MAX_REFUSAL_KEYS} in a minute. */
export const OVERFLOW_ADDRESS = 'many-addresses';

interface Bucket {
  readonly minute: number;
  readonly first: Refusal;
  /** Refusals after the first, not yet appended. */
  more: number;
  lastAt: Date;
}

/**
 * At most `2 × (MAX_REFUSAL_KEYS + 1)` entries a minute however many refusals arrive: one
 * appended at the first refusal of a key, and one with the count of the rest.
 */
export function createRefusalAudit(deps: {
  readonly audit: AuditLog;
  readonly now: () => Date;
  readonly warn: (message: string, error?: unknown) => void;
}): RefusalAudit {
  const { audit, now } = deps;
  const buckets = new Map<string, Bucket>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const keyOf = (refusal: Refusal): string =>
    `${refusal.client.address}|${refusal.reasonCode}|${refusal.actor?.userId ?? ''}`;

  async function appendFirst(refusal: Refusal, at: Date): Promise<void> {
    await audit.append({
      action: 'access-denied',
      time: at.toISOString(),
      requestId: refusal.requestId,
      client: refusal.client,
      actor: refusal.actor,
      outcome: 'denied',
      attempted: refusal.attempted,
      reasonCode: refusal.reasonCode,
      count: 1,
    });
  }

  async function appendRest(bucket: Bucket): Promise<void> {
    if (bucket.more === 0) return;
    const from = new Date(bucket.minute * MINUTE_MS);
    await audit.append({
      action: 'access-denied',
      time: from.toISOString(),
      until: bucket.lastAt.toISOString(),
      requestId: bucket.first.requestId,
      client: bucket.first.client,
      actor: bucket.first.actor,
      outcome: 'denied',
      attempted: bucket.first.attempted,
      reasonCode: bucket.first.reasonCode,
      count: bucket.more,
    });
  }

  async function flushBuckets(everything: boolean): Promise<void> {
    const minute = Math.floor(now().getTime() / MINUTE_MS);
    const done = [...buckets].filter(([, bucket]) => everything || bucket.minute < minute);
    for (const [key] of done) buckets.delete(key);
    for (const [, bucket] of done) await appendRest(bucket);
  }

  /** Flushes run one after another, so a count is never appended twice or lost between them. */
  function flush(everything = false): Promise<void> {
    flushing = flushing.then(() => flushBuckets(everything));
    return flushing;
  }

  return {
    async refused(refusal) {
      const at = now();
      const minute = Math.floor(at.getTime() / MINUTE_MS);
      let key = keyOf(refusal);
      let entry = refusal;
      if (!buckets.has(key) && buckets.size >= MAX_REFUSAL_KEYS) {
        entry = { ...refusal, client: { address: OVERFLOW_ADDRESS }, actor: null };
        key = keyOf(entry);
      }
      const bucket = buckets.get(key);
      if (bucket !== undefined && bucket.minute === minute) {
        bucket.more += 1;
        bucket.lastAt = at;
        return;
      }
      if (bucket !== undefined) {
        buckets.delete(key);
        await appendRest(bucket);
      }
      buckets.set(key, { minute, first: entry, more: 0, lastAt: at });
      try {
        await appendFirst(entry, at);
      } catch (error) {
        // Not written, so not counted as written: the next refusal tries again.
        buckets.delete(key);
        throw error;
      }
    },
    flush,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        flush().catch((error: unknown) => {
          deps.warn('could not append the count of refused requests to the audit trail', error);
        });
      }, 10_000);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await flush(true);
    },
  };
}
