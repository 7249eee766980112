/**
 * @module The emergency access review queue: every emergency access raises a review (a row made when
 * the access is granted) that a privacy officer closes with an outcome and a note.
 */
import type { Kysely } from 'kysely';
import { AlreadyReviewed, NothingToReview, REVIEW_OUTCOMES } from '../audit/review-step.ts';
import type { RecordedReview, ReviewDecision, ReviewOutcome } from '../audit/review-step.ts';
import type { DatabaseSchema } from '../store/schema.ts';
import { isLive, type Permission } from './permission.ts';
import { permissionFromRow } from './permissions.ts';

/** What the privacy officer concluded about one emergency access: a review's outcomes. */
export { REVIEW_OUTCOMES, type ReviewOutcome };

/** One emergency access and its review, if it has had one. */
export interface EmergencyReview extends RecordedReview {
  readonly permission: Permission;
  /** Whether the emergency access still allows views now. */
  readonly live: boolean;
}

/** The review of the emergency access recorded as permission `permissionId`. */
export interface RecordReviewRequest extends ReviewDecision {
  readonly permissionId: string;
}

export interface EmergencyReviews {
  /** `open`: not yet reviewed (oldest first); `all`: every emergency access, newest first. */
  list(status: 'open' | 'all'): Promise<EmergencyReview[]>;
  /**
   * Records the review (its note already checked, see src/audit/review-step.ts) through `into`.
   * Throws NothingToReview or AlreadyReviewed.
   */
  record(request: RecordReviewRequest, into?: Kysely<DatabaseSchema>): Promise<EmergencyReview>;
}

export function createEmergencyReviews(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): EmergencyReviews {
  const { db, now } = deps;

  function query(from: Kysely<DatabaseSchema> = db) {
    return from
      .selectFrom('emergency_reviews')
      .innerJoin('permissions', 'permissions.id', 'emergency_reviews.permission_id')
      .selectAll('permissions')
      .select([
        'emergency_reviews.outcome as review_outcome',
        'emergency_reviews.note as review_note',
        'emergency_reviews.reviewed_by as reviewed_by',
        'emergency_reviews.reviewed_at as reviewed_at',
      ]);
  }
  type Row = Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>;

  function fromRow(row: Row, at: Date): EmergencyReview {
    const permission = permissionFromRow(row);
    return {
      permission,
      live: isLive(permission, at),
      outcome: REVIEW_OUTCOMES.find((outcome) => outcome === row.review_outcome),
      note: row.review_note ?? undefined,
      reviewedBy: row.reviewed_by ?? undefined,
      reviewedAt: row.reviewed_at ?? undefined,
    };
  }

  return {
    async list(status) {
      const rows =
        status === 'open'
          ? await query()
              .where('emergency_reviews.reviewed_at', 'is', null)
              .orderBy('permissions.created_at', 'asc')
              .execute()
          : await query().orderBy('permissions.created_at', 'desc').execute();
      const at = now();
      return rows.map((row) => fromRow(row, at));
    },

    async record(request, into = db) {
      const { note } = request;
      const existing = await query(into)
        .where('emergency_reviews.permission_id', '=', request.permissionId)
        .executeTakeFirst();
      if (existing === undefined) {
        throw new NothingToReview('permissionId', 'There is no emergency access with this id.');
      }
      if (existing.reviewed_at !== null) throw alreadyReviewed();
      const reviewedAt = now().toISOString();
      const result = await into
        .updateTable('emergency_reviews')
        .set({
          outcome: request.outcome,
          note,
          reviewed_by: request.reviewer.id,
          reviewed_at: reviewedAt,
        })
        .where('permission_id', '=', request.permissionId)
        .where('reviewed_at', 'is', null)
        .executeTakeFirst();
      // Two reviewers at once: only the first update lands.
      if (result.numUpdatedRows === 0n) throw alreadyReviewed();
      return fromRow(
        {
          ...existing,
          review_outcome: request.outcome,
          review_note: note,
          reviewed_by: request.reviewer.id,
          reviewed_at: reviewedAt,
        },
        now(),
      );
    },
  };
}

function alreadyReviewed(): AlreadyReviewed {
  return new AlreadyReviewed('permissionId', 'This emergency access has already been reviewed.');
}
