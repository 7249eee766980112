/**
 * @module The privacy alert review queue: alerts raised by the monitoring rules, each closed by a
 * privacy officer with an outcome and a note. Raising is idempotent per rule and audit entry.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema, PrivacyAlertsTable } from '../../store/schema.ts';
import { AlreadyReviewed, NothingToReview, REVIEW_OUTCOMES } from '../review-step.ts';
import type { RecordedReview, ReviewDecision, ReviewOutcome } from '../review-step.ts';
import type { RaisedAlert } from './privacy-rules.ts';

/** What the privacy officer concluded about one alert: a review's outcomes. */
export { REVIEW_OUTCOMES as ALERT_OUTCOMES, type ReviewOutcome as AlertOutcome };

const MAX_LIST = 1000;

/** One alert in the queue, with its review once it has had one. */
export interface PrivacyAlert extends RecordedReview {
  readonly id: string;
  /** A {@link PrivacyRule}. */
  readonly rule: string;
  readonly seq: number;
  readonly userId: string;
  readonly nhsNumber?: string | undefined;
  readonly occurredAt: string;
  readonly detail: string;
  readonly createdAt: string;
  readonly status: 'open' | 'reviewed';
}

/** The review of the alert `id`. */
export interface ReviewAlertRequest extends ReviewDecision {
  readonly id: string;
}

/** The database connection the queue writes through (a transaction, or the store's db). */
export type AlertsDb = Pick<Kysely<DatabaseSchema>, 'insertInto'>;
/** The connection a review goes through (the audit's transaction, see src/audit/review-step.ts). */
export type ReviewDb = Pick<Kysely<DatabaseSchema>, 'selectFrom' | 'updateTable'>;

export interface PrivacyAlerts {
  /** Adds alerts not already raised (same rule and audit entry); returns how many were new. */
  raise(alerts: readonly RaisedAlert[], db?: AlertsDb): Promise<number>;
  /** `open`: not yet reviewed, oldest first; `all`: newest first. At most 1000. */
  list(status: 'open' | 'all'): Promise<PrivacyAlert[]>;
  /** Every alert about one patient, newest first (at most 1000). */
  listForPatient(nhsNumber: string): Promise<PrivacyAlert[]>;
  /**
   * Records the review once (its note already checked). Throws NothingToReview or AlreadyReviewed.
   */
  review(request: ReviewAlertRequest, into?: ReviewDb): Promise<PrivacyAlert>;
}

export function createPrivacyAlerts(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): PrivacyAlerts {
  const { db, now } = deps;

  return {
    async raise(alerts, into = db) {
      if (alerts.length === 0) return 0;
      const createdAt = now().toISOString();
      let added = 0;
      for (const alert of alerts) {
        const result = await into
          .insertInto('privacy_alerts')
          .values({
            id: crypto.randomUUID(),
            rule: alert.rule,
            seq: alert.seq,
            user_id: alert.userId,
            nhs_number: alert.nhsNumber ?? null,
            occurred_at: alert.occurredAt,
            detail: alert.detail,
            created_at: createdAt,
            status: 'open',
          })
          .onConflict((oc) => oc.columns(['rule', 'seq']).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    },

    async list(status) {
      const rows =
        status === 'open'
          ? await db
              .selectFrom('privacy_alerts')
              .selectAll()
              .where('status', '=', 'open')
              .orderBy('created_at', 'asc')
              .orderBy('seq', 'asc')
              .limit(MAX_LIST)
              .execute()
          : await db
              .selectFrom('privacy_alerts')
              .selectAll()
              .orderBy('created_at', 'desc')
              .orderBy('seq', 'desc')
              .limit(MAX_LIST)
              .execute();
      return rows.map(alertFromRow);
    },

    async listForPatient(nhsNumber) {
      const rows = await db
        .selectFrom('privacy_alerts')
        .selectAll()
        .where('nhs_number', '=', nhsNumber)
        .orderBy('created_at', 'desc')
        .limit(MAX_LIST)
        .execute();
      return rows.map(alertFromRow);
    },

    async review(request, into = db) {
      const { note } = request;
      const existing = await into
        .selectFrom('privacy_alerts')
        .selectAll()
        .where('id', '=', request.id)
        .executeTakeFirst();
      if (existing === undefined) {
        throw new NothingToReview('id', 'There is no privacy alert with this id.');
      }
      if (existing.status !== 'open') throw alreadyReviewed();
      const reviewedAt = now().toISOString();
      const update = {
        status: 'reviewed',
        outcome: request.outcome,
        note,
        reviewed_by: request.reviewer.id,
        reviewed_at: reviewedAt,
      };
      const result = await into
        .updateTable('privacy_alerts')
        .set(update)
        .where('id', '=', request.id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      // Two reviewers at once: only the first update lands.
      if (result.numUpdatedRows === 0n) throw alreadyReviewed();
      return alertFromRow({ ...existing, ...update });
    },
  };
}

function alertFromRow(row: PrivacyAlertsTable): PrivacyAlert {
  return {
    id: row.id,
    rule: row.rule,
    seq: row.seq,
    userId: row.user_id,
    nhsNumber: row.nhs_number ?? undefined,
    occurredAt: row.occurred_at,
    detail: row.detail,
    createdAt: row.created_at,
    status: row.status === 'reviewed' ? 'reviewed' : 'open',
    outcome: REVIEW_OUTCOMES.find((outcome) => outcome === row.outcome),
    note: row.note ?? undefined,
    reviewedBy: row.reviewed_by ?? undefined,
    reviewedAt: row.reviewed_at ?? undefined,
  };
}

function alreadyReviewed(): AlreadyReviewed {
  return new AlreadyReviewed('id', 'This alert has already been reviewed.');
}
