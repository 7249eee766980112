/** @module The patient banner, NHS style: name, born (age), gender, NHS number, address, GP. */
import { useRef } from 'react';
import type { PatientSummary } from '../../api/patients.ts';
import { formatDate } from '../fhir-display.ts';
import {
  formatAddress,
  formatBorn,
  formatGender,
  formatPatientName,
  formatPatientNhsNumber,
} from '../patient-display.ts';
import { Fact } from './fact.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface PatientBannerProps {
  readonly patient: PatientSummary;
  readonly now: () => Date;
}

/** Always above the record so the clinician can confirm who they are looking at. */
export function PatientBanner({ patient, now }: PatientBannerProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(heading, patient.nhsNumber);
  const address = formatAddress(patient.address);
  const gp = patient.registeredGp;
  return (
    <section className="banner" aria-labelledby="patient-name">
      <div className="banner__top">
        <h1 id="patient-name" className="banner__name" ref={heading} tabIndex={-1}>
          {formatPatientName(patient.name)}
        </h1>
        {patient.restricted && <span className="tag tag--alert">Restricted record</span>}
        {patient.deceasedDateTime !== undefined && (
          <span className="tag tag--dark">Deceased {formatDate(patient.deceasedDateTime)}</span>
        )}
      </div>
      <dl className="banner__facts">
        <Fact term="Born">{formatBorn(patient, now())}</Fact>
        <Fact term="Gender">{formatGender(patient.gender)}</Fact>
        <Fact term="NHS number" className="nhs-number">
          {formatPatientNhsNumber(patient)}
        </Fact>
        {!patient.restricted && (
          <Fact term="Address">{address === '' ? 'Not known' : address}</Fact>
        )}
        <Fact term="Registered GP">
          {gp === undefined
            ? 'Not known'
            : gp.name === undefined
              ? gp.odsCode
              : `${gp.name} (${gp.odsCode})`}
        </Fact>
      </dl>
    </section>
  );
}
