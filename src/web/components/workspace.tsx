/**
 * @module The signed-in workspace: find a patient, then view their record. The record has an
 * address per patient and tab (src/web/record-route.ts): Back and reload keep the patient and the
 * tab, the record asked for again through the permission check and audit.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import { newViewId, readRecordRoute, recordPath, type RecordRouteState } from '../record-route.ts';
import { PatientBanner } from './patient-banner.tsx';
import { PatientSearch } from './patient-search.tsx';
import { RecordPanel } from './record-panel.tsx';
import { viewById } from './record-views.tsx';
import type { Go, Route } from './use-route.ts';

export interface WorkspaceProps {
  readonly api: ApiClient;
  readonly route: Route;
  readonly go: Go;
  readonly now: () => Date;
  readonly onSessionEnded: () => void;
  /** Launched from an EHR: the patient in its context, opened at once (permission dialog first). */
  readonly launchNhsNumber?: string | undefined;
}

const ORPHAN_NOTICE =
  'That address does not say which patient it was for (it holds no patient details). Find the patient again.';

/**
 * Holds the chosen patient. Choosing another patient, or going back to search, unmounts the
 * record panel and with it every item of the previous patient's record.
 */
export function Workspace({
  api,
  route,
  go,
  now,
  onSessionEnded,
  launchNhsNumber,
}: WorkspaceProps) {
  const [patient, setPatient] = useState<PatientSummary | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [launching, setLaunching] = useState(launchNhsNumber !== undefined);
  const opened = readRecordRoute(route.path, route.state);
  const wanted = typeof opened === 'object' ? opened : undefined;

  const open = useCallback(
    (chosen: PatientSummary, replace = false) => {
      const state: RecordRouteState = {
        kind: 'record',
        viewId: newViewId(),
        nhsNumber: chosen.nhsNumber,
        tab: viewById(undefined).id,
      };
      setPatient(chosen);
      go(recordPath(state.viewId, state.tab), state, { replace });
    },
    [go],
  );

  // Launched from an EHR: open its patient in place of the search.
  useEffect(() => {
    if (launchNhsNumber === undefined) return;
    let live = true;
    void api.findByNhsNumber(launchNhsNumber).then((result) => {
      if (!live) return;
      const [only, ...others] = result.ok ? result.value : [];
      if (only !== undefined && others.length === 0) open(only, true);
      setLaunching(false);
    });
    return () => {
      live = false;
    };
  }, [api, launchNhsNumber, open]);

  // An address this tab knows nothing of: back to the search, saying why.
  useEffect(() => {
    if (opened !== 'orphan') return;
    setNotice(ORPHAN_NOTICE);
    go('/', null, { replace: true });
  }, [opened, go]);

  // Reload or Back to a record whose patient is not the one held: find them again (audited).
  const wantedNhsNumber = wanted?.nhsNumber;
  const heldNhsNumber = patient?.nhsNumber;
  useEffect(() => {
    if (wantedNhsNumber === undefined || wantedNhsNumber === heldNhsNumber) return;
    let live = true;
    setPatient(undefined);
    void api.findByNhsNumber(wantedNhsNumber).then((result) => {
      if (!live) return;
      if (!result.ok && result.error.status === 401) {
        onSessionEnded();
        return;
      }
      const [only, ...others] = result.ok ? result.value : [];
      if (only !== undefined && others.length === 0) setPatient(only);
      else {
        setNotice('The patient could not be found again. Search for them.');
        go('/', null, { replace: true });
      }
    });
    return () => {
      live = false;
    };
  }, [api, wantedNhsNumber, heldNhsNumber, go, onSessionEnded]);

  // Back at the search: the previous patient's details go too.
  useEffect(() => {
    if (opened === undefined && !launching) setPatient(undefined);
  }, [opened, launching]);

  if (launching) return <p role="status">Opening the patient from your system…</p>;

  if (wanted === undefined) {
    return (
      <>
        {notice !== undefined && (
          <p role="status" className="inset">
            {notice}
          </p>
        )}
        <PatientSearch
          api={api}
          now={now}
          onSelect={(chosen) => {
            setNotice(undefined);
            open(chosen);
          }}
          onSessionEnded={onSessionEnded}
        />
      </>
    );
  }
  if (patient === undefined || patient.nhsNumber !== wanted.nhsNumber) {
    return (
      <p role="status" className="loading">
        Opening the patient…
      </p>
    );
  }
  return (
    <div key={wanted.viewId}>
      <p className="back">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            go('/');
          }}
        >
          Find another patient
        </button>
      </p>
      <PatientBanner patient={patient} now={now} />
      <RecordPanel
        api={api}
        patient={patient}
        view={viewById(wanted.tab).id}
        onOpenView={(tab) => {
          if (tab === wanted.tab) return;
          go(recordPath(wanted.viewId, tab), { ...wanted, tab });
        }}
        onPatientUpdated={setPatient}
        onSessionEnded={onSessionEnded}
      />
    </div>
  );
}
