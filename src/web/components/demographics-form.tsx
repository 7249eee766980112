/** @module Search by demographics: last name, first name, date of birth, gender, postcode. */
import { useState, type SubmitEvent } from 'react';
import type { DemographicsQuery } from '../../api/patients.ts';
import { ErrorMessage } from './error-message.tsx';
import { SelectField, TextField } from './form-fields.tsx';

export interface DemographicsFormProps {
  /** Searches; resolves to an error message to show, if any. */
  readonly onSearch: (query: DemographicsQuery) => Promise<string | undefined>;
}

const EMPTY: DemographicsQuery = { family: '', given: '', birthdate: '', gender: '', postcode: '' };

/** A demographic search needs at least a last name and a date of birth. */
export function DemographicsForm({ onSearch }: DemographicsFormProps) {
  const [query, setQuery] = useState<DemographicsQuery>(EMPTY);
  const [error, setError] = useState<string | undefined>();

  /** A field's control: its id is the query's field name. */
  function bind(field: keyof DemographicsQuery) {
    return {
      id: field,
      value: query[field],
      onChange: (value: string) => {
        setQuery((previous) => ({ ...previous, [field]: value }));
      },
    };
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
        <TextField label="Last name" autoComplete="off" {...bind('family')} />
        <TextField label="First name" autoComplete="off" {...bind('given')} />
      </div>
      <div className="field-row">
        <TextField label="Date of birth" type="date" {...bind('birthdate')} />
        <SelectField label="Gender" {...bind('gender')}>
          <option value="">Any</option>
          <option value="female">Female</option>
          <option value="male">Male</option>
          <option value="other">Other</option>
          <option value="unknown">Not known</option>
        </SelectField>
        <TextField
          label="Postcode"
          className="input--postcode"
          autoComplete="off"
          {...bind('postcode')}
        />
      </div>
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
