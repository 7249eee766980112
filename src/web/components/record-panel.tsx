/**
 * @module Loads one patient's record, asking for permission when the server needs it, and
 * lets the clinician withdraw that permission. Holds the record only in component state.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient, ApiError, DocumentRef } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import type { RecordView } from '../../api/record.ts';
import {
  applyCompleteEvent,
  applySourceEvent,
  applyStreamFailure,
  startStreamingRecord,
  streamErrorMessage,
  type PendingSource,
  type StreamingRecord,
} from '../record-stream.ts';
import { ErrorMessage } from './error-message.tsx';
import { PermissionDialog, type PermissionKind } from './permission-dialog.tsx';
import { DocumentOpenerContext } from '../document-opener.ts';
import { RecordViewer } from './record-viewer.tsx';

export interface RecordPanelProps {
  readonly api: ApiClient;
  readonly patient: PatientSummary;
  /** The open view's id (from the page's address). */
  readonly view: string;
  readonly onOpenView: (id: string) => void;
  readonly onPatientUpdated: (patient: PatientSummary) => void;
  readonly onSessionEnded: () => void;
}

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'needs-permission'; readonly notice?: string | undefined }
  | { readonly kind: 'dissent'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'loaded';
      readonly record: RecordView;
      readonly pending: readonly PendingSource[];
      readonly failure?: string | undefined;
    };

function isWholePatient(value: unknown, nhsNumber: string): value is PatientSummary {
  if (typeof value !== 'object' || value === null) return false;
  const patient = value as Partial<Record<keyof PatientSummary, unknown>>;
  return (
    patient.nhsNumber === nhsNumber && typeof patient.name === 'object' && patient.name !== null
  );
}

