/** @module Raises a concern about one line of the patient's history: why, then "Send my concern". */
import { useState, type SubmitEvent } from 'react';
import { CONCERN_REASONS, type ConcernReason } from '../../api/patient-portal.ts';
import { CONCERN_REASON_TEXT } from '../patient-text.ts';
import { ErrorMessage } from './error-message.tsx';
import { ActionOrCancel } from './form-fields.tsx';
import { endsSession, type PatientPageProps } from './patient-page.ts';

export interface RaiseConcernFormProps extends PatientPageProps {
  /** The line (audit entry) the concern is about. */
  readonly seq: number;
  readonly onCancel: () => void;
  readonly onRaised: () => void;
}

export function RaiseConcernForm({
  api,
  seq,
  onSessionEnded,
  onCancel,
  onRaised,
}: RaiseConcernFormProps) {
  const [reason, setReason] = useState<ConcernReason | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reason === undefined) {
      setError('Choose why you are concerned.');
      return;
    }
    setError(undefined);
    setBusy(true);
    const result = await api.raiseConcern({ seq, reason });
    setBusy(false);
    if (result.ok) {
      onRaised();
      return;
    }
    if (endsSession(result.error)) onSessionEnded();
    else setError(result.error.message);
  }

  return (
    <form className="review-form" onSubmit={(event) => void submit(event)} noValidate>
      <ErrorMessage id={`concern-error-${seq}`} message={error} />
      <fieldset className="fieldset">
        <legend>Why are you concerned about this?</legend>
        <p className="hint">
          A privacy officer will look into it, with this line of the audit trail attached. You will
          see what they found here.
        </p>
        {CONCERN_REASONS.map((value) => (
          <div key={value} className="radio">
            <input
              id={`concern-${seq}-${value}`}
              type="radio"
              name={`concern-${seq}`}
              value={value}
              checked={reason === value}
              onChange={() => {
                setReason(value);
              }}
            />
            <label htmlFor={`concern-${seq}-${value}`}>{CONCERN_REASON_TEXT[value]}</label>
          </div>
        ))}
      </fieldset>
      <ActionOrCancel
        className="history__actions"
        action="Send my concern"
        disabled={busy}
        onCancel={onCancel}
      />
    </form>
  );
}
