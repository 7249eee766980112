/**
 * @module A loaded record (or one still arriving): the permission it was viewed under, any
 * safeguarding alert, the sources with their progress, warnings about the whole record, then the sections.
 */
import { useMemo, useRef, useState } from 'react';
import type { RecordView } from '../../api/record.ts';
import { formatDateTime } from '../fhir-display.ts';
import { activeAlerts } from '../record-alerts.ts';
import { indexRecord } from '../record-index.ts';
import type { PendingSource } from '../record-stream.ts';
import { generalWarnings, isInformationWithheld } from '../section-warnings.ts';
import { ErrorMessage } from './error-message.tsx';
import { ActionOrCancel } from './form-fields.tsx';
import { PrintControls, type PrintRecord } from './print-controls.tsx';
import { itemFinder, RecordContext } from './record-context.ts';
import { RecordTabs } from './record-tabs.tsx';
import { RECORD_VIEWS, viewById, type RecordViewContext } from './record-views.tsx';
import { SourcePanel } from './source-panel.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';
import { WarningList } from './warning-list.tsx';

export interface RecordViewerProps {
  readonly record: RecordView;
  /** The open view's id; an unknown id opens the first view. */
  readonly view: string;
  readonly onOpenView: (id: string) => void;
  readonly withdrawError: string | undefined;
  readonly onWithdraw: () => void;
  /** Sources not yet answered while the record streams in. */
  readonly pending?: readonly PendingSource[];
  /** Why the stream stopped early, if it did. */
  readonly failure?: string | undefined;
  /** Audits a print before the page prints; absent: no print button. */
  readonly onPrint?: PrintRecord | undefined;
}

/** Moves focus to the permission bar when the record arrives. */
export function RecordViewer({
  record,
  view,
  onOpenView,
  withdrawError,
  onWithdraw,
  pending = [],
  failure,
  onPrint,
}: RecordViewerProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(heading);
  const resolve = useMemo(() => indexRecord(record.sections), [record.sections]);
  const alerts = useMemo(() => activeAlerts(record.sections), [record.sections]);
  const general = useMemo(() => generalWarnings(record.sources), [record.sources]);
  const recordContext = useMemo(
    () => ({ reconciliation: record.reconciliation, findItem: itemFinder(record.sections) }),
    [record.reconciliation, record.sections],
  );
  const { permission } = record;
  const stopped = failure !== undefined;
  const open = viewById(view).id;
  const [confirming, setConfirming] = useState(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const withdrawButton = useRef<HTMLButtonElement>(null);
  useFocusOnMount(confirmHeading, confirming);
  const context: RecordViewContext = {
    record,
    resolve,
    waiting: pending.length > 0 && !stopped,
    pending,
    openView: onOpenView,
  };
  return (
    <div className="record">
      <section className="permission-bar" aria-labelledby="permission-bar-heading">
        <div>
          <h2
            id="permission-bar-heading"
            ref={heading}
            tabIndex={-1}
            className="permission-bar__heading"
          >
            {permission.basis === 'emergency' ? 'Emergency access' : 'Viewing with permission'}
          </h2>
          <p className="permission-bar__text">Until {formatDateTime(permission.expiresAt)}</p>
        </div>
      </section>
      {/* The Summary lists the alerts itself; every other view keeps them in view above it. */}
      {alerts.length > 0 && open !== 'summary' && (
        <section className="alert-banner" aria-labelledby="alerts-heading">
          <h2 id="alerts-heading" className="alert-banner__heading">
            Safeguarding and alerts
          </h2>
          <ul className="alert-banner__list">
            {alerts.map((alert, index) => (
              <li key={index}>
                <strong>{alert.text}</strong>
                <span className="alert-banner__meta">
                  {[
                    alert.category,
                    alert.since === '' ? '' : `since ${alert.since}`,
                    `from ${alert.from}`,
                  ]
                    .filter((part) => part !== '')
                    .join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {failure !== undefined && (
        <p className="inset inset--warning" role="alert">
          {failure} What is shown below is what arrived before it stopped.
        </p>
      )}
      {isInformationWithheld(record) && (
        <p className="inset inset--neutral">Some information is not shown.</p>
      )}
      <WarningList warnings={general} heading="About the whole record" />
      <SourcePanel sources={record.sources} pending={pending} stopped={stopped} />
      {onPrint !== undefined && (
        <PrintControls record={record} complete={pending.length === 0} print={onPrint} />
      )}
      <RecordContext.Provider value={recordContext}>
        <RecordTabs views={RECORD_VIEWS} open={open} context={context} />
      </RecordContext.Provider>
      {/* After the record, so it is never the first Tab stop; withdrawing asks to confirm. */}
      <section className="withdraw" aria-labelledby="withdraw-heading">
        <h2 id="withdraw-heading" className="withdraw__heading">
          Finished with this record?
        </h2>
        {!confirming && (
          <button
            ref={withdrawButton}
            type="button"
            className="button button--secondary"
            onClick={() => {
              setConfirming(true);
            }}
          >
            Withdraw permission
          </button>
        )}
        {confirming && (
          <div className="inset inset--warning" role="group" aria-labelledby="confirm-heading">
            <h3 id="confirm-heading" ref={confirmHeading} tabIndex={-1}>
              Withdraw permission to view this record?
            </h3>
            <p>
              The record will no longer be shown, and a new permission will be needed to view it
              again.
            </p>
            <ActionOrCancel
              className="button-row"
              action="Yes, withdraw permission"
              warning
              onAction={() => {
                setConfirming(false);
                onWithdraw();
              }}
              cancel="Keep permission"
              onCancel={() => {
                setConfirming(false);
                // The button is back once React commits: focus returns to it.
                setTimeout(() => withdrawButton.current?.focus(), 0);
              }}
            />
          </div>
        )}
        <ErrorMessage message={withdrawError} />
      </section>
    </div>
  );
}
