/**
 * @module Investigations: each test report with its results as a small table (value, unit,
 * reference range, abnormal flag in words), its filing comments, then other observations.
 */
import { memo, useMemo } from 'react';
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import { formatDateTime } from '../fhir-display.ts';
import {
  groupInvestigations,
  reportTable,
  resultRow,
  type LooseObservation,
  type ReportGroup,
  type ResultRow,
} from '../investigation-groups.ts';
import { summariseResource, type ResolveReference } from '../resource-summary.ts';
import { ColumnHeads } from './column-heads.tsx';
import { ItemList } from './item-list.tsx';
import { ItemDetails, ItemFlags } from './item-parts.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';

/** Reports drawn at first (each a table); "Show more" draws four times as many again. */
export const REPORT_PAGE_SIZE = 20;
const OBSERVATION_PAGE_SIZE = 50;

export interface InvestigationsListProps {
  readonly entries: readonly RecordEntry[];
  readonly resolve: ResolveReference;
}

/** Grouping is one pass over the section; tables are built only for drawn reports. */
export function InvestigationsList({ entries, resolve }: InvestigationsListProps) {
  const grouped = useMemo(() => groupInvestigations(entries), [entries]);
  const reports = usePaging(grouped.reports.length, REPORT_PAGE_SIZE);
  const measured = useMemo(
    () => grouped.observations.filter((o) => !o.consultationEntry),
    [grouped],
  );
  const consultation = useMemo(
    () => grouped.observations.filter((o) => o.consultationEntry),
    [grouped],
  );
  return (
    <>
      {grouped.reports.length > 0 && (
        <>
          <h3>Test reports</h3>
          <ul className="items">
            {grouped.reports.slice(0, reports.shown).map((group, index) => (
              <ReportCard key={index} group={group} />
            ))}
          </ul>
          <ShowMore paging={reports} total={grouped.reports.length} noun="reports" />
        </>
      )}
      {measured.length > 0 && (
        <>
          <h3>Other observations</h3>
          <p className="hint">
            Measurements and findings recorded outside a test report (for example blood pressure and
            weight), newest first.
          </p>
          <ObservationTable observations={measured} />
        </>
      )}
      {consultation.length > 0 && (
        <>
          <h3>Notes and findings from GP consultations</h3>
          <p className="hint">Also shown in context under each consultation in Encounters.</p>
          <ObservationTable observations={consultation} />
        </>
      )}
      {grouped.others.length > 0 && (
        <>
          <h3>Test requests</h3>
          <ItemList items={grouped.others.map((entry) => ({ entry }))} resolve={resolve} />
        </>
      )}
    </>
  );
}

function FlagCell({ row }: { readonly row: ResultRow }) {
  if (row.flag === '') return <td className="results__flag" />;
  return (
    <td className={row.abnormal ? 'results__flag results__flag--abnormal' : 'results__flag'}>
      {row.abnormal && <span aria-hidden="true">! </span>}
      {row.flag}
    </td>
  );
}

/** One result's cells, from its name to its flag: the same in a report's table and the others'. */
function ResultCells({ row }: { readonly row: ResultRow }) {
  return (
    <>
      <th scope="row">
        {row.name}
        {row.status !== '' && <span className="tag tag--neutral">{row.status}</span>}
        {row.notes !== '' && <span className="results__note">{row.notes}</span>}
      </th>
      <td>{row.value}</td>
      <td>{row.unit}</td>
      <td>{row.range}</td>
      <FlagCell row={row} />
    </>
  );
}

function ResultRows({ rows }: { readonly rows: readonly ResultRow[] }) {
  return (
    <>
      {rows.map((row, index) =>
        row.header ? (
          <tr key={index} className={`results__group results__depth-${Math.min(row.depth, 3)}`}>
            <th scope="rowgroup" colSpan={5}>
              {row.name}
            </th>
          </tr>
        ) : (
          <tr
            key={index}
            className={`results__depth-${Math.min(row.depth, 3)}${row.abnormal ? ' results__row--abnormal' : ''}`}
          >
            <ResultCells row={row} />
          </tr>
        ),
      )}
    </>
  );
}

const ReportCard = memo(function ReportCard({ group }: { readonly group: ReportGroup }) {
  const summary = useMemo(() => summariseResource(group.report.resource), [group]);
  const table = useMemo(() => reportTable(group), [group]);
  const abnormal = table.rows.filter((row) => row.abnormal).length;
  const { source } = group.report;
  return (
    <li className="item report">
      <div className="item__head">
        <p className="item__title">{summary.title}</p>
        {summary.date !== '' && <p className="item__date">{summary.date}</p>}
      </div>
      <ItemFlags
        flags={summary.flags}
        leading={
          abnormal > 0 ? (
            <span className="tag tag--alert">
              {abnormal} abnormal result{abnormal === 1 ? '' : 's'}
            </span>
          ) : undefined
        }
      />
      {table.rows.length > 0 ? (
        <table className="results">
          <caption className="visually-hidden">Results of {summary.title}</caption>
          <ColumnHeads columns={['Test', 'Result', 'Unit', 'Reference range', 'Flag']} />
          <tbody>
            <ResultRows rows={table.rows} />
          </tbody>
        </table>
      ) : (
        <p className="hint">No results were sent with this report.</p>
      )}
      {table.comments.length > 0 && (
        <div className="filing">
          <p className="filing__heading">Filing comment{table.comments.length === 1 ? '' : 's'}</p>
          {table.comments.map((comment, index) => (
            <p key={index} className="filing__text">
              {comment}
            </p>
          ))}
        </div>
      )}
      {/* The table above is the results; their count would say it again. */}
      <ItemDetails details={summary.details.filter((detail) => detail.label !== 'Results')} />
      <p className="item__source">
        <span className="visually-hidden">Source: </span>
        Test report from <span className="item__source-name">{source.system}</span>,{' '}
        {source.organisation}. Retrieved {formatDateTime(source.retrievedAt)}
      </p>
    </li>
  );
});

function ObservationTable({
  observations,
}: {
  readonly observations: readonly LooseObservation[];
}) {
  const paging = usePaging(observations.length, OBSERVATION_PAGE_SIZE);
  return (
    <>
      <table className="results results--observations">
        <ColumnHeads
          columns={['Date', 'Observation', 'Value', 'Unit', 'Reference range', 'Flag', 'From']}
        />
        <tbody>
          {observations.slice(0, paging.shown).map((observation, index) => (
            <ObservationRow key={index} observation={observation} />
          ))}
        </tbody>
      </table>
      <ShowMore paging={paging} total={observations.length} noun="observations" />
    </>
  );
}

const ObservationRow = memo(function ObservationRow({
  observation,
}: {
  readonly observation: LooseObservation;
}) {
  const { resource, source } = observation.entry;
  const row = useMemo(() => resultRow(resource), [resource]);
  const date = useMemo(() => summariseResource(resource).date, [resource]);
  return (
    <tr className={row.abnormal ? 'results__row--abnormal' : undefined}>
      <td className="results__date">{date}</td>
      <ResultCells row={row} />
      <td className="results__from">{source.system}</td>
    </tr>
  );
});
