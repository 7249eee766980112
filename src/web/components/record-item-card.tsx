/** @module One record item: what it is, its key facts and flags, and where it came from. */
import { memo, useContext, useMemo, type ReactNode } from 'react';
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import { formatDateTime } from '../fhir-display.ts';
import { summariseResource, type ResolveReference } from '../resource-summary.ts';
import { ItemDetails, ItemFlags } from './item-parts.tsx';
import { RecordContext } from './record-context.ts';

export interface RecordItemCardProps {
  readonly entry: RecordEntry;
  readonly resolve: ResolveReference;
  /** What the clinician can do with the item (e.g. open a document), drawn after its source. */
  readonly children?: ReactNode;
}

/**
 * Provenance is on every item, so nothing is read without knowing its source. An entry other
 * sources also reported (`alsoFrom`) is one line "from A and B", each source's own entry a click away.
 */
export const RecordItemCard = memo(function RecordItemCard({
  entry,
  resolve,
  children,
}: RecordItemCardProps) {
  const summary = useMemo(() => summariseResource(entry.resource, resolve), [entry, resolve]);
  const { findItem } = useContext(RecordContext);
  const copies = useMemo(
    () =>
      (entry.alsoFrom ?? [])
        .map((ref) => findItem(ref))
        .filter((copy): copy is RecordEntry => copy !== undefined),
    [entry, findItem],
  );
  const { source } = entry;
  const others = [...new Set(copies.map((copy) => copy.source.system))];
  return (
    <li className={summary.inactive ? 'item item--inactive' : 'item'}>
      <div className="item__head">
        <p className="item__title">
          {summary.title}
          {summary.value !== undefined && <span className="item__value">{summary.value}</span>}
        </p>
        {summary.date !== '' && <p className="item__date">{summary.date}</p>}
      </div>
      <ItemFlags flags={summary.flags} />
      <ItemDetails details={summary.details} />
      <p className="item__source">
        <span className="visually-hidden">Source: </span>
        {summary.kind} from <span className="item__source-name">{source.system}</span>
        {others.length > 0 && (
          <>
            {' and '}
            <span className="item__source-name">{others.join(' and ')}</span>
          </>
        )}
        , {source.organisation}. Retrieved {formatDateTime(source.retrievedAt)}
      </p>
      {children}
      {copies.length > 0 && (
        <SourceCopies shownFrom={source.system} copies={copies} resolve={resolve} />
      )}
    </li>
  );
});

/** Each source's own entry of a duplicate, on request: nothing a source said is lost. */
function SourceCopies({
  shownFrom,
  copies,
  resolve,
}: {
  readonly shownFrom: string;
  readonly copies: readonly RecordEntry[];
  readonly resolve: ResolveReference;
}) {
  return (
    <details className="item__copies">
      <summary>Show each source&rsquo;s entry</summary>
      <p className="hint">
        The same entry was reported by more than one system (matched by code and date). Shown above
        as {shownFrom} sent it; each other system&rsquo;s own version:
      </p>
      <ul className="items items--copies">
        {copies.map((copy) => (
          <RecordItemCard
            key={`${copy.source.sourceId}|${copy.resource.id ?? ''}`}
            entry={copy}
            resolve={resolve}
          />
        ))}
      </ul>
    </details>
  );
}
