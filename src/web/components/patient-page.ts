/** @module What every patient page is given, and how a page tells that the session has ended. */
import type { ApiError } from '../api-client.ts';
import type { PatientApiClient } from '../patient-api-client.ts';

export interface PatientPageProps {
  readonly api: PatientApiClient;
  /** A call answered 401: the session has ended. */
  readonly onSessionEnded: () => void;
}

/** A 401 ends the session; anything else is the page's to show. */
export function endsSession(error: ApiError): boolean {
  return error.status === 401;
}
