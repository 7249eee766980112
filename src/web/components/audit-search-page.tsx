/**
 * @module The auditors' search of the audit trail: filters, a results table newest first with
 * older entries a page at a time, and each entry's detail with its proof checked.
 */
import { useRef, useState, type SubmitEvent } from 'react';
import type { ApiClient, ApiError } from '../api-client.ts';
import {
  ACTION_LABELS,
  actionLabel,
  basisLabel,
  nhsNumberText,
  outcomeLabel,
  readEvent,
} from '../audit-display.ts';
import { formatDateTime } from '../fhir-display.ts';
import { normaliseNhsNumber, parseNhsNumber } from '../../identity/nhs-number.ts';
import type { AuditEntry as AuditEntryJson, AuditSearchQuery } from '../../api/audit.ts';
import { roleText } from '../role-text.ts';
import { AuditEntryDetail } from './audit-entry-detail.tsx';
import { DataTable, type ColumnHeading } from './data-table.tsx';
import { ErrorMessage } from './error-message.tsx';
import { IDENTIFIER_INPUT, NHS_NUMBER_INPUT, SelectField, TextField } from './form-fields.tsx';
import { RefusalMessage } from './refusal-message.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface AuditSearchPageProps {
  readonly api: ApiClient;
  readonly onSessionEnded: () => void;
}

/** The filters, in the order the form shows them: each one's field id and label. */
const FILTERS = {
  nhsNumber: { id: 'audit-nhs-number', label: 'Patient NHS number' },
  user: { id: 'audit-user', label: 'User' },
  organisation: { id: 'audit-organisation', label: 'Organisation (ODS code)' },
  from: { id: 'audit-from', label: 'From' },
  to: { id: 'audit-to', label: 'To' },
  action: { id: 'audit-action', label: 'Action' },
  outcome: { id: 'audit-outcome', label: 'Outcome' },
} as const;

/** What each filter holds ('' matches anything). */
type Form = Readonly<Record<keyof typeof FILTERS, string>>;

const EMPTY: Form = {
  nhsNumber: '',
  user: '',
  organisation: '',
  from: '',
  to: '',
  action: '',
  outcome: '',
};

interface Results {
  readonly query: AuditSearchQuery;
  /** Every entry fetched so far (the server applied every filter). */
  readonly fetched: readonly AuditEntryJson[];
  readonly nextBeforeSeq?: number | undefined;
}

const PAGE_SIZE = 50;

