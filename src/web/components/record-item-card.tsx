/** @module One record item: what it is, its key facts and flags, and where it came from. */
import { memo, useMemo } from 'react';
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import { formatDateTime } from '../fhir-display.ts';
import { summariseResource, type ResolveReference } from '../resource-summary.ts';

export interface RecordItemCardProps {
  readonly entry: RecordEntry;
  readonly resolve: ResolveReference;
}

/** Provenance is on every item, so nothing is read without knowing its source. */
export const RecordItemCard = memo(function RecordItemCard({
  entry,
  resolve,
}: RecordItemCardProps) {
  const summary = useMemo(() => summariseResource(entry.resource, resolve), [entry, resolve]);
  const { source } = entry;
  return (
    <li className={summary.inactive ? 'item item--inactive' : 'item'}>
      <div className="item__head">
        <p className="item__title">
          {summary.title}
          {summary.value !== undefined && <span className="item__value">{summary.value}</span>}
        </p>
        {summary.date !== '' && <p className="item__date">{summary.date}</p>}
      </div>
      {summary.flags.length > 0 && (
        <p className="item__flags">
          {summary.flags.map((flag, index) => (
            <span key={index} className={`tag tag--${flag.tone}`}>
              {flag.text}
            </span>
          ))}
        </p>
      )}
      {summary.details.length > 0 && (
        <dl className="item__details">
          {summary.details.map((detail, index) => (
            <div key={index}>
              <dt>{detail.label}</dt>
              <dd>{detail.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p className="item__source">
        <span className="visually-hidden">Source: </span>
        {summary.kind} from <span className="item__source-name">{source.system}</span>,{' '}
        {source.organisation}. Retrieved {formatDateTime(source.retrievedAt)}
      </p>
    </li>
  );
});
