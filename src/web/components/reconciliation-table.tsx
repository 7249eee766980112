/**
 * @module The medicines reconciliation side by side: for each line, the GP's entries beside the
 * other source's (hospital discharge, community), what differs in words, the class, the dates that
 * decide which is newer, and the server's note. It informs (NICE NG5); the clinician decides.
 */
import { useContext, useId, useMemo } from 'react';
import type { ReconciledItem, RecordItem } from '../../api/record.ts';
import { medicationFacts } from '../medication-facts.ts';
import {
  classWords,
  decidingDate,
  findEntry,
  orderLines,
  STATUS_TONE,
  STATUS_WORDS,
} from '../reconciliation-display.ts';
import { summariseResource } from '../resource-summary.ts';
import { RecordContext } from './record-context.ts';

export interface ReconciliationTableProps {
  /** The medications section's items (the lines name them). */
  readonly entries: readonly RecordItem[];
}

/** Nothing is drawn when there is nothing to reconcile (no GP answer, or no other list). */
export function ReconciliationTable({ entries }: ReconciliationTableProps) {
  const { reconciliation } = useContext(RecordContext);
  const lines = useMemo(() => orderLines(reconciliation), [reconciliation]);
  const heading = useId();
  if (lines.length === 0) return null;
  const differences = lines.filter((line) => line.status !== 'unchanged').length;
  return (
    <section className="reconciliation" aria-labelledby={heading}>
      <h3 id={heading}>Medicines reconciliation</h3>
      <p>
        The GP&rsquo;s current medicines set against those from other systems (hospital discharge,
        community): {differences === 0 ? 'no differences found' : `${differences} to check`}. This
        compares the lists; it does not decide which is right. Check with the patient, the GP and
        the discharging team before continuing, changing or stopping a medicine.
      </p>
      <div className="table-wrap">
        <table className="data-table reconciliation__table">
          <caption className="visually-hidden">
            Medicines reconciliation: GP list beside the other systems&rsquo; lists
          </caption>
          <thead>
            <tr>
              <th scope="col">What differs</th>
              <th scope="col">GP list</th>
              <th scope="col">Other systems</th>
              <th scope="col">Class</th>
              <th scope="col">What to check</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, index) => (
              <tr
                key={index}
                className={`reconciliation__line reconciliation__line--${line.status}`}
              >
                <th scope="row">
                  <span className={`tag tag--${STATUS_TONE[line.status]}`}>
                    {STATUS_WORDS[line.status]}
                  </span>
                </th>
                <td>
                  <Entries entries={entries} items={line.items.filter((item) => item.gp)} />
                </td>
                <td>
                  <Entries entries={entries} items={line.items.filter((item) => !item.gp)} />
                </td>
                <td>{classWords(line.class)}</td>
                <td className="reconciliation__note">{line.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Entries({
  entries,
  items,
}: {
  readonly entries: readonly RecordItem[];
  readonly items: readonly ReconciledItem[];
}) {
  if (items.length === 0) return <span className="reconciliation__none">Not listed</span>;
  return (
    <ul className="reconciliation__entries">
      {items.map((item) => {
        const entry = findEntry(entries, item);
        if (entry === undefined) return null;
        const title = summariseResource(entry.resource).title;
        const { dose } = medicationFacts(entry.resource);
        const date = decidingDate(entry.resource);
        return (
          <li key={`${item.sourceId}|${item.id}`}>
            <strong>{title}</strong>
            {dose !== '' && <span className="reconciliation__dose">{dose}</span>}
            <span className="reconciliation__meta">
              {[date === '' ? 'no date given' : date, `from ${entry.source.system}`].join(' · ')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