/** The part of the patient page below the banner. */
export function RecordPanel({
  api,
  patient,
  view,
  onOpenView,
  onPatientUpdated,
  onSessionEnded,
}: RecordPanelProps) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [dialogKind, setDialogKind] = useState<PermissionKind>('consent');
  const reopenEmergency = useRef<HTMLButtonElement>(null);
  const [withdrawError, setWithdrawError] = useState<string | undefined>();
  const latest = useRef(0);
  const reopen = useRef<HTMLButtonElement>(null);
  const nhsNumber = patient.nhsNumber;
  const openDocument = useMemo(() => {
    const opener = api.openDocument?.bind(api);
    return opener === undefined ? undefined : (item: DocumentRef) => opener(nhsNumber, item);
  }, [api, nhsNumber]);

  const stopStream = useRef<(() => void) | undefined>(undefined);

  const refreshBanner = useCallback(
    (traced: unknown) => {
      // Refresh the banner from the trace done for this view, if it came back whole.
      if (isWholePatient(traced, nhsNumber)) onPatientUpdated(traced);
    },
    [nhsNumber, onPatientUpdated],
  );

  /** Shows why the server refused the view, in its own words. */
  const showRefusal = useCallback(
    (error: ApiError, openDialog: boolean, notice?: string) => {
      const { status, code, message } = error;
      if (status === 401) {
        onSessionEnded();
      } else if (code === 'PERMISSION_REQUIRED') {
        setState({ kind: 'needs-permission', notice });
        setDialogOpen(openDialog);
      } else if (code === 'DISSENT') {
        setState({ kind: 'dissent', message });
      } else {
        setState({ kind: 'error', message });
      }
    },
    [onSessionEnded],
  );

  const loadPlain = useCallback(
    async (request: number, openDialog: boolean, notice?: string) => {
      const result = await api.getRecord(nhsNumber);
      if (request !== latest.current) return;
      if (result.ok) {
        setState({ kind: 'loaded', record: result.value, pending: [] });
        refreshBanner(result.value.patient);
        return;
      }
      showRefusal(result.error, openDialog, notice);
    },
    [api, nhsNumber, refreshBanner, showRefusal],
  );

  /**
   * Streams the record, showing each source as it answers. A refusal is read from the stream's
   * own answer, so a refused view is asked for (and audited) once. Only a client that cannot
   * stream uses the plain endpoint.
   */
  const load = useCallback(
    async (openDialog: boolean, notice?: string) => {
      const request = ++latest.current;
      stopStream.current?.();
      stopStream.current = undefined;
      setState({ kind: 'loading' });
      if (api.streamRecord === undefined) {
        await loadPlain(request, openDialog, notice);
        return;
      }
      let current: StreamingRecord | undefined;
      const show = (next: StreamingRecord): void => {
        current = next;
        if (request !== latest.current) return;
        setState({
          kind: 'loaded',
          record: next.record,
          pending: next.pending,
          failure: next.failure,
        });
      };
      stopStream.current = api.streamRecord(nhsNumber, {
        started(data) {
          const started = startStreamingRecord(data);
          if (started === undefined) {
            stopStream.current?.();
            if (request === latest.current) {
              setState({ kind: 'error', message: 'The record could not be read. Try again.' });
            }
            return;
          }
          show(started);
          refreshBanner(started.record.patient);
        },
        source(data) {
          if (current !== undefined) show(applySourceEvent(current, data));
        },
        complete(data) {
          if (current !== undefined) show(applyCompleteEvent(current, data));
        },
        refused(error) {
          if (request === latest.current) showRefusal(error, openDialog, notice);
        },
        failed(data) {
          if (request !== latest.current) return;
          if (current === undefined) setState({ kind: 'error', message: streamErrorMessage(data) });
          else show(applyStreamFailure(current, streamErrorMessage(data)));
        },
      });
    },
    [api, nhsNumber, loadPlain, refreshBanner, showRefusal],
  );

  useEffect(() => {
    void load(true);
    return () => {
      latest.current += 1;
      stopStream.current?.();
    };
    // Loads once per patient: the workspace remounts this panel for another patient.
  }, []);

  async function withdraw(permissionId: string) {
    setWithdrawError(undefined);
    const result = await api.withdrawPermission(permissionId);
    if (!result.ok) {
      if (result.error.status === 401) onSessionEnded();
      else setWithdrawError(result.error.message);
      return;
    }
    await load(false, 'Permission withdrawn. The record is no longer shown.');
  }

  return (
    <div className="record-panel">
      {state.kind === 'loading' && (
        <p role="status" className="loading">
          Asking each system for this patient&rsquo;s record…
        </p>
      )}
      {state.kind === 'needs-permission' && (
        <section className="panel panel--action" aria-labelledby="permission-needed">
          <h2 id="permission-needed">Permission needed</h2>
          {state.notice !== undefined && (
            <p role="status" className="inset">
              {state.notice}
            </p>
          )}
          <p>
            Before the record is shown, record the patient&rsquo;s permission, or the emergency
            reason if they cannot give it.
          </p>
          <div className="button-row">
            <button
              ref={reopen}
              type="button"
              className="button"
              onClick={() => {
                setDialogKind('consent');
                setDialogOpen(true);
              }}
            >
              Enter permission details
            </button>
            <button
              ref={reopenEmergency}
              type="button"
              className="button button--warning"
              onClick={() => {
                setDialogKind('emergency');
                setDialogOpen(true);
              }}
            >
              Emergency access
            </button>
          </div>
        </section>
      )}
      {state.kind === 'dissent' && (
        <section className="panel panel--warning" aria-labelledby="dissent-heading">
          <h2 id="dissent-heading">This record cannot be shared</h2>
          <p>{state.message}</p>
          <p>
            The patient has said they do not want their record shared. Their choice stands here.
          </p>
        </section>
      )}
      {state.kind === 'error' && (
        <section className="panel panel--warning" aria-labelledby="record-error-heading">
          <h2 id="record-error-heading">The record could not be shown</h2>
          <ErrorMessage message={state.message} />
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void load(true)}
          >
            Try again
          </button>
        </section>
      )}
      {state.kind === 'loaded' && (
        <DocumentOpenerContext.Provider value={openDocument}>
          <RecordViewer
            record={state.record}
            pending={state.pending}
            failure={state.failure}
            view={view}
            onOpenView={onOpenView}
            withdrawError={withdrawError}
            onWithdraw={() => void withdraw(state.record.permission.id)}
            onPrint={(scope) => api.printRecord(nhsNumber, scope)}
          />
        </DocumentOpenerContext.Provider>
      )}
      {dialogOpen && (
        <PermissionDialog
          api={api}
          patient={patient}
          kind={dialogKind}
          onCancel={() => {
            setDialogOpen(false);
            // The modal has gone once React commits; put focus back where the clinician was.
            const back = dialogKind === 'emergency' ? reopenEmergency : reopen;
            queueMicrotask(() => back.current?.focus());
          }}
          onRecorded={() => {
            setDialogOpen(false);
            void load(false);
          }}
          onSessionEnded={onSessionEnded}
        />
      )}
    </div>
  );
}