/** The search form, its results and the entry detail. */
export function AuditSearchPage({ api, onSessionEnded }: AuditSearchPageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<Results | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  useFocusOnMount(heading);

  /** A filter's control: its id, label and value, and what setting it does. */
  const filter = (field: keyof Form) => ({
    ...FILTERS[field],
    value: form[field],
    onChange: (value: string) => {
      setForm((current) => ({ ...current, [field]: value }));
    },
  });

  async function fetchPage(query: AuditSearchQuery, before: Results | undefined) {
    setBusy(true);
    setError(undefined);
    const result = await api.searchAudit(query);
    setBusy(false);
    if (!result.ok) {
      if (result.error.status === 401) onSessionEnded();
      setError(result.error);
      return;
    }
    setResults({
      query,
      fetched: [...(before?.fetched ?? []), ...result.value.entries],
      nextBeforeSeq: result.value.nextBeforeSeq,
    });
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    let nhsNumber: string | undefined;
    if (form.nhsNumber.trim() !== '') {
      const parsed = parseNhsNumber(form.nhsNumber);
      if (!parsed.ok) {
        setFieldError(parsed.message);
        return;
      }
      nhsNumber = normaliseNhsNumber(form.nhsNumber);
    }
    if (form.from !== '' && form.to !== '' && form.to < form.from) {
      setFieldError('The end date must be on or after the start date.');
      return;
    }
    setFieldError(undefined);
    setSelected(undefined);
    const query: AuditSearchQuery = {
      ...(nhsNumber === undefined ? {} : { nhsNumber }),
      ...(form.user.trim() === '' ? {} : { user: form.user.trim() }),
      ...(form.action === '' ? {} : { action: form.action }),
      // Organisation and outcome are matched by the server, across the whole trail.
      ...(form.organisation.trim() === '' ? {} : { organisation: form.organisation.trim() }),
      ...(form.outcome === 'success' || form.outcome === 'denied' || form.outcome === 'failure'
        ? { outcome: form.outcome }
        : {}),
      // Whole days, in UTC as the audit records time.
      ...(form.from === '' ? {} : { from: `${form.from}T00:00:00.000Z` }),
      ...(form.to === '' ? {} : { to: `${form.to}T23:59:59.999Z` }),
      limit: PAGE_SIZE,
    };
    await fetchPage(query, undefined);
    resultsHeading.current?.focus();
  }

  const shown = results?.fetched ?? [];

  if (selected !== undefined) {
    return (
      <div>
        <p className="back">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              const seq = selected;
              setSelected(undefined);
              queueMicrotask(() => document.getElementById(`open-entry-${seq}`)?.focus());
            }}
          >
            Back to the results
          </button>
        </p>
        <AuditEntryDetail api={api} seq={selected} onSessionEnded={onSessionEnded} />
      </div>
    );
  }

  return (
    <div>
      <h1 ref={heading} tabIndex={-1}>
        Audit trail
      </h1>
      <p className="lede">
        Every sign-in, search, permission and record view, newest first. Searching is itself
        recorded in the audit trail.
      </p>
      <form className="filters" onSubmit={(event) => void submit(event)} noValidate>
        <ErrorMessage id="audit-filter-error" message={fieldError} />
        <div className="filters__grid">
          <TextField {...NHS_NUMBER_INPUT} {...filter('nhsNumber')} />
          <TextField
            hint="Their sign-in name (for example gp) or user id"
            {...IDENTIFIER_INPUT}
            {...filter('user')}
          />
          <TextField className="input--short" {...IDENTIFIER_INPUT} {...filter('organisation')} />
          <TextField type="date" {...filter('from')} />
          <TextField type="date" {...filter('to')} />
          <SelectField {...filter('action')}>
            <option value="">Any action</option>
            {Object.entries(ACTION_LABELS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField {...filter('outcome')}>
            <option value="">Any outcome</option>
            <option value="success">Success</option>
            <option value="denied">Refused</option>
            <option value="failure">Failed</option>
          </SelectField>
        </div>
        <p className="hint">Dates are whole days in UTC. Leave a filter empty to match anything.</p>
        <button type="submit" className="button" disabled={busy}>
          Search the audit trail
        </button>
      </form>
      <RefusalMessage error={error} doing="search the audit trail" />
      {busy && (
        <p role="status" className="loading">
          Searching…
        </p>
      )}
      {results !== undefined && (
        <section aria-labelledby="audit-results-heading">
          <h2 id="audit-results-heading" ref={resultsHeading} tabIndex={-1}>
            {shown.length === 0 ? 'No entries found' : `${shown.length} entries`}
          </h2>
          {shown.length > 0 && <ResultsTable entries={shown} onOpen={setSelected} />}
          {results.nextBeforeSeq !== undefined && (
            <button
              type="button"
              className="button button--secondary"
              disabled={busy}
              onClick={() =>
                void fetchPage({ ...results.query, beforeSeq: results.nextBeforeSeq }, results)
              }
            >
              Show older entries
            </button>
          )}
        </section>
      )}
    </div>
  );
}

const RESULT_COLUMNS: readonly ColumnHeading[] = [
  'Time',
  'User',
  'Role',
  'Organisation',
  'Action',
  'Patient',
  'Outcome',
  'Basis',
  { unseen: 'Entry' },
];

function ResultsTable({
  entries,
  onOpen,
}: {
  entries: readonly AuditEntryJson[];
  onOpen: (seq: number) => void;
}) {
  return (
    <DataTable columns={RESULT_COLUMNS}>
      {entries.map((entry) => {
        const event = readEvent(entry.event);
        return (
          <tr key={entry.seq}>
            <td className="nowrap">
              <time dateTime={event.time}>{formatDateTime(event.time)}</time>
            </td>
            <td>{event.actor?.name ?? '—'}</td>
            <td>{event.actor === undefined ? '—' : roleText(event.actor.role)}</td>
            <td>{event.actor?.organisation ?? '—'}</td>
            <td>{actionLabel(event.action)}</td>
            <td className="nowrap">{nhsNumberText(event.nhsNumber)}</td>
            <td>
              <span className={`tag tag--${event.outcome === 'success' ? 'good' : 'alert'}`}>
                {outcomeLabel(event.outcome)}
              </span>
            </td>
            <td>{basisLabel(event.basis)}</td>
            <td className="nowrap">
              <button
                id={`open-entry-${entry.seq}`}
                type="button"
                className="link-button"
                onClick={() => {
                  onOpen(entry.seq);
                }}
              >
                Entry {entry.seq}
              </button>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
