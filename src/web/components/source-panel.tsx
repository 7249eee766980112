/** @module Where the record came from: each source system, how it answered, what it held. */
import type { SourceSummary } from '../api-types.ts';
import { formatElapsed } from '../fhir-display.ts';
import { describeCounts, describeSourceStatus, isIncomplete } from '../source-status.ts';

export interface SourcePanelProps {
  readonly sources: readonly SourceSummary[];
}

/** Shown before the sections so gaps in the record are seen first. */
export function SourcePanel({ sources }: SourcePanelProps) {
  return (
    <section className="sources" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Where this record came from</h2>
      {isIncomplete(sources) && (
        <p className="inset inset--warning">
          Some systems did not answer, so this record may be incomplete.
        </p>
      )}
      {sources.length === 0 && <p>No systems were asked.</p>}
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
              {source.message !== undefined && source.message !== status.text && (
                <p className="source__message">{source.message}</p>
              )}
              {source.status === 'answered' && (
                <p className="source__counts">{counts === '' ? 'No items' : counts}</p>
              )}
              {(source.warnings ?? []).length > 0 && (
                <ul className="source__warnings">
                  {(source.warnings ?? []).map((warning, index) => (
                    <li key={`${warning.code}-${index}`}>{warning.message}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
