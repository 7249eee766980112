/** @module The signed-in workspace: find a patient, then view their record. */
import { useState } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { PatientSummary } from '../api-types.ts';
import { PatientBanner } from './patient-banner.tsx';
import { PatientSearch } from './patient-search.tsx';
import { RecordPanel } from './record-panel.tsx';

export interface WorkspaceProps {
  readonly api: ApiClient;
  readonly now: () => Date;
  readonly onSessionEnded: () => void;
}

/**
 * Holds the chosen patient. Choosing another patient, or going back to search, unmounts the
 * record panel and with it every item of the previous patient's record.
 */
export function Workspace({ api, now, onSessionEnded }: WorkspaceProps) {
  const [patient, setPatient] = useState<PatientSummary | undefined>();

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
