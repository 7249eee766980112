/**
 * @module What every patient page is given, how a page tells that the session has ended, and how
 * a page fetches what it shows when it opens.
 */
import { useEffect, useState } from 'react';
import type { ApiError, ApiResult } from '../api-client.ts';
import { loaded, type Load } from '../load-state.ts';
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

/**
 * Fetches what a patient page shows when it opens, and again whenever `reloads` changes; a 401
 * ends the session instead. `read` is asked again whenever it changes, so pass a function defined
 * once (at module level), not one made afresh on each render.
 */
export function usePatientLoad<T>(
  { api, onSessionEnded }: PatientPageProps,
  read: (api: PatientApiClient) => Promise<ApiResult<T>>,
  reloads = 0,
): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ kind: 'loading' });
  useEffect(() => {
    let active = true;
    void read(api).then((result) => {
      if (!active) return;
      if (!result.ok && endsSession(result.error)) {
        onSessionEnded();
        return;
      }
      setLoad(loaded(result));
    });
    return () => {
      active = false;
    };
  }, [api, read, onSessionEnded, reloads]);
  return load;
}
