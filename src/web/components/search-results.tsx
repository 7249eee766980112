/** @module The list of patients a search found; each name is a button that opens the record. */
import { useEffect, useRef } from 'react';
import type { PatientSummary } from '../../api/patients.ts';
import {
  formatBorn,
  formatGender,
  formatPatientName,
  formatPatientNhsNumber,
} from '../patient-display.ts';
import { Fact } from './fact.tsx';

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
              <Fact term="NHS number" className="nhs-number">
                {formatPatientNhsNumber(patient)}
              </Fact>
              <Fact term="Born">{formatBorn(patient, now())}</Fact>
              <Fact term="Gender">{formatGender(patient.gender)}</Fact>
              {patient.address?.postcode !== undefined && !patient.restricted && (
                <Fact term="Postcode">{patient.address.postcode}</Fact>
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
