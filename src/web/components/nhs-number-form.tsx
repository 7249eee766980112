/** @module Search by NHS number: accepts spaces and hyphens, checks the digits before asking. */
import { useState, type SubmitEvent } from 'react';
import { normaliseNhsNumber, parseNhsNumber } from '../../identity/nhs-number.ts';
import { ErrorMessage } from './error-message.tsx';

export interface NhsNumberFormProps {
  /** Searches; resolves to an error message to show beside the field, if any. */
  readonly onSearch: (nhsNumber: string) => Promise<string | undefined>;
}

/** One field and the Search button. */
export function NhsNumberForm({ onSearch }: NhsNumberFormProps) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseNhsNumber(value);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(undefined);
    setError(await onSearch(normaliseNhsNumber(value)));
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <div className={error === undefined ? 'field' : 'field field--error'}>
        <label htmlFor="nhs-number">NHS number</label>
        <p id="nhs-number-hint" className="hint">
          10 digits, for example 999 000 0018
        </p>
        <ErrorMessage id="nhs-number-error" message={error} />
        <input
          id="nhs-number"
          name="nhsNumber"
          className="input--nhs-number"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={
            error === undefined ? 'nhs-number-hint' : 'nhs-number-hint nhs-number-error'
          }
          aria-invalid={error !== undefined}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
        />
      </div>
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
