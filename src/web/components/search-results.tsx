/** @module The list of patients a search found; each name is a button that opens the record. */
import { useEffect, useRef } from 'react';
import type { PatientSummary } from '../../api/patients.ts';
import {
  formatBorn,
  formatGender,
  formatPatientName,
  formatPatientNhsNumber,
} from '../patient-display.ts';

export interface SearchResultsProps {
  readonly patients: readonly PatientSummary[];
  readonly now: () => Date;
  readonly onSelect: (patient: PatientSummary) => void;
}

/** Announces the number found and moves focus to it. */
export function SearchResults({ patients, now, onSelect }: SearchResultsProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [patients]);
  const count = patients.length;
  return (
    <section className="results" aria-labelledby="results-heading">
      <h2 id="results-heading" ref={heading} tabIndex={-1}>
        {count === 0 ? 'No patients found' : `${count} patient${count === 1 ? '' : 's'} found`}
      </h2>
      {count === 0 && <p>Check the details and try again.</p>}
      <ul className="results__list">
        {patients.map((patient) => (
          <li key={patient.nhsNumber} className="results__item">
            <button
              type="button"
              className="link-button results__name"
              onClick={() => {
                onSelect(patient);
              }}
            >
              {formatPatientName(patient.name)}
            </button>
            <dl className="results__facts">
              <div>
                <dt>NHS number</dt>
                <dd className="nhs-number">{formatPatientNhsNumber(patient)}</dd>
              </div>
              <div>
                <dt>Born</dt>
                <dd>{formatBorn(patient, now())}</dd>
              </div>
              <div>
                <dt>Gender</dt>
                <dd>{formatGender(patient.gender)}</dd>
              </div>
              {patient.address?.postcode !== undefined && !patient.restricted && (
                <div>
                  <dt>Postcode</dt>
                  <dd>{patient.address.postcode}</dd>
                </div>
              )}
            </dl>
            {patient.restricted && <span className="tag tag--alert">Restricted record</span>}
            {patient.deceasedDateTime !== undefined && (
              <span className="tag tag--dark">Deceased</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
