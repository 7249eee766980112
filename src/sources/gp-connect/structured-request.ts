/** @module The `Parameters` body of one GP Connect `$gpc.getstructuredrecord` call asking for every clinical area. */

/** A STU3 `Parameters.parameter` entry as GP Connect uses it. */
export interface GpcParameter {
  readonly name: string;
  readonly valueIdentifier?: { readonly system: string; readonly value: string };
  readonly valueBoolean?: boolean;
  readonly part?: readonly GpcParameter[];
}

/** The request body: a STU3 `Parameters` resource. */
export interface StructuredRecordParameters {
  readonly resourceType: 'Parameters';
  readonly parameter: readonly GpcParameter[];
}

export interface StructuredRequestOptions {
  /** Ask for diary entries (future recalls) too. Default true. */
  readonly includeDiaryEntries?: boolean;
}

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * Builds the one-call request for the whole record: allergies (resolved ones included),
 * medication (with issues), problems, consultations, immunisations, uncategorised data,
 * investigations, referrals and, optionally, diary entries.
 *
 * Why no filtering parts: the specification forbids other areas' filtering parts
 * (`medicationSearchFromDate`, `consultationSearchPeriod`, `includeNotGiven`, `referralSearchPeriod`, …)
 * whenever consultations or problems are requested — doing so gives `INVALID_PARAMETER`.
 * A top-level parameter may be sent without parts, so every area goes as a bare parameter
 * (the provider then returns the whole area) except the two parts that are not filters:
 * `includeResolvedAllergies`, mandatory when `includeAllergies` is present, and
 * `includePrescriptionIssues`. Unfiltered also means immunisations use their defaults
 * (not-given excluded, consent/dissent status included) and all problems, active and inactive.
 */
export function buildStructuredRecordRequest(
  nhsNumber: string,
  options: StructuredRequestOptions = {},
): StructuredRecordParameters {
  const parameter: GpcParameter[] = [
    { name: 'patientNHSNumber', valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
    { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
    {
      name: 'includeMedication',
      part: [{ name: 'includePrescriptionIssues', valueBoolean: true }],
    },
    { name: 'includeConsultations' },
    { name: 'includeProblems' },
    { name: 'includeImmunisations' },
    { name: 'includeUncategorisedData' },
    { name: 'includeInvestigations' },
    { name: 'includeReferrals' },
  ];
  if (options.includeDiaryEntries ?? true) parameter.push({ name: 'includeDiaryEntries' });
  return { resourceType: 'Parameters', parameter };
}
