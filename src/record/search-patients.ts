/**
 * @module Finding a patient, as steps: access → the search terms read → the national
 * demographics service asked → the search audited (how the user searched and whom it found; the
 * demographic terms themselves are not kept) before any answer is given.
 */
import { Forbidden } from '../access/access-errors.ts';
import type { User } from '../access/user.ts';
import { auditedAction, type ActionRequest } from '../audit/audited-action.ts';
import type { AuditEvent } from '../audit/audit-event.ts';
import type { DemographicsQuery } from '../identity/demographics-client.ts';
import type { PatientFinder, PatientSearchResult } from '../identity/patient-finder.ts';

/** What the user searched by: a validated NHS number, or demographics. */
export type PatientSearchTerms =
  | { readonly nhsNumber: string }
  | { readonly nhsNumber?: undefined; readonly demographics: DemographicsQuery };

export interface SearchPatientsRequest extends ActionRequest {
  /**
   * Reads the terms (throwing the caller's own error when they are unusable), called only once
   * the role may search: a refused user is refused whatever they typed.
   */
  readonly terms: () => PatientSearchTerms;
}

export interface SearchPatientsDeps {
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly now: () => Date;
  readonly mayViewRecords: (user: User) => boolean;
  readonly patients: Pick<PatientFinder, 'byNhsNumber' | 'search'>;
}

/** The most matched NHS numbers one audit entry names. */
const MATCHES_AUDITED = 100;

/**
 * Answers what the demographics service found. Throws Forbidden (audited), the terms'
 * own error, or the audit's error (then nothing is answered).
 */
export function createSearchPatients(deps: SearchPatientsDeps) {
  return async function searchPatients(
    request: SearchPatientsRequest,
  ): Promise<PatientSearchResult> {
    const audited = auditedAction(deps, request);

    // access: only a role that may view records may look for whose record to view.
    if (!deps.mayViewRecords(request.user)) {
      await audited.deny(
        { attempted: 'patient-search', reasonCode: 'role-not-allowed' },
        new Forbidden(),
      );
    }

    // the terms, then the demographics service.
    const terms = request.terms();
    const { nhsNumber } = terms;
    const result =
      nhsNumber === undefined
        ? await deps.patients.search(terms.demographics)
        : await deps.patients.byNhsNumber(nhsNumber);

    // audit: how the user searched and whom it found; no entry, no answer.
    const found = result.kind === 'matches' ? result.patients : [];
    await deps.audit.append({
      ...audited.fields(nhsNumber),
      action: 'patient-search',
      outcome: result.kind === 'matches' ? 'success' : 'failure',
      searchType: nhsNumber === undefined ? 'demographics' : 'nhs-number',
      resultCount: found.length,
      matchedNhsNumbers: found.map((patient) => patient.nhsNumber).slice(0, MATCHES_AUDITED),
    });
    return result;
  };
}
