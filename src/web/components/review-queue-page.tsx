/**
 * @module The privacy officer's review queue: every emergency access not yet reviewed (who,
 * when, patient, reason), and the privacy-monitoring alerts when the server raises them; each
 * closed with an outcome and a note.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiError, ApiResult } from '../api-client.ts';
import { nhsNumberText, outcomeLabel, reasonLabel, readEvent } from '../audit-display.ts';
import { formatDateTime } from '../fhir-display.ts';
import type { PrivacyAlert as PrivacyAlertJson } from '../../api/alerts.ts';
import type {
  EmergencyReview as EmergencyReviewJson,
  ReviewOutcome,
} from '../../api/emergency-reviews.ts';
import { roleText } from '../role-text.ts';
import { AuditEntryDetail } from './audit-entry-detail.tsx';
import { Checkbox } from './form-fields.tsx';
import { RefusalMessage } from './refusal-message.tsx';
import { ReviewForm } from './review-form.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface ReviewQueuePageProps {
  readonly api: ApiClient;
  readonly onSessionEnded: () => void;
}

/** Who a user id is, from the audit trail's record of their emergency access. */
type People = ReadonlyMap<string, { readonly name: string; readonly role: string }>;

type Loaded<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly error: ApiError }
  | { readonly kind: 'absent' }
  | { readonly kind: 'loaded'; readonly items: readonly T[] };

const RULE_LABELS: Readonly<Record<string, string>> = {
  'emergency-access': 'Emergency access',
  'same-surname': 'Viewed a patient who shares their surname',
  'shared-address': 'Viewed a patient who shares their address',
  'own-record': 'Viewed their own record',
  'out-of-hours': 'Viewed outside usual hours',
  'view-spike': 'Many views in a short time',
  'restricted-patient': 'Viewed a restricted patient',
};

