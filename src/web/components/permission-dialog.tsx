/**
 * @module The "Record permission" dialog: who gave permission and how, or the emergency
 * basis with its mandatory reason, and for how long.
 */
import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import type {
  EmergencyReasonCode,
  Permission,
  PermissionBasis,
  PermissionMethod,
  PermissionRequest,
} from '../../api/permissions.ts';
import { formatPatientName } from '../patient-display.ts';
import { ErrorMessage } from './error-message.tsx';

export interface PermissionDialogProps {
  readonly api: ApiClient;
  readonly patient: PatientSummary;
  readonly onCancel: () => void;
  readonly onRecorded: (permission: Permission) => void;
  readonly onSessionEnded: () => void;
}

/** The fixed list of emergency reasons, in the clinician's words. */
export const EMERGENCY_REASONS: readonly {
  readonly code: EmergencyReasonCode;
  readonly label: string;
}[] = [
  { code: 'patient-unconscious', label: 'The patient is unconscious' },
  { code: 'lacks-capacity', label: 'The patient lacks capacity to decide' },
  { code: 'life-threatening', label: 'The situation is life-threatening' },
  { code: 'other', label: 'Another emergency reason' },
];

/** How long a permission may last, in hours. */
export const DURATIONS: readonly { readonly hours: number; readonly label: string }[] = [
  { hours: 1, label: '1 hour' },
  { hours: 4, label: '4 hours' },
  { hours: 8, label: '8 hours' },
  { hours: 12, label: '12 hours' },
  { hours: 24, label: '24 hours' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
];

type Errors = Partial<Record<'givenByName' | 'reasonCode' | 'reason' | 'form', string>>;

/** A modal native `<dialog>`: focus stays inside until it is submitted or cancelled. */
export function PermissionDialog({
  api,
  patient,
  onCancel,
  onRecorded,
  onSessionEnded,
}: PermissionDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [basis, setBasis] = useState<PermissionBasis>('consent');
  const [givenBy, setGivenBy] = useState<'patient' | 'other'>('patient');
  const [givenByName, setGivenByName] = useState('');
  const [method, setMethod] = useState<PermissionMethod>('verbal');
  const [reasonCode, setReasonCode] = useState<EmergencyReasonCode | ''>('');
  const [reason, setReason] = useState('');
  const [durationHours, setDurationHours] = useState(24);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => {
      if (element?.open === true) element.close();
    };
  }, []);

  function validate(): Errors {
    const found: Errors = {};
    if (givenBy === 'other' && givenByName.trim() === '') {
      found.givenByName =
        'Enter the name of the person who gave permission and their relationship to the patient.';
    }
    if (basis === 'emergency') {
      if (reasonCode === '') found.reasonCode = 'Select the reason for emergency access.';
      if (reason.trim() === '')
        found.reason = 'Describe why the record is needed in this emergency.';
    }
    return found;
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const request: PermissionRequest = {
      basis,
      method,
      givenBy: givenBy === 'patient' ? 'patient' : givenByName.trim(),
      durationHours,
      ...(basis === 'emergency' && reasonCode !== '' ? { reasonCode, reason: reason.trim() } : {}),
    };
    setBusy(true);
    const result = await api.recordPermission(patient.nhsNumber, request);
    setBusy(false);
    if (result.ok) onRecorded(result.value);
    else if (result.error.status === 401) onSessionEnded();
    else setErrors({ form: result.error.message });
  }

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="permission-heading"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id="permission-heading">Record permission</h2>
        <p className="dialog__patient">
          To view the record of <strong>{formatPatientName(patient.name)}</strong>
        </p>
        <ErrorMessage id="permission-error" message={errors.form} />

        <fieldset className="fieldset">
          <legend>On what basis?</legend>
          <Radio
            name="basis"
            value="consent"
            checked={basis === 'consent'}
            onChange={() => {
              setBasis('consent');
            }}
          >
            Permission given to view the record
          </Radio>
          <Radio
            name="basis"
            value="emergency"
            checked={basis === 'emergency'}
            onChange={() => {
              setBasis('emergency');
            }}
          >
            Emergency: permission cannot be obtained
          </Radio>
        </fieldset>

        {basis === 'emergency' && (
          <div className="conditional">
            <div className={errors.reasonCode === undefined ? 'field' : 'field field--error'}>
              <label htmlFor="reason-code">Emergency reason</label>
              <ErrorMessage id="reason-code-error" message={errors.reasonCode} />
              <select
                id="reason-code"
                required
                aria-invalid={errors.reasonCode !== undefined}
                aria-describedby={errors.reasonCode === undefined ? undefined : 'reason-code-error'}
                value={reasonCode}
                onChange={(event) => {
                  setReasonCode(event.target.value as EmergencyReasonCode | '');
                }}
              >
                <option value="">Select a reason</option>
                {EMERGENCY_REASONS.map((r) => (
                  <option key={r.code} value={r.code}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            <div className={errors.reason === undefined ? 'field' : 'field field--error'}>
              <label htmlFor="reason">Details of the emergency</label>
              <ErrorMessage id="reason-error" message={errors.reason} />
              <textarea
                id="reason"
                rows={3}
                required
                aria-invalid={errors.reason !== undefined}
                aria-describedby={errors.reason === undefined ? undefined : 'reason-error'}
                value={reason}
                onChange={(event) => {
                  setReason(event.target.value);
                }}
              />
            </div>
          </div>
        )}

        <fieldset className="fieldset">
          <legend>Who gave permission?</legend>
          <Radio
            name="given-by"
            value="patient"
            checked={givenBy === 'patient'}
            onChange={() => {
              setGivenBy('patient');
            }}
          >
            The patient
          </Radio>
          <Radio
            name="given-by"
            value="other"
            checked={givenBy === 'other'}
            onChange={() => {
              setGivenBy('other');
            }}
          >
            Someone with authority to act for the patient
          </Radio>
          {givenBy === 'other' && (
            <div
              className={
                errors.givenByName === undefined
                  ? 'field conditional'
                  : 'field conditional field--error'
              }
            >
              <label htmlFor="given-by-name">Their name and relationship to the patient</label>
              <ErrorMessage id="given-by-name-error" message={errors.givenByName} />
              <input
                id="given-by-name"
                autoComplete="off"
                aria-invalid={errors.givenByName !== undefined}
                aria-describedby={
                  errors.givenByName === undefined ? undefined : 'given-by-name-error'
                }
                value={givenByName}
                onChange={(event) => {
                  setGivenByName(event.target.value);
                }}
              />
            </div>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>How was it given?</legend>
          <Radio
            name="method"
            value="verbal"
            checked={method === 'verbal'}
            onChange={() => {
              setMethod('verbal');
            }}
          >
            Verbally
          </Radio>
          <Radio
            name="method"
            value="written"
            checked={method === 'written'}
            onChange={() => {
              setMethod('written');
            }}
          >
            In writing
          </Radio>
        </fieldset>

        <div className="field">
          <label htmlFor="duration">How long it lasts</label>
          <select
            id="duration"
            value={durationHours}
            onChange={(event) => {
              setDurationHours(Number(event.target.value));
            }}
          >
            {DURATIONS.map((d) => (
              <option key={d.hours} value={d.hours}>
                {d.label}
              </option>
            ))}
          </select>
        </div>

        <div className="dialog__actions">
          <button type="submit" className="button" disabled={busy}>
            Record permission
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
        {busy && (
          <p role="status" className="loading">
            Recording…
          </p>
        )}
      </form>
    </dialog>
  );
}

interface RadioProps {
  readonly name: string;
  readonly value: string;
  readonly checked: boolean;
  readonly onChange: () => void;
  readonly children: string;
}

function Radio({ name, value, checked, onChange, children }: RadioProps) {
  const id = `${name}-${value}`;
  return (
    <div className="radio">
      <input id={id} type="radio" name={name} value={value} checked={checked} onChange={onChange} />
      <label htmlFor={id}>{children}</label>
    </div>
  );
}
