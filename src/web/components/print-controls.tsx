/**
 * @module Printing from a button: the print is audited first (`POST …/record-print`), and only
 * then does the page print, every page marked "Not for storage". If the audit cannot be written
 * the page does not print and says so. Printing any other way (the browser's own Print) prints a
 * notice instead of the record.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { ApiResult } from '../api-client.ts';
import type { RecordView } from '../../api/record.ts';
import type { PrintScope, RecordPrinted } from '../../api/record-print.ts';
import { ErrorMessage } from './error-message.tsx';
import { PrintView } from './print-view.tsx';

/** Audits a print of the record or its summary. */
export type PrintRecord = (scope: PrintScope) => Promise<ApiResult<RecordPrinted>>;

export interface PrintControlsProps {
  readonly record: RecordView;
  /** Every source has answered (or the stream stopped): what is shown is what will print. */
  readonly complete: boolean;
  readonly print: PrintRecord;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'asking'; readonly scope: PrintScope }
  | { readonly kind: 'printing'; readonly printed: RecordPrinted }
  | { readonly kind: 'refused'; readonly message: string };

/** The class on `<html>` that lets the print stylesheet print the print view, and only it. */
const PRINTING = 'printing';

export function PrintControls({ record, complete, print }: PrintControlsProps) {
  const [state, setState] = useState<State>({ kind: 'idle' });

  async function start(scope: PrintScope) {
    setState({ kind: 'asking', scope });
    const result = await print(scope);
    if (result.ok) {
      setState({ kind: 'printing', printed: result.value });
      return;
    }
    setState({
      kind: 'refused',
      message:
        result.error.code === 'AUDIT_UNAVAILABLE'
          ? 'Not printed: the print could not be recorded in the audit trail, and nothing is printed unrecorded. Try again shortly.'
          : `Not printed: ${result.error.message}`,
    });
  }

  // Once the print view is on the page: mark the document, print, and tidy up after.
  useEffect(() => {
    if (state.kind !== 'printing') return;
    const root = document.documentElement;
    root.classList.add(PRINTING);
    const done = () => {
      root.classList.remove(PRINTING);
      setState({ kind: 'idle' });
    };
    window.addEventListener('afterprint', done, { once: true });
    window.print();
    return () => {
      window.removeEventListener('afterprint', done);
      root.classList.remove(PRINTING);
    };
  }, [state]);

  const busy = state.kind === 'asking' || state.kind === 'printing';
  return (
    <>
      <section className="print-controls no-print" aria-labelledby="print-heading">
        <h2 id="print-heading" className="visually-hidden">
          Print
        </h2>
        <button
          type="button"
          className="button button--secondary"
          disabled={busy || !complete}
          onClick={() => void start('summary')}
        >
          Print summary
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={busy || !complete}
          onClick={() => void start('record')}
        >
          Print whole record
        </button>
        <p className="hint print-controls__hint">
          {complete
            ? 'Printing is recorded in the audit trail. Each page is marked not for storage.'
            : 'Printing is possible once every system has answered.'}
        </p>
        <p role="status" className="print-controls__status">
          {state.kind === 'asking' && 'Recording the print in the audit trail…'}
          {state.kind === 'printing' &&
            `Printing the ${state.printed.scope === 'summary' ? 'summary' : 'whole record'}: recorded in the audit trail.`}
        </p>
        {state.kind === 'refused' && <ErrorMessage message={state.message} />}
      </section>
      {/* Outside the record (which never prints this way), so the browser's own Print shows it. */}
      {createPortal(
        <p className="print-refusal">
          This record is printed only from its Print buttons, so that every print is recorded and
          marked not for storage.
        </p>,
        document.body,
      )}
      {state.kind === 'printing' && <PrintView record={record} printed={state.printed} />}
    </>
  );
}
