/**
 * @module The Summary a record opens on: alerts, allergies (what their absence means), current
 * medicines, active problems, recent encounters and admissions, and how complete the record is.
 * What goes in it is src/web/record-summary.ts; this only draws it.
 */
import { useMemo } from 'react';
import {
  emptyBlockText,
  summariseRecord,
  type RecordSummary,
  type SummaryBlock,
  type SummaryLine,
} from '../record-summary.ts';
import { SECTION_LABELS } from '../source-status.ts';
import type { RecordViewContext } from './record-views.tsx';

export interface RecordSummaryViewProps {
  readonly context: RecordViewContext;
  /** Sources still being asked. */
  readonly waiting: number;
}

export function RecordSummaryView({ context, waiting }: RecordSummaryViewProps) {
  const { record, resolve, openView } = context;
  const summary = useMemo(
    () => summariseRecord(record, { waiting, resolve }),
    [record, waiting, resolve],
  );
  return (
    <section aria-labelledby="heading-summary" className="summary">
      <h2 id="heading-summary">Summary</h2>
      <Completeness summary={summary} />
      <section aria-labelledby="summary-alerts" className="summary__block">
        <h3 id="summary-alerts">Alerts</h3>
        {summary.alerts.length === 0 ? (
          <p className="empty">No alerts or resuscitation decisions in what the systems sent.</p>
        ) : (
          <Lines lines={summary.alerts} className="summary__lines summary__lines--alerts" />
        )}
      </section>
      <section aria-labelledby="summary-allergies" className="summary__block">
        <h3 id="summary-allergies">Allergies</h3>
        <AllergyStatement allergies={summary.allergies} />
        <Block block={summary.allergies} openView={openView} showEmpty={false} />
      </section>
      <section aria-labelledby="summary-medications" className="summary__block">
        <h3 id="summary-medications">Current medicines</h3>
        <Block block={summary.medicines} openView={openView} />
      </section>
      <section aria-labelledby="summary-problems" className="summary__block">
        <h3 id="summary-problems">Active problems</h3>
        <Block block={summary.problems} openView={openView} />
      </section>
      <section aria-labelledby="summary-encounters" className="summary__block">
        <h3 id="summary-encounters">Recent encounters and admissions</h3>
        <Block block={summary.encounters} openView={openView} />
      </section>
    </section>
  );
}

function Completeness({ summary }: { readonly summary: RecordSummary }) {
  const { waiting, notAnswered } = summary.completeness;
  if (waiting === 0 && notAnswered.length === 0) {
    return <p className="inset inset--neutral">Every system asked has answered.</p>;
  }
  return (
    <div className="inset inset--warning">
      <p>
        <strong>This record may be incomplete.</strong>
        {waiting > 0 &&
          ` ${waiting} ${waiting === 1 ? 'system has' : 'systems have'} not answered yet.`}
      </p>
      {notAnswered.length > 0 && (
        <ul>
          {notAnswered.map((source) => (
            <li key={source.name}>
              {source.name}: {source.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AllergyStatement({ allergies }: { readonly allergies: RecordSummary['allergies'] }) {
  const { statement, notAnswered } = allergies;
  const missing =
    notAnswered.length > 0
      ? ` Not known from ${notAnswered.join(', ')}, which did not answer.`
      : '';
  switch (statement.kind) {
    case 'allergies':
      return missing === '' ? null : <p className="summary__note">{missing.trim()}</p>;
    case 'no-known-allergies':
      return (
        <p className="summary__statement">
          <strong>No known allergies</strong> recorded
          {statement.date === '' ? '' : ` on ${statement.date}`} · from {statement.from}.{missing}
        </p>
      );
    case 'none-returned':
      return (
        <p className="summary__statement summary__statement--warning">
          <strong>No allergy information returned.</strong> No system sent an allergy or a &ldquo;no
          known allergies&rdquo; entry: this is not the same as no known allergies.
          {missing}
        </p>
      );
    case 'unknown':
      return <p className="empty">{emptyBlockText(allergies)}</p>;
  }
}

function Block({
  block,
  openView,
  showEmpty = true,
}: {
  readonly block: SummaryBlock;
  readonly openView: (id: string) => void;
  readonly showEmpty?: boolean;
}) {
  const label = SECTION_LABELS[block.section];
  return (
    <>
      {block.lines.length === 0 && showEmpty && <p className="empty">{emptyBlockText(block)}</p>}
      {block.lines.length > 0 && <Lines lines={block.lines} className="summary__lines" />}
      {block.state !== 'hidden' && (block.more > 0 || block.lines.length > 0) && (
        <p className="summary__more">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              openView(block.section);
            }}
          >
            {block.more > 0 ? `${block.more} more in ${label}` : `Open ${label}`}
          </button>
        </p>
      )}
      {showEmpty && block.state !== 'hidden' && block.notAnswered.length > 0 && (
        <p className="summary__note">
          Not known from {block.notAnswered.join(', ')}, which did not answer.
        </p>
      )}
    </>
  );
}

function Lines({
  lines,
  className,
}: {
  readonly lines: readonly SummaryLine[];
  readonly className: string;
}) {
  return (
    <ul className={className}>
      {lines.map((line, index) => (
        <li key={index}>
          <strong>{line.title}</strong>
          <span className="summary__meta">
            {[line.detail, line.date, `from ${line.from}`]
              .filter((part) => part !== '')
              .join(' · ')}
          </span>
        </li>
      ))}
    </ul>
  );
}
