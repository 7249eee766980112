/** @module Where the record came from: each source system, how it answered, what it held. */
import type { SourceSummary } from '../../api/record.ts';
import { formatElapsed } from '../fhir-display.ts';
import type { PendingSource } from '../record-stream.ts';
import { describeCounts, describeSourceStatus, isIncomplete } from '../source-status.ts';

export interface SourcePanelProps {
  readonly sources: readonly SourceSummary[];
  /** Sources still being asked (the record is arriving over the stream). */
  readonly pending?: readonly PendingSource[];
  /** The stream stopped before these answered: they are missing, not waiting. */
  readonly stopped?: boolean;
}

/** Shown before the sections so gaps in the record are seen first. */
export function SourcePanel({ sources, pending = [], stopped = false }: SourcePanelProps) {
  const waiting = pending.length > 0 && !stopped;
  return (
    <section className="sources" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Where this record came from</h2>
      <p role="status" className={waiting ? 'sources__progress' : 'visually-hidden'}>
        {waiting
          ? `Waiting for ${pending.length} of ${pending.length + sources.length} systems…`
          : `${sources.length} system${sources.length === 1 ? '' : 's'} answered or reported a problem.`}
      </p>
      {(isIncomplete(sources) || (stopped && pending.length > 0)) && (
        <p className="inset inset--warning">
          Some systems did not answer, so this record may be incomplete.
        </p>
      )}
      {sources.length === 0 && pending.length === 0 && <p>No systems were asked.</p>}
      <ul className="sources__list">
        {sources.map((source) => {
          const status = describeSourceStatus(source.status);
          const counts = describeCounts(source.counts);
          return (
            <li key={source.id} className={`source source--${status.tone}`}>
              <div className="source__head">
                <span className="source__name">{source.name}</span>
                <span className="source__org">{source.organisation}</span>
              </div>
              <p className="source__status">
                <span className={`tag tag--${status.tone}`}>{status.text}</span>
                <span className="source__elapsed">{formatElapsed(source.elapsedMs)}</span>
              </p>
              {source.message !== status.text && (
                <p className="source__message">{source.message}</p>
              )}
              {source.status === 'answered' && (
                <p className="source__counts">{counts === '' ? 'No items' : counts}</p>
              )}
              {source.warnings.length > 0 && (
                <ul className="source__warnings">
                  {source.warnings.map((warning, index) => (
                    <li key={`${warning.code}-${index}`}>{warning.message}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
        {pending.map((source) => (
          <li
            key={source.id}
            className={stopped ? 'source source--alert' : 'source source--waiting'}
          >
            <div className="source__head">
              <span className="source__name">{source.name}</span>
              <span className="source__org">{source.organisation}</span>
            </div>
            <p className="source__status">
              <span className={stopped ? 'tag tag--alert' : 'tag tag--neutral'}>
                {stopped
                  ? 'No answer: the view stopped before it answered'
                  : 'Waiting for an answer…'}
              </span>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
