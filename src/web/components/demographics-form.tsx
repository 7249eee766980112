/** @module Search by demographics: last name, first name, date of birth, gender, postcode. */
import { useState, type SubmitEvent } from 'react';
import type { DemographicsQuery } from '../../api/patients.ts';
import { ErrorMessage } from './error-message.tsx';

export interface DemographicsFormProps {
  /** Searches; resolves to an error message to show, if any. */
  readonly onSearch: (query: DemographicsQuery) => Promise<string | undefined>;
}

const EMPTY: DemographicsQuery = { family: '', given: '', birthdate: '', gender: '', postcode: '' };

/** A demographic search needs at least a last name and a date of birth. */
export function DemographicsForm({ onSearch }: DemographicsFormProps) {
  const [query, setQuery] = useState<DemographicsQuery>(EMPTY);
  const [error, setError] = useState<string | undefined>();

  function update(field: keyof DemographicsQuery, value: string) {
    setQuery((previous) => ({ ...previous, [field]: value }));
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (query.family.trim() === '' || query.birthdate === '') {
      setError('Enter at least a last name and a date of birth.');
      return;
    }
    setError(undefined);
    setError(await onSearch(query));
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <ErrorMessage id="demographics-error" message={error} />
      <div className="field-row">
        <div className="field">
          <label htmlFor="family">Last name</label>
          <input
            id="family"
            autoComplete="off"
            value={query.family}
            onChange={(event) => {
              update('family', event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="given">First name</label>
          <input
            id="given"
            autoComplete="off"
            value={query.given}
            onChange={(event) => {
              update('given', event.target.value);
            }}
          />
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="birthdate">Date of birth</label>
          <input
            id="birthdate"
            type="date"
            value={query.birthdate}
            onChange={(event) => {
              update('birthdate', event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="gender">Gender</label>
          <select
            id="gender"
            value={query.gender}
            onChange={(event) => {
              update('gender', event.target.value);
            }}
          >
            <option value="">Any</option>
            <option value="female">Female</option>
            <option value="male">Male</option>
            <option value="other">Other</option>
            <option value="unknown">Not known</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="postcode">Postcode</label>
          <input
            id="postcode"
            className="input--postcode"
            autoComplete="off"
            value={query.postcode}
            onChange={(event) => {
              update('postcode', event.target.value);
            }}
          />
        </div>
      </div>
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
