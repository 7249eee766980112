/**
 * @module The durable notification queue's writing side: for each audit entry that calls for telling
 * the patient (emergency access; a first record view by an organisation), one row per channel,
 * written inside the audit entry's own transaction so neither exists without the other.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuditEvent } from '../audit/audit-event.ts';
import type { DatabaseSchema } from '../store/schema.ts';
import { readPatientSettings } from './patient-settings.ts';

/** What a patient is told of. */
export const NOTIFICATION_KINDS = ['emergency-access', 'new-organisation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a patient is told. */
export const NOTIFICATION_CHANNELS = ['email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

interface Trigger {
  readonly kind: NotificationKind;
  readonly nhsNumber: string;
  readonly organisation: string;
  readonly time: string;
}

export interface NotificationQueue {
  /** Runs in the audit append's transaction (AuditLogDeps.inCommit). */
  enqueue(
    trx: Transaction<DatabaseSchema>,
    entries: readonly { readonly seq: number; readonly event: AuditEvent }[],
  ): Promise<void>;
  /** True once since the last call if anything was queued (so the dispatcher can start at once). */
  takeQueuedFlag(): boolean;
}

export function createNotificationQueue(deps: {
  readonly channels: readonly NotificationChannel[];
  readonly now: () => Date;
}): NotificationQueue {
  let queued = false;

  /** Whether this view is the organisation's first of the patient's record (remembered either way). */
  async function firstByOrganisation(
    trx: Transaction<DatabaseSchema>,
    nhsNumber: string,
    organisation: string,
    seq: number,
  ): Promise<boolean> {
    const result = await trx
      .insertInto('patient_organisations_seen')
      .values({ nhs_number: nhsNumber, organisation, first_seq: seq })
      .onConflict((oc) => oc.columns(['nhs_number', 'organisation']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async function triggerOf(
    trx: Transaction<DatabaseSchema>,
    seq: number,
    event: AuditEvent,
  ): Promise<Trigger | undefined> {
    if (event.action === 'emergency-access' && event.outcome === 'success') {
      return {
        kind: 'emergency-access',
        nhsNumber: event.nhsNumber,
        organisation: event.actor.organisation,
        time: event.time,
      };
    }
    if (event.action === 'record-view-started' && event.outcome === 'success') {
      const first = await firstByOrganisation(trx, event.nhsNumber, event.actor.organisation, seq);
      // An emergency view is told of once, as emergency access.
      if (!first || event.basis.basis === 'emergency') return undefined;
      return {
        kind: 'new-organisation',
        nhsNumber: event.nhsNumber,
        organisation: event.actor.organisation,
        time: event.time,
      };
    }
    return undefined;
  }

  return {
    async enqueue(trx, entries) {
      for (const { seq, event } of entries) {
        const trigger = await triggerOf(trx, seq, event);
        if (trigger === undefined || deps.channels.length === 0) continue;
        const settings = await readPatientSettings(trx, trigger.nhsNumber);
        const wanted =
          trigger.kind === 'emergency-access'
            ? settings.notifyEmergency
            : settings.notifyNewOrganisation;
        if (!wanted) continue;
        const at = deps.now().toISOString();
        for (const channel of deps.channels) {
          if (channel === 'email' && settings.email === undefined) continue;
          await trx
            .insertInto('notifications')
            .values({
              id: randomUUID(),
              nhs_number: trigger.nhsNumber,
              kind: trigger.kind,
              channel,
              seq,
              organisation: trigger.organisation,
              occurred_at: trigger.time,
              status: 'pending',
              attempts: 0,
              next_attempt_at: at,
              last_error: null,
              sent_at: null,
              created_at: at,
            })
            .execute();
          queued = true;
        }
      }
    },

    takeQueuedFlag() {
      const was = queued;
      queued = false;
      return was;
    },
  };
}
