/**
 * @module Works the durable notification queue: sends what is due, marks it sent, and on failure
 * tries again later (waiting longer each time), so a notification survives a mail server being
 * down and a restart. A patient who turned a kind off, or withdrew their address, is not sent it.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema, NotificationsTable } from '../store/schema.ts';
import type { ChannelSender } from './notification-channels.ts';
import type { NotificationMessage } from './notification-message.ts';
import { NOTIFICATION_KINDS, type NotificationChannel } from './notification-queue.ts';
import { readPatientSettings } from './patient-settings.ts';

const BATCH = 50;

export interface NotificationDispatcher {
  /** Sends every notification due by `dueBy` (now by default); returns how many were sent. */
  runOnce(options?: { readonly dueBy?: Date }): Promise<number>;
  /** Starts working the queue now and then every `retrySeconds`. */
  start(): void;
  /** Works the queue soon (something was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

export function createNotificationDispatcher(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
  readonly channels: ReadonlyMap<NotificationChannel, ChannelSender>;
  readonly retrySeconds: number;
  readonly maxAttempts: number;
  readonly organisationName: (ods: string) => string;
  /** The patient's access history page, for the link. */
  readonly historyUrl: string;
  readonly warn: (message: string) => void;
}): NotificationDispatcher {
  const { db, now } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  async function settle(id: string, values: Partial<NotificationsTable>): Promise<void> {
    await db.updateTable('notifications').set(values).where('id', '=', id).execute();
  }

  async function deliver(row: NotificationsTable): Promise<boolean> {
    const send = deps.channels.get(row.channel as NotificationChannel);
    const kind = NOTIFICATION_KINDS.find((k) => k === row.kind);
    const settings = await readPatientSettings(db, row.nhs_number);
    const wanted =
      kind === 'emergency-access' ? settings.notifyEmergency : settings.notifyNewOrganisation;
    if (
      send === undefined ||
      kind === undefined ||
      !wanted ||
      (row.channel === 'email' && settings.email === undefined)
    ) {
      await settle(row.id, { status: 'cancelled' });
      return false;
    }
    const message: NotificationMessage = {
      id: row.id,
      kind,
      nhsNumber: row.nhs_number,
      organisation: { odsCode: row.organisation, name: deps.organisationName(row.organisation) },
      occurredAt: row.occurred_at,
      link: deps.historyUrl,
    };
    const attempts = row.attempts + 1;
    try {
      await send(message, settings.email);
    } catch (error) {
      const code = errorCode(error);
      const gaveUp = attempts >= deps.maxAttempts;
      // Waits 1, 2, 4 … times retrySeconds, at most 64 times.
      const waitMs = deps.retrySeconds * 1000 * Math.min(2 ** (attempts - 1), 64);
      await settle(row.id, {
        status: gaveUp ? 'failed' : 'pending',
        attempts,
        last_error: code,
        next_attempt_at: new Date(now().getTime() + waitMs).toISOString(),
      });
      deps.warn(`Notification ${row.id} (${row.channel}) not delivered: ${code}`);
      return false;
    }
    await settle(row.id, {
      status: 'sent',
      attempts,
      sent_at: now().toISOString(),
      last_error: null,
    });
    return true;
  }

  async function work(dueBy: Date): Promise<number> {
    let sent = 0;
    for (;;) {
      const due = await db
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', dueBy.toISOString())
        .orderBy('next_attempt_at', 'asc')
        .limit(BATCH)
        .execute();
      for (const row of due) if (await deliver(row)) sent += 1;
      // A failed row is rescheduled after dueBy only when dueBy is now; stop after one pass otherwise.
      if (due.length < BATCH || dueBy.getTime() > now().getTime()) return sent;
    }
  }

  function runOnce(options: { readonly dueBy?: Date } = {}): Promise<number> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    const run = work(options.dueBy ?? now()).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void runOnce().catch(report);
      }
    });
    running = run;
    return run;
  }

  function report(error: unknown): void {
    deps.warn(`Notification queue could not be worked: ${errorCode(error)}`);
  }

  return {
    runOnce,
    start() {
      if (deps.channels.size === 0 || timer !== undefined) return;
      timer = setInterval(() => {
        void runOnce().catch(report);
      }, deps.retrySeconds * 1000);
      timer.unref();
      void runOnce().catch(report);
    },
    kick() {
      if (deps.channels.size === 0) return;
      setImmediate(() => {
        void runOnce().catch(report);
      });
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

/** An error as a short code for the row and the log (never an address or a message body). */
function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return (typeof code === 'string' ? code : error.name)
      .replace(/[^A-Za-z0-9_.-]/g, '')
      .slice(0, 60);
  }
  return 'unknown';
}
