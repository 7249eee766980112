/**
 * @module The privacy monitor: evaluates the rules over every audit entry after the last one it
 * evaluated, in sequence order, and raises alerts into the review queue. Where it has got to is
 * kept in the database with the alerts it raised (one transaction), so a restart resumes there and
 * no entry goes unevaluated. Told of each append (debounced) and polls for other processes' entries.
 */
import type { AppendedEntry, AuditLog } from '../audit-log.ts';
import type { User } from '../../access/user.ts';
import type { PatientSummary } from '../../identity/patient-summary.ts';
import type { Store } from '../../store/store.ts';
import { tracedViewAlerts } from './demographic-match.ts';
import type { PrivacyAlerts } from './privacy-alerts.ts';
import {
  COUNTED_VIEW_ACTION,
  checkMonitoringSettings,
  createEntryRules,
  type MonitoringSettings,
} from './privacy-rules.ts';
import type { StaffDirectory } from './staff-directory.ts';

/** The monitor's row in `privacy_monitor_state`. */
const STATE_NAME = 'privacy';
const BATCH = 500;

/** What the record view tells the monitor once the patient is traced (before any source is asked): who is viewing whom, with the national trace. */
export interface TracedView {
  readonly user: User;
  readonly nhsNumber: string;
  readonly requestId: string;
  readonly time: string;
  readonly patient: PatientSummary;
  readonly auditSeq: number | undefined;
}

export interface PrivacyMonitorDeps {
  readonly store: Store;
  /** Reads the trail (only `list` is used). */
  readonly audit: Pick<AuditLog, 'list'>;
  readonly alerts: PrivacyAlerts;
  readonly settings: MonitoringSettings;
  readonly directory: StaffDirectory;
  readonly warn: (message: string, error?: unknown) => void;
  /** How long after an append to evaluate, so a burst of appends is evaluated together (ms, default 250). */
  readonly delayMs?: number;
}

export interface PrivacyMonitor {
  /** The audit log's append hook: evaluates new entries shortly. Never throws. */
  onAppended(appended: AppendedEntry): void;
  /** The record view's trace hook: the demographic rules, raised before any source is asked. Never throws. */
  onTraced(view: TracedView): Promise<void>;
  /**
   * Evaluates every entry after the last evaluated one; resolves (with how many were evaluated)
   * once every entry committed before the call has been. Throws when the store fails.
   */
  catchUp(): Promise<number>;
  /** Catches up now, then after each append and every `pollSeconds`. */
  start(): void;
  /** Stops the timers and waits for an evaluation in progress. */
  stop(): Promise<void>;
}

interface Waiter {
  readonly generation: number;
  resolve(evaluated: number): void;
  reject(error: unknown): void;
}

