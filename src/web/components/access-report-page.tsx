/**
 * @module The patient access report: for one NHS number, who viewed the record (or tried to),
 * when, from which organisation and role, on what basis — with a chart per day and a printable
 * version for answering a patient's request.
 */
import { useRef, useState, type RefObject, type SubmitEvent } from 'react';
import type { ApiClient, ApiError } from '../api-client.ts';
import { basisLabel, nhsNumberText, outcomeLabel, reasonLabel } from '../audit-display.ts';
import { formatDateTime } from '../fhir-display.ts';
import { normaliseNhsNumber, parseNhsNumber } from '../../identity/nhs-number.ts';
import type { AccessReport as AccessReportJson } from '../../api/audit.ts';
import { roleText } from '../role-text.ts';
import { AccessChart } from './access-chart.tsx';
import { DataTable } from './data-table.tsx';
import { ErrorMessage } from './error-message.tsx';
import { NHS_NUMBER_INPUT, TextField } from './form-fields.tsx';
import { RefusalMessage } from './refusal-message.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface AccessReportPageProps {
  readonly api: ApiClient;
  readonly onSessionEnded: () => void;
}

/** The form, then the report. */
export function AccessReportPage({ api, onSessionEnded }: AccessReportPageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const reportHeading = useRef<HTMLHeadingElement>(null);
  const [nhsNumber, setNhsNumber] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<AccessReportJson | undefined>();
  useFocusOnMount(heading);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseNhsNumber(nhsNumber);
    if (!parsed.ok) {
      setFieldError(parsed.message);
      return;
    }
    if (from !== '' && to !== '' && to < from) {
      setFieldError('The end date must be on or after the start date.');
      return;
    }
    setFieldError(undefined);
    setError(undefined);
    setBusy(true);
    setReport(undefined);
    const result = await api.getAccessReport(normaliseNhsNumber(nhsNumber), {
      ...(from === '' ? {} : { from: `${from}T00:00:00.000Z` }),
      ...(to === '' ? {} : { to: `${to}T23:59:59.999Z` }),
    });
    setBusy(false);
    if (!result.ok) {
      if (result.error.status === 401) onSessionEnded();
      setError(result.error);
      return;
    }
    setReport(result.value);
    queueMicrotask(() => reportHeading.current?.focus());
  }

  return (
    <div>
      <div className="no-print">
        <h1 ref={heading} tabIndex={-1}>
          Record access report
        </h1>
        <p className="lede">
          Who looked at a patient&rsquo;s record, or tried to: for answering &ldquo;who has seen my
          record?&rdquo;. Producing a report is recorded in the audit trail.
        </p>
        <form className="filters" onSubmit={(event) => void submit(event)} noValidate>
          <ErrorMessage id="report-error" message={fieldError} />
          <div className="filters__grid">
            <TextField
              id="report-nhs-number"
              label="NHS number"
              {...NHS_NUMBER_INPUT}
              invalid={fieldError !== undefined}
              aria-describedby={fieldError === undefined ? undefined : 'report-error'}
              value={nhsNumber}
              onChange={setNhsNumber}
            />
            <TextField
              id="report-from"
              label="From (optional)"
              type="date"
              value={from}
              onChange={setFrom}
            />
            <TextField
              id="report-to"
              label="To (optional)"
              type="date"
              value={to}
              onChange={setTo}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Produce the report
          </button>
        </form>
        <RefusalMessage error={error} doing="produce record access reports" />
        {busy && (
          <p role="status" className="loading">
            Reading the audit trail…
          </p>
        )}
      </div>
      {report !== undefined && <Report report={report} headingRef={reportHeading} />}
    </div>
  );
}

const ACCESS_COLUMNS = ['When', 'Who', 'Role', 'Organisation', 'Basis', 'Outcome'];

function Report({
  report,
  headingRef,
}: {
  report: AccessReportJson;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const views = report.accesses.filter((access) => access.kind === 'record-view').length;
  const prints = report.accesses.filter((access) => access.kind === 'record-print').length;
  const refused = report.accesses.filter((access) => access.kind === 'denied').length;
  const period =
    report.from === undefined && report.to === undefined
      ? 'since records began'
      : `${report.from === undefined ? 'up' : `from ${formatDateTime(report.from)}`} to ${report.to === undefined ? 'now' : formatDateTime(report.to)}`;
  return (
    <article className="report-doc" aria-labelledby="report-heading">
      <p className="print-only report-doc__service">My Care Record — record access report</p>
      <h2 id="report-heading" ref={headingRef} tabIndex={-1}>
        Accesses to the record of NHS number {nhsNumberText(report.nhsNumber)}
      </h2>
      <p>
        {accessSummary(views, prints, refused)}, {period}. Produced{' '}
        {formatDateTime(report.generatedAt)}.
      </p>
      {report.truncated && (
        <p className="inset inset--warning">
          This patient&rsquo;s audit trail is longer than one report can list: choose a shorter
          period to see every access.
        </p>
      )}
      <p className="no-print">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            window.print();
          }}
        >
          Print
        </button>
      </p>
      <AccessChart perDay={report.perDay} />
      {report.accesses.length > 0 && (
        <DataTable caption="Every access, newest first" columns={ACCESS_COLUMNS}>
          {report.accesses.map((access) => (
            <tr key={access.seq}>
              <td className="nowrap">
                <time dateTime={access.time}>{formatDateTime(access.time)}</time>
              </td>
              <td>{access.user.name}</td>
              <td>{roleText(access.user.role)}</td>
              <td>{access.user.organisation}</td>
              <td>{access.kind === 'denied' ? '—' : basisLabel(access.basis)}</td>
              <td>
                {access.kind === 'denied'
                  ? `Refused${access.reasonCode === undefined ? '' : `: ${reasonLabel(access.reasonCode)}`}`
                  : access.kind === 'record-print'
                    ? `Printed the ${access.scope === 'summary' ? 'summary' : 'whole record'}`
                    : outcomeLabel(access.outcome)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p className="print-only hint">
        Times are UK time. Each access is an entry in a tamper-evident audit trail; its entry number
        and proof are available from the privacy officer.
      </p>
    </article>
  );
}

function accessSummary(views: number, prints: number, refused: number): string {
  const viewText =
    views === 0
      ? 'No views of the record'
      : `${views} ${views === 1 ? 'view' : 'views'} of the record`;
  const printText = prints === 0 ? '' : `, ${prints} ${prints === 1 ? 'print' : 'prints'}`;
  const refusedText =
    refused === 0
      ? 'no refused attempts'
      : `${refused} refused ${refused === 1 ? 'attempt' : 'attempts'}`;
  return `${viewText}${printText}, ${refusedText}`;
}
