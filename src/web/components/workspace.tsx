/** @module The signed-in workspace: find a patient, then view their record. */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import { PatientBanner } from './patient-banner.tsx';
import { PatientSearch } from './patient-search.tsx';
import { RecordPanel } from './record-panel.tsx';

export interface WorkspaceProps {
  readonly api: ApiClient;
  readonly now: () => Date;
  readonly onSessionEnded: () => void;
  /** Launched from an EHR: the patient in its context, opened at once (permission dialog first). */
  readonly launchNhsNumber?: string | undefined;
}

/**
 * Holds the chosen patient. Choosing another patient, or going back to search, unmounts the
 * record panel and with it every item of the previous patient's record.
 */
export function Workspace({ api, now, onSessionEnded, launchNhsNumber }: WorkspaceProps) {
  const [patient, setPatient] = useState<PatientSummary | undefined>();
  const [opening, setOpening] = useState(launchNhsNumber !== undefined);

  useEffect(() => {
    if (launchNhsNumber === undefined) return;
    let live = true;
    void api.findByNhsNumber(launchNhsNumber).then((result) => {
      if (!live) return;
      const [only, ...others] = result.ok ? result.value : [];
      if (only !== undefined && others.length === 0) setPatient(only);
      setOpening(false);
    });
    return () => {
      live = false;
    };
  }, [api, launchNhsNumber]);

  if (opening) return <p role="status">Opening the patient from your system…</p>;

  if (patient === undefined) {
    return (
      <PatientSearch api={api} now={now} onSelect={setPatient} onSessionEnded={onSessionEnded} />
    );
  }
  return (
    <div key={patient.nhsNumber}>
      <p className="back">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setPatient(undefined);
          }}
        >
          Find another patient
        </button>
      </p>
      <PatientBanner patient={patient} now={now} />
      <RecordPanel
        api={api}
        patient={patient}
        onPatientUpdated={setPatient}
        onSessionEnded={onSessionEnded}
      />
    </div>
  );
}