/** Creates the monitor. Throws when the settings name an unknown time zone. */
export function createPrivacyMonitor(deps: PrivacyMonitorDeps): PrivacyMonitor {
  const { store, audit, alerts, settings, directory, warn } = deps;
  checkMonitoringSettings(settings);
  const rules = createEntryRules(settings, directory);
  const windowMs = settings.rules.viewSpike.minutes * 60_000;
  const delayMs = deps.delayMs ?? 250;
  /** The last entry the in-memory spike window reflects; another process may have moved on. */
  let memorySeq: number | undefined;
  let running = false;
  let requested = 0;
  let completed = 0;
  let waiters: Waiter[] = [];
  let stopped = false;
  let soon: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;

  async function readCursor(): Promise<number> {
    const row = await store.db
      .selectFrom('privacy_monitor_state')
      .select('last_seq')
      .where('name', '=', STATE_NAME)
      .executeTakeFirst();
    return row === undefined ? 0 : row.last_seq;
  }

  /** Rebuilds the spike window as it stood after entry `cursor`, from the trail and the queue. */
  async function prime(cursor: number): Promise<void> {
    rules.reset();
    memorySeq = cursor;
    if (!settings.rules.viewSpike.enabled || cursor === 0) return;
    const [last] = await audit.list({ afterSeq: cursor - 1, limit: 1 });
    if (last === undefined) return;
    const end = new Date(last.entry.event.time).getTime();
    // recorded_at trails the event's time by the view's own work: a minute's margin covers it.
    const from = new Date(end - windowMs - 60_000).toISOString();
    let after = 0;
    for (;;) {
      const page = await audit.list({
        action: COUNTED_VIEW_ACTION,
        from,
        afterSeq: after,
        limit: 1000,
      });
      for (const record of page) {
        const { event } = record.entry;
        if (record.seq > cursor) return primeSpikeAlerts(end);
        if (event.action === COUNTED_VIEW_ACTION) {
          rules.rememberView(event.actor.userId, event.nhsNumber, event.time);
        }
      }
      const tail = page.at(-1);
      if (tail === undefined || page.length < 1000) break;
      after = tail.seq;
    }
    await primeSpikeAlerts(end);
  }

  async function primeSpikeAlerts(end: number): Promise<void> {
    const raised = await store.db
      .selectFrom('privacy_alerts')
      .select(['user_id', 'occurred_at'])
      .where('rule', '=', 'view-spike')
      .where('occurred_at', '>=', new Date(end - windowMs).toISOString())
      .execute();
    for (const row of raised) rules.rememberSpikeAlert(row.user_id, row.occurred_at);
  }

  /** Evaluates batches until no entry is left after the cursor. */
  async function drain(): Promise<number> {
    let evaluated = 0;
    for (;;) {
      const cursor = await readCursor();
      if (cursor !== memorySeq) await prime(cursor);
      const batch = await audit.list({ afterSeq: cursor, limit: BATCH });
      const last = batch.at(-1);
      if (last === undefined) return evaluated;
      const raised = batch.flatMap((record) => rules.evaluate(record.seq, record.entry));
      const at = new Date().toISOString();
      await store.db.transaction().execute(async (trx) => {
        await alerts.raise(raised, trx);
        await trx
          .insertInto('privacy_monitor_state')
          .values({ name: STATE_NAME, last_seq: last.seq, updated_at: at })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet({ last_seq: last.seq, updated_at: at })
              .where('privacy_monitor_state.last_seq', '<', last.seq),
          )
          .execute();
      });
      memorySeq = last.seq;
      evaluated += batch.length;
    }
  }

  /**
   * Each call asks for a pass that starts after it; passes run one at a time, and one pass
   * answers every call made before it started.
   */
  function catchUp(): Promise<number> {
    requested += 1;
    const promise = new Promise<number>((resolve, reject) => {
      waiters.push({ generation: requested, resolve, reject });
    });
    if (!running) void loop();
    return promise;
  }

  async function loop(): Promise<void> {
    running = true;
    try {
      while (completed < requested) {
        const generation = requested;
        let evaluated: number;
        try {
          evaluated = await drain();
        } catch (error) {
          completed = generation;
          settle(generation, (waiter) => {
            waiter.reject(error);
          });
          continue;
        }
        completed = generation;
        settle(generation, (waiter) => {
          waiter.resolve(evaluated);
        });
      }
    } finally {
      running = false;
    }
  }

  function settle(generation: number, how: (waiter: Waiter) => void): void {
    const due = waiters.filter((waiter) => waiter.generation <= generation);
    waiters = waiters.filter((waiter) => waiter.generation > generation);
    for (const waiter of due) how(waiter);
  }

  function catchUpQuietly(): void {
    if (stopped) return;
    catchUp().catch((error: unknown) => {
      warn('privacy monitoring could not evaluate new audit entries', error);
    });
  }

  return {
    onAppended() {
      if (stopped || soon !== undefined) return;
      soon = setTimeout(() => {
        soon = undefined;
        catchUpQuietly();
      }, delayMs);
      soon.unref();
    },

    async onTraced(view) {
      try {
        await alerts.raise(tracedViewAlerts(view, settings, directory));
      } catch (error) {
        warn('privacy monitoring could not raise an alert for a record view', error);
      }
    },

    catchUp,

    start() {
      stopped = false;
      catchUpQuietly();
      if (settings.pollSeconds > 0 && poll === undefined) {
        poll = setInterval(catchUpQuietly, settings.pollSeconds * 1000);
        poll.unref();
      }
    },

    async stop() {
      stopped = true;
      if (soon !== undefined) clearTimeout(soon);
      soon = undefined;
      if (poll !== undefined) clearInterval(poll);
      poll = undefined;
      if (running) await catchUp().catch(() => undefined);
    },
  };
}
