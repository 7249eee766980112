/**
 * @module The two ways to be allowed to view a record, each its own dialog: "Record permission"
 * (who gave it, how, for how long) and "Emergency access" (a reason code and what the emergency
 * is, for at most the configured hours; no consent questions). Every choice offered (reasons,
 * durations, defaults) comes from the server (`GET /api/permission-options`), so neither dialog
 * can offer what the server would refuse.
 */
import { useEffect, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import type {
  DurationChoices,
  Permission,
  PermissionMethod,
  PermissionOptions,
  PermissionRequest,
} from '../../api/permissions.ts';
import { formatPatientName } from '../patient-display.ts';
import { ErrorMessage } from './error-message.tsx';
import { ActionOrCancel } from './form-fields.tsx';

/** Which dialog is open. */
export type PermissionKind = 'consent' | 'emergency';

export interface PermissionDialogProps {
  readonly api: ApiClient;
  readonly patient: PatientSummary;
  /** The dialog to open first; the consent dialog offers emergency access instead. */
  readonly kind: PermissionKind;
  readonly onCancel: () => void;
  readonly onRecorded: (permission: Permission) => void;
  readonly onSessionEnded: () => void;
}

type Errors = Partial<Record<'givenByName' | 'reasonCode' | 'reason' | 'form', string>>;

/** A duration in words: `4 hours`, `3 days`. */
export function durationLabel(hours: number): string {
  if (hours % 24 === 0 && hours >= 48) return `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** Loads the server's options, then shows the chosen dialog (a modal native `<dialog>`). */
export function PermissionDialog(props: PermissionDialogProps) {
  const { api, onSessionEnded } = props;
  const [kind, setKind] = useState<PermissionKind>(props.kind);
  const [options, setOptions] = useState<PermissionOptions | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    void api.getPermissionOptions().then((result) => {
      if (!live) return;
      if (result.ok) setOptions(result.value);
      else if (result.error.status === 401) onSessionEnded();
      else setLoadError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, onSessionEnded]);

  const title = kind === 'emergency' ? 'Emergency access' : 'Record permission';
  return (
    <Modal key={kind} title={title} onCancel={props.onCancel}>
      <p className="dialog__patient">
        To view the record of <strong>{formatPatientName(props.patient.name)}</strong>
      </p>
      {options === undefined && loadError === undefined && (
        <p role="status" className="loading">
          Loading the choices…
        </p>
      )}
      {loadError !== undefined && (
        <>
          <ErrorMessage id="permission-error" message={loadError} />
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={props.onCancel}>
              Cancel
            </button>
          </div>
        </>
      )}
      {options !== undefined && kind === 'consent' && (
        <ConsentForm
          {...props}
          durations={options.consent}
          onEmergency={() => {
            setKind('emergency');
          }}
        />
      )}
      {options !== undefined && kind === 'emergency' && (
        <EmergencyForm {...props} options={options.emergency} />
      )}
    </Modal>
  );
}

function Modal({
  title,
  onCancel,
  children,
}: {
  readonly title: string;
  readonly onCancel: () => void;
  readonly children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => {
      if (element?.open === true) element.close();
    };
  }, []);
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
      <h2 id="permission-heading">{title}</h2>
      {children}
    </dialog>
  );
}

/** Sends the request; a refusal is shown in the server's words. */
function useSubmit(
  { api, patient, onRecorded, onSessionEnded }: PermissionDialogProps,
  setErrors: (errors: Errors) => void,
) {
  const [busy, setBusy] = useState(false);
  async function send(request: PermissionRequest) {
    setBusy(true);
    const result = await api.recordPermission(patient.nhsNumber, request);
    setBusy(false);
    if (result.ok) onRecorded(result.value);
    else if (result.error.status === 401) onSessionEnded();
    else setErrors({ form: result.error.message });
  }
  return { busy, send };
}

function ConsentForm(
  props: PermissionDialogProps & {
    readonly durations: DurationChoices;
    readonly onEmergency: () => void;
  },
) {
  const { durations, onCancel, onEmergency } = props;
  const [givenBy, setGivenBy] = useState<'patient' | 'other'>('patient');
  const [givenByName, setGivenByName] = useState('');
  const [method, setMethod] = useState<PermissionMethod>('verbal');
  const [durationHours, setDurationHours] = useState(durations.defaultHours);
  const [errors, setErrors] = useState<Errors>({});
  const { busy, send } = useSubmit(props, setErrors);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Errors = {};
    if (givenBy === 'other' && givenByName.trim() === '') {
      found.givenByName =
        'Enter the name of the person who gave permission and their relationship to the patient.';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await send({
      basis: 'consent',
      method,
      givenBy: givenBy === 'patient' ? 'patient' : givenByName.trim(),
      durationHours,
    });
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <ErrorMessage id="permission-error" message={errors.form} />
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
      <Duration choices={durations} value={durationHours} onChange={setDurationHours} />
      <ActionOrCancel
        className="dialog__actions"
        action="Record permission"
        disabled={busy}
        onCancel={onCancel}
      />
      <p className="dialog__alternative">
        Permission cannot be obtained in an emergency?{' '}
        <button type="button" className="link-button" onClick={onEmergency}>
          Use emergency access instead
        </button>
      </p>
      {busy && (
        <p role="status" className="loading">
          Recording…
        </p>
      )}
    </form>
  );
}

function EmergencyForm(
  props: PermissionDialogProps & { readonly options: PermissionOptions['emergency'] },
) {
  const { options, onCancel } = props;
  const [reasonCode, setReasonCode] = useState('');
  const [reason, setReason] = useState('');
  const [durationHours, setDurationHours] = useState(options.defaultHours);
  const [errors, setErrors] = useState<Errors>({});
  const { busy, send } = useSubmit(props, setErrors);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Errors = {};
    if (!options.reasons.some((r) => r.code === reasonCode)) {
      found.reasonCode = 'Select the reason for emergency access.';
    }
    if (reason.trim() === '') found.reason = 'Describe why the record is needed in this emergency.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await send({ basis: 'emergency', reasonCode, reason: reason.trim(), durationHours });
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <p className="inset inset--warning">
        Use emergency access only when the patient cannot give permission and the record is needed
        now. It is reviewed by your privacy officer, and the patient may be told.
      </p>
      <ErrorMessage id="permission-error" message={errors.form} />
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
            setReasonCode(event.target.value);
          }}
        >
          <option value="">Select a reason</option>
          {options.reasons.map((r) => (
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
      <Duration choices={options} value={durationHours} onChange={setDurationHours} />
      <ActionOrCancel
        className="dialog__actions"
        action="Record emergency access"
        warning
        disabled={busy}
        onCancel={onCancel}
      />
      {busy && (
        <p role="status" className="loading">
          Recording…
        </p>
      )}
    </form>
  );
}

function Duration({
  choices,
  value,
  onChange,
}: {
  readonly choices: DurationChoices;
  readonly value: number;
  readonly onChange: (hours: number) => void;
}) {
  return (
    <div className="field">
      <label htmlFor="duration">How long it lasts</label>
      <p className="hint" id="duration-hint">
        At most {durationLabel(choices.maxHours)}.
      </p>
      <select
        id="duration"
        aria-describedby="duration-hint"
        value={value}
        onChange={(event) => {
          onChange(Number(event.target.value));
        }}
      >
        {choices.hours.map((hours) => (
          <option key={hours} value={hours}>
            {durationLabel(hours)}
          </option>
        ))}
      </select>
    </div>
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