/** Both queues. */
export function ReviewQueuePage({ api, onSessionEnded }: ReviewQueuePageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [includeReviewed, setIncludeReviewed] = useState(false);
  const [reviews, setReviews] = useState<Loaded<EmergencyReviewJson>>({ kind: 'loading' });
  const [alerts, setAlerts] = useState<Loaded<PrivacyAlertJson>>({ kind: 'loading' });
  const [people, setPeople] = useState<People>(new Map());
  const [notice, setNotice] = useState<string | undefined>();
  useFocusOnMount(heading);

  const settle = useCallback(
    <T,>(result: ApiResult<readonly T[]>, optional: boolean): Loaded<T> => {
      if (result.ok) return { kind: 'loaded', items: result.value };
      if (result.error.status === 401) onSessionEnded();
      // Older servers have no alerts endpoint: the queue then shows emergency access only.
      if (optional && result.error.status === 404) return { kind: 'absent' };
      return { kind: 'error', error: result.error };
    },
    [onSessionEnded],
  );

  useEffect(() => {
    let active = true;
    const status = includeReviewed ? 'all' : 'open';
    void Promise.all([
      api.listEmergencyReviews(status),
      api.listPrivacyAlerts(status),
      // Names and roles for the user ids in the queue, from the audited emergency accesses.
      api.searchAudit({ action: 'emergency-access', limit: 500 }),
    ]).then(([reviewResult, alertResult, audited]) => {
      if (!active) return;
      setReviews(settle(reviewResult, false));
      setAlerts(settle(alertResult, true));
      if (audited.ok) {
        const found = new Map<string, { name: string; role: string }>();
        for (const entry of audited.value.entries) {
          const actor = readEvent(entry.event).actor;
          if (actor !== undefined && !found.has(actor.userId)) {
            found.set(actor.userId, { name: actor.name, role: actor.role });
          }
        }
        setPeople(found);
      }
    });
    return () => {
      active = false;
    };
  }, [api, includeReviewed, settle]);

  async function reviewEmergency(id: string, outcome: ReviewOutcome, note: string) {
    const result = await api.reviewEmergencyAccess(id, outcome, note);
    if (!result.ok) {
      if (result.error.status === 401) onSessionEnded();
      return result.error.message;
    }
    setReviews((current) =>
      replaceOrDrop(current, result.value, (r) => r.permissionId === id, includeReviewed),
    );
    setNotice(`Review recorded: ${outcomeLabel(outcome)}.`);
    heading.current?.focus();
    return undefined;
  }

  async function reviewAlert(id: string, outcome: ReviewOutcome, note: string) {
    const result = await api.reviewPrivacyAlert(id, outcome, note);
    if (!result.ok) {
      if (result.error.status === 401) onSessionEnded();
      return result.error.message;
    }
    setAlerts((current) =>
      replaceOrDrop(current, result.value, (a) => a.id === id, includeReviewed),
    );
    setNotice(`Review recorded: ${outcomeLabel(outcome)}.`);
    heading.current?.focus();
    return undefined;
  }

  return (
    <div>
      <h1 ref={heading} tabIndex={-1}>
        Review queue
      </h1>
      {notice !== undefined && (
        <p className="inset" role="status">
          {notice}
        </p>
      )}
      <Checkbox
        id="include-reviewed"
        checked={includeReviewed}
        onChange={(checked) => {
          setNotice(undefined);
          setIncludeReviewed(checked);
        }}
      >
        Show reviewed items too
      </Checkbox>

      <section aria-labelledby="emergency-heading">
        <h2 id="emergency-heading">Emergency access{countText(reviews)}</h2>
        {reviews.kind === 'loading' && <p className="loading">Loading…</p>}
        {reviews.kind === 'error' && (
          <RefusalMessage error={reviews.error} doing="review emergency access" />
        )}
        {reviews.kind === 'loaded' && reviews.items.length === 0 && (
          <p className="empty">No emergency access is waiting for review.</p>
        )}
        {reviews.kind === 'loaded' && (
          <ul className="queue">
            {reviews.items.map((review) => (
              <li key={review.permissionId} className="queue__item">
                <EmergencyCard review={review} people={people} />
                {review.status === 'open' ? (
                  <ReviewForm
                    id={review.permissionId}
                    onSubmit={(outcome, note) =>
                      reviewEmergency(review.permissionId, outcome, note)
                    }
                  />
                ) : (
                  <ReviewedLine
                    outcome={review.outcome}
                    note={review.note}
                    at={review.reviewedAt}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {alerts.kind !== 'absent' && (
        <section aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">Privacy alerts{countText(alerts)}</h2>
          {alerts.kind === 'loading' && <p className="loading">Loading…</p>}
          {alerts.kind === 'error' && (
            <RefusalMessage error={alerts.error} doing="review privacy alerts" />
          )}
          {alerts.kind === 'loaded' && alerts.items.length === 0 && (
            <p className="empty">No privacy alert is waiting for review.</p>
          )}
          {alerts.kind === 'loaded' && (
            <ul className="queue">
              {alerts.items.map((alert) => (
                <li key={alert.id} className="queue__item">
                  <AlertCard
                    api={api}
                    alert={alert}
                    people={people}
                    onSessionEnded={onSessionEnded}
                  />
                  {alert.status === 'open' ? (
                    <ReviewForm
                      id={alert.id}
                      onSubmit={(outcome, note) => reviewAlert(alert.id, outcome, note)}
                    />
                  ) : (
                    <ReviewedLine outcome={alert.outcome} note={alert.note} at={alert.reviewedAt} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

function countText(loaded: Loaded<{ status: string }>): string {
  if (loaded.kind !== 'loaded') return '';
  const open = loaded.items.filter((item) => item.status === 'open').length;
  return ` (${open} open)`;
}

function replaceOrDrop<T>(
  current: Loaded<T>,
  updated: T,
  same: (item: T) => boolean,
  keep: boolean,
): Loaded<T> {
  if (current.kind !== 'loaded') return current;
  const items = keep
    ? current.items.map((item) => (same(item) ? updated : item))
    : current.items.filter((item) => !same(item));
  return { kind: 'loaded', items };
}

function personText(people: People, userId: string, organisation?: string): string {
  const person = people.get(userId);
  const who =
    person === undefined
      ? 'Someone whose account no longer exists'
      : `${person.name}, ${roleText(person.role)}`;
  return organisation === undefined ? who : `${who} (${organisation})`;
}

function EmergencyCard({ review, people }: { review: EmergencyReviewJson; people: People }) {
  return (
    <>
      <h3 className="queue__title">
        {review.reasonCode === undefined ? 'Emergency access' : reasonLabel(review.reasonCode)}
        {' — '}
        NHS number {nhsNumberText(review.nhsNumber)}
      </h3>
      <dl className="facts">
        <div>
          <dt>Who</dt>
          <dd>{personText(people, review.userId, review.organisation)}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            <time dateTime={review.createdAt}>{formatDateTime(review.createdAt)}</time>
            {review.live ? ' (still in use)' : ''}
          </dd>
        </div>
        <div>
          <dt>Reason given</dt>
          <dd className="quoted">{review.reason ?? 'No reason recorded'}</dd>
        </div>
      </dl>
    </>
  );
}

function AlertCard({
  api,
  alert,
  people,
  onSessionEnded,
}: {
  api: ApiClient;
  alert: PrivacyAlertJson;
  people: People;
  onSessionEnded: () => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <h3 className="queue__title">{RULE_LABELS[alert.rule] ?? alert.rule}</h3>
      <dl className="facts">
        <div>
          <dt>Who</dt>
          <dd>
            {alert.user === undefined
              ? personText(people, alert.userId)
              : `${alert.user.name} (${alert.user.username}), ${roleText(alert.user.role)} (${alert.user.organisation})`}
          </dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            <time dateTime={alert.occurredAt}>{formatDateTime(alert.occurredAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Patient</dt>
          <dd>{nhsNumberText(alert.nhsNumber)}</dd>
        </div>
        <div>
          <dt>Detail</dt>
          <dd>{alert.detail}</dd>
        </div>
      </dl>
      <button
        type="button"
        className="disclosure"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
        }}
      >
        Audit entry {alert.seq}
      </button>
      {open && (
        <AuditEntryDetail api={api} seq={alert.seq} level={3} onSessionEnded={onSessionEnded} />
      )}
    </>
  );
}

function ReviewedLine({
  outcome,
  note,
  at,
}: {
  outcome: string | undefined;
  note: string | undefined;
  at: string | undefined;
}) {
  return (
    <p className="inset inset--neutral">
      Reviewed{at === undefined ? '' : ` ${formatDateTime(at)}`}:{' '}
      <strong>{outcome === undefined ? 'no outcome' : outcomeLabel(outcome)}</strong>
      {note === undefined ? '' : ` — ${note}`}
    </p>
  );
}
