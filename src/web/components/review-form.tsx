/** @module Records a review's outcome (appropriate / needs follow-up) with a required note. */
import { useState, type SubmitEvent } from 'react';
import type { ReviewOutcome } from '../../api/emergency-reviews.ts';
import { ErrorMessage } from './error-message.tsx';

export interface ReviewFormProps {
  /** Makes the field ids unique on a page of several forms. */
  readonly id: string;
  /** Records the review; resolves to an error message to show, if any. */
  readonly onSubmit: (outcome: ReviewOutcome, note: string) => Promise<string | undefined>;
}

const OUTCOMES: readonly { readonly value: ReviewOutcome; readonly label: string }[] = [
  { value: 'appropriate', label: 'Appropriate' },
  { value: 'needs-follow-up', label: 'Needs follow-up' },
];

/** Outcome radios, a note, and "Record review". */
export function ReviewForm({ id, onSubmit }: ReviewFormProps) {
  const [outcome, setOutcome] = useState<ReviewOutcome | undefined>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (outcome === undefined) {
      setError('Choose an outcome.');
      return;
    }
    if (note.trim() === '') {
      setError('Write a note saying why you reached this outcome.');
      return;
    }
    setError(undefined);
    setBusy(true);
    const problem = await onSubmit(outcome, note.trim());
    setBusy(false);
    setError(problem);
  }

  return (
    <form className="review-form" onSubmit={(event) => void submit(event)} noValidate>
      <ErrorMessage id={`review-error-${id}`} message={error} />
      <fieldset className="fieldset">
        <legend>Outcome</legend>
        {OUTCOMES.map((option) => (
          <div key={option.value} className="radio">
            <input
              id={`review-${id}-${option.value}`}
              type="radio"
              name={`review-${id}`}
              value={option.value}
              checked={outcome === option.value}
              onChange={() => {
                setOutcome(option.value);
              }}
            />
            <label htmlFor={`review-${id}-${option.value}`}>{option.label}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`review-${id}-note`}>Note</label>
        <textarea
          id={`review-${id}-note`}
          rows={3}
          maxLength={2000}
          value={note}
          onChange={(event) => {
            setNote(event.target.value);
          }}
        />
      </div>
      <button type="submit" className="button" disabled={busy}>
        Record review
      </button>
    </form>
  );
}
