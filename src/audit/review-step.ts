/**
 * @module One privacy officer's review of a flagged access (an emergency access, a privacy alert),
 * as steps: access → note → the review, what it also answers (an emergency access's privacy alert,
 * or the alert's emergency access), and their audit entries, committed together.
 */
import type { Transaction } from 'kysely';
import { Forbidden } from '../access/access-errors.ts';
import type { User } from '../access/user.ts';
import { visibleText } from '../access/visible-text.ts';
import { FieldError } from '../shared/field-error.ts';
import type { DatabaseSchema } from '../store/schema.ts';
import type { AuditEvent } from './audit-event.ts';
import type { AuditLog } from './audit-log.ts';
import { auditedAction, type ActionRequest, type CommonAuditFields } from './audited-action.ts';

/** The longest review note, in UTF-16 units. */
export const MAX_REVIEW_NOTE_LENGTH = 2000;

/** The review's note is missing (nothing visible), too long, or not plain text. */
export class InvalidReviewNote extends Error {
  override readonly name = 'InvalidReviewNote';
  readonly field = 'note';
}

/** There is nothing with this id to review. `field` names the id's parameter. */
export class NothingToReview extends FieldError {
  override readonly name = 'NothingToReview';
}

/** It has been reviewed already: a review is recorded once. `field` names the id's parameter. */
export class AlreadyReviewed extends FieldError {
  override readonly name = 'AlreadyReviewed';
}

/** What a privacy officer may conclude about a flagged access. */
export const REVIEW_OUTCOMES = ['appropriate', 'needs-follow-up'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** What a privacy officer decides in one review. */
export interface ReviewDecision {
  readonly outcome: ReviewOutcome;
  readonly note: string;
  readonly reviewer: { readonly id: string };
}

/** The review recorded on what was reviewed: every field absent until it has had one. */
export interface RecordedReview {
  readonly outcome?: ReviewOutcome | undefined;
  readonly note?: string | undefined;
  readonly reviewedBy?: string | undefined;
  readonly reviewedAt?: string | undefined;
}

/** What a review step needs. */
export interface ReviewDeps {
  readonly audit: Pick<AuditLog, 'append' | 'appendWith'>;
  readonly now: () => Date;
  /** Whether the policy lets this user review (`review-emergency-access`). */
  readonly mayReview: (user: User) => boolean;
}

/** One review as the reviewer sent it. */
export interface ReviewRequest extends ActionRequest {
  readonly note: string;
}

/** What differs between kinds of review. */
export interface ReviewKind<R> {
  /** What a refusal is audited as having attempted, e.g. `privacy-alert-review`. */
  readonly attempted: string;
  /**
   * Records the review with the checked note in `trx` (the audit's transaction); throws
   * {@link NothingToReview} or {@link AlreadyReviewed}.
   */
  record(note: string, trx: Transaction<DatabaseSchema>): Promise<R>;
  /** The audit entry that records the review (never the note). */
  event(reviewed: R, fields: CommonAuditFields): AuditEvent;
  /**
   * Finds, before the transaction, what the same review answers too (an emergency access and its
   * privacy alert); answers how to close it in the transaction, with the same outcome and note,
   * and the audit entries of what it closed.
   */
  linked?(): Promise<CloseLinked<R>>;
}

/** Closes what a review also answers, in the review's transaction. */
export type CloseLinked<R> = (
  reviewed: R,
  note: string,
  trx: Transaction<DatabaseSchema>,
  fields: CommonAuditFields,
) => Promise<readonly AuditEvent[]>;

/** Runs one review's steps; answers what was reviewed. */
export async function recordReview<R>(
  deps: ReviewDeps,
  request: ReviewRequest,
  kind: ReviewKind<R>,
): Promise<R> {
  const audited = auditedAction(deps, request);

  // access: may this role review?
  if (!deps.mayReview(request.user)) {
    await audited.deny(
      { attempted: kind.attempted, reasonCode: 'role-not-allowed' },
      new Forbidden(),
    );
  }

  // note: visible, plain text, bounded.
  const note = reviewNote(request.note);

  // what the same review answers too (read before the transaction holds the connection).
  const closeLinked = kind.linked === undefined ? undefined : await kind.linked();

  // the review, what it also closes, and their audit entries commit together, or none does.
  return deps.audit.appendWith(async (trx) => {
    const reviewed = await kind.record(note, trx);
    const fields = audited.fields();
    const linked = closeLinked === undefined ? [] : await closeLinked(reviewed, note, trx, fields);
    return { result: reviewed, events: [kind.event(reviewed, fields), ...linked] };
  });
}

function reviewNote(typed: string): string {
  const checked = visibleText(typed, MAX_REVIEW_NOTE_LENGTH);
  if (checked.ok) return checked.text;
  switch (checked.problem) {
    case 'empty':
      throw new InvalidReviewNote('Say why you reached this outcome.');
    case 'too-long':
      throw new InvalidReviewNote(`The note must be under ${MAX_REVIEW_NOTE_LENGTH} characters.`);
    case 'control-characters':
      throw new InvalidReviewNote('Use plain text in the note: no control characters.');
  }
}
